"""Reading development plans: the options for each gap, the dashboard summary, the calendar
file, and whether finished plan items moved the rating in a later assessment."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

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


def _ics_escape(text):
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line):
    """RFC 5545: lines longer than 75 octets are folded with CRLF + space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def plan_ics(plan, *, host="careerpath"):
    """An iCalendar file with one all-day event per plan item that has a target date."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    role = plan.assessment.role.title
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//careerpath//development plan//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_escape(f'careerpath plan: {role}')}",
    ]
    for item in plan.items.all():
        if not item.target_date:
            continue
        summary = (
            f"{item.skill_name}: {item.action}"
            if item.action
            else f"{item.skill_name}: reach level {item.target_level}"
        )
        description = (
            f"Plan for {role}. {item.skill_name}: from level {item.current_level} to {item.target_level}. "
            f"Status: {item.get_status_display()}." + (f" Notes: {item.notes}" if item.notes else "")
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:plan-{plan.pk}-item-{item.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.target_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.target_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_escape(summary)}",
            f"DESCRIPTION:{_ics_escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


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
