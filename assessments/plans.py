"""Reading development plans: the options for each gap, the dashboard summary, and whether
finished plan items moved the rating in a later assessment (the calendar file: calendar.py)."""

from dataclasses import dataclass

from .models import Plan, PlanItem
from .owners import Owner


def plan_options(report):
    """{skill slug: [action texts]} from the report's courses, certifications and suggestions."""
    options = {}
    for gap in report.gaps:
        texts = []
        for offering in gap.courses:
            kind = "Certification" if offering in report.certifications else "Course"
            provider = f" ({offering.provider})" if offering.provider else ""
            texts.append(f"{kind}: {offering.title}{provider}")
        texts.extend(f"Suggestion: {s}" for s in gap.suggestions)
        options[gap.slug] = [t[:500] for t in texts]
    return options


def active_plan(user):
    """The user's most recent plan, with its items, or None."""
    return Plan.objects.owned_by(user).select_related("assessment__role").order_by("-created_at", "-id").first()


def dashboard_summary(user, *, upcoming=3):
    plan = active_plan(user)
    if plan is None:
        return None
    items = list(plan.items.all())
    open_items = [i for i in items if i.status != PlanItem.Status.DONE]
    dated = sorted((i for i in open_items if i.target_date), key=lambda i: (i.target_date, i.order))
    return {
        "plan": plan,
        "role": plan.assessment.role,
        "done": len(items) - len(open_items),
        "total": len(items),
        "next_items": dated[:upcoming],
        "undated": sum(1 for i in open_items if not i.target_date),
        "overdue": [i for i in open_items if i.is_overdue],
    }


@dataclass(frozen=True)
class ItemOutcome:
    item: PlanItem
    before: int
    after: int | None

    @property
    def moved(self):
        return self.after is not None and self.after > self.before


def finished_item_outcomes(assessment, report):
    """For the finished items of the user's latest earlier plan for this role: did the rating move?"""
    earlier_plan = (
        Plan.objects.owned_by(Owner.of_assessment(assessment))
        .filter(
            assessment__role_id=assessment.role_id,
            assessment__submitted_at__lt=assessment.submitted_at,
        )
        .order_by("-assessment__submitted_at")
        .first()
    )
    if earlier_plan is None:
        return []
    ratings = {s.slug: s.rating for s in report.skills}
    items = earlier_plan.items.filter(status=PlanItem.Status.DONE).select_related("skill")
    return [ItemOutcome(item=i, before=i.current_level, after=ratings.get(i.skill.slug)) for i in items]
