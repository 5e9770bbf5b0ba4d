"""Writes and reads of a person's own account data."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from assessments.models import Assessment
from reviews.selectors import export_reviews
from reviews.services import forget_reviewer
from teams import selectors as team_selectors
from teams import services as team_services


def export_user_data(*, user):
    """Everything careerpath holds about `user`, as plain JSON-ready data."""
    assessments = (
        Assessment.objects.owned_by(user)
        .select_related("role", "current_role")
        .prefetch_related("ratings__skill", "share_links", "plan__items")
        .order_by("created_at", "id")
    )
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "assessments": [_assessment_data(a) for a in assessments],
        "reviews": export_reviews(user),  # reviews: ratings received and given, requests, calibrations
        "teams": team_selectors.export_memberships(user),
    }


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
            }
            for item in plan.items.all()
        ],
    }


@transaction.atomic
def delete_user_account(*, user):
    """Remove the account and everything it owns (assessments, ratings, share links, plans), and
    the sign-in records kept under its username. The owner's cached pages go with it: deleting the
    user replaces their owner key (assessments.owners), on every instance sharing the cache."""
    username = user.get_username()
    forget_reviewer(user=user)  # reviews: the reviews they gave go; their assessments' reviews go with them
    Assessment.objects.owned_by(user).delete()
    team_services.remove_user_from_all_teams(user=user)  # memberships go; a last owner's team passes on
    for model in (AccessLog, AccessAttempt, AccessFailureLog):
        model.objects.filter(username=username).delete()
    user.delete()


@transaction.atomic
def save_preferences(*, user, show_targets_while_rating):
    from assessments.owners import changed

    from .models import Preferences

    prefs, _ = Preferences.objects.update_or_create(
        user=user, defaults={"show_targets_while_rating": show_targets_while_rating}
    )
    changed(user)  # the step pages cached for this person show targets or not
    return prefs
