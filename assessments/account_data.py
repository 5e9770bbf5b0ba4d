"""assessments' part of an account's data (accounts.hooks): in its download, and in its deletion."""

from careerpath.owner import Owner

from .models import Assessment

# What account_data holds of a person (accounts.hooks.add_account_data).
MODELS = [
    "assessments.Assessment",
    "assessments.Rating",
    "assessments.ShareLink",
    "assessments.Plan",
    "assessments.PlanItem",
    "assessments.PlanItemEvent",
]


def account_data(user):
    """Every assessment of `user` with its ratings, share links and plan, for "Download my data"."""
    assessments = (
        Assessment.objects.owned_by(Owner.of_user(user))
        .select_related("role", "current_role")
        .prefetch_related("ratings__skill", "share_links", "plan__items__events")
        .order_by("created_at", "id")
    )
    return {"assessments": [_assessment_data(a) for a in assessments]}


def delete_account_data(*, user):
    """Their assessments go, and with them their ratings, share links, plans and the reviews of them."""
    Assessment.objects.owned_by(Owner.of_user(user)).delete()


def _assessment_data(assessment):
    plan = getattr(assessment, "plan", None)  # reverse one-to-one: None when there is no plan
    return {
        "id": assessment.pk,
        "role": {"slug": assessment.role.slug, "title": assessment.role.title},
        "status": assessment.status,
        "current_role": assessment.current_role.slug if assessment.current_role else None,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "ratings": [
            {
                "skill": r.skill.slug,
                "skill_name": r.skill.name,
                "level": r.level,
                "evidence": r.evidence,
                "updated_at": r.updated_at,
                "carried_over": r.is_prefilled,
            }
            for r in assessment.ratings.all()
        ],
        "share_links": [
            {
                "display_name": s.display_name,
                "include_plan": s.include_plan,
                "include_current_role": s.include_current_role,
                "include_evidence": s.include_evidence,
                "include_reviews": s.include_reviews,
                "created_at": s.created_at,
                "revoked_at": s.revoked_at,
            }
            for s in assessment.share_links.all()
        ],
        "plan": None
        if plan is None
        else [
            {
                "skill": item.skill_name,
                "current_level": item.current_level,
                "target_level": item.target_level,
                "action": item.action,
                "target_date": item.target_date,
                "notes": item.notes,
                "status": item.status,
                "history": [{"at": e.at, "kind": e.kind, "text": e.text} for e in item.events.all()],
            }
            for item in plan.items.all()
        ],
    }
