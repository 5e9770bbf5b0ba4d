"""Reading development plans (one per person and role): the options for each gap, the dashboard
summaries, item histories, and whether finished plan items moved the rating in a later assessment
(the calendar file: calendar.py)."""

from dataclasses import dataclass

from careerpath.owner import Owner

from .models import Plan, PlanItem, PlanItemEvent


def plan_options(report):
    """{skill slug: [action texts]} from the report's courses, certifications and suggestions."""
    options = {}
    for gap in report.gaps:
        texts = []
        for chosen in gap.courses + gap.certifications:  # reports.OfferingForSkill
            offering = chosen.offering
            # what it is, as the report says it (a book, a guide...); older snapshots know only the kind
            kind = offering.format_label or ("Certification" if offering.is_certification else "Course")
            provider = f" ({offering.provider})" if offering.provider else ""
            texts.append(f"{kind}: {offering.title}{provider}")
        texts.extend(f"Suggestion: {s}" for s in gap.suggestions)
        options[gap.slug] = [t[:500] for t in texts]
    return options


def plan_data(plan):
    """The plan's items as report.json carries them (docs/report-format.md), in priority order."""
    return [
        {
            "skill": item.skill.slug,
            "skill_name": item.skill_name,
            "current_level": item.current_level,
            "target_level": item.target_level,
            "action": item.action,
            "target_date": item.target_date.isoformat() if item.target_date else None,
            "notes": item.notes,
            "status": item.status,
        }
        for item in plan.items.select_related("skill")
    ]


def plan_for(user, role_id):
    """The user's one plan for the role, or None."""
    return (
        Plan.objects.owned_by(Owner.of_user(user))
        .for_role(role_id)
        .select_related("assessment__role")
        .defer("assessment__snapshot")
        .first()
    )


def _summary(plan, items, upcoming):
    open_items = [i for i in items if i.status != PlanItem.Status.DONE]
    dated = sorted((i for i in open_items if i.target_date), key=lambda i: (i.target_date, i.order))
    next_item = dated[0] if dated else (min(open_items, key=lambda i: i.order) if open_items else None)
    return {
        "plan": plan,
        "role": plan.role,
        "done": len(items) - len(open_items),
        "total": len(items),
        "next_items": dated[:upcoming],
        "next_item": next_item,
        "undated": sum(1 for i in open_items if not i.target_date),
        "overdue": [i for i in open_items if i.is_overdue],
    }


def plan_summaries(user, *, upcoming=3):
    """One summary per plan (one plan per role), the most recently changed first; two queries."""
    plans = list(Plan.objects.owned_by(Owner.of_user(user)).select_related("role").order_by("-updated_at", "-id"))
    items = {}
    for item in PlanItem.objects.filter(plan__in=plans).order_by("order", "id"):
        items.setdefault(item.plan_id, []).append(item)
    return [_summary(plan, items.get(plan.pk, []), upcoming) for plan in plans]


@dataclass(frozen=True)
class ItemOutcome:
    item: PlanItem
    before: int
    after: int | None

    @property
    def moved(self):
        return self.after is not None and self.after > self.before


def finished_item_outcomes(assessment, report):
    """For the finished items of the user's plan for this role, when the plan was made before this
    report was submitted: did the rating move? (A closed item keeps the level it was planned from.)"""
    plan = (
        Plan.objects.owned_by(Owner.of_assessment(assessment))
        .for_role(assessment.role_id)
        .filter(created_at__lt=assessment.submitted_at)
        .first()
    )
    if plan is None:
        return []
    ratings = {s.slug: s.rating for s in report.skills}
    items = plan.items.filter(status=PlanItem.Status.DONE).select_related("skill")
    return [ItemOutcome(item=i, before=i.current_level, after=ratings.get(i.skill.slug)) for i in items]


def item_histories(plan):
    """{item id: [PlanItemEvent, ...]} oldest first: one query."""
    histories = {}
    for event in PlanItemEvent.objects.filter(item__plan=plan).order_by("at", "id"):
        histories.setdefault(event.item_id, []).append(event)
    return histories
