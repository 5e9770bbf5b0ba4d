"""What the dashboard shows: the person's plans (one per role), their assessments in progress, and
their submitted reports grouped by role, each with its readiness and the change since the report
before it of the same role. Readiness is the report's, on the basis the report page opens on
(hooks.ratings_basis(): with reviews, calibrated once the owner calibrated, else self). Apps above
add their own parts (hooks.dashboard_parts)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from careerpath.owner import Owner
from roles.models import RoleSkill

from .hooks import dashboard_parts, ratings_basis
from .models import Assessment, Rating
from .plans import plan_summaries


def whole_percent(value):
    """A readiness percentage (a Decimal to one place) as a whole number, half up; None stays None."""
    return None if value is None else int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ReportRow:
    assessment: Assessment
    readiness: int | None  # whole %
    change: int | None  # whole points since the previous report of the role; None for the first
    basis: str = "self"  # the ratings it is computed on (hooks.ratings_basis)

    @property
    def change_label(self):
        if not self.change:
            return "no change"
        points = "point" if abs(self.change) == 1 else "points"
        return f"+{self.change} {points}" if self.change > 0 else f"−{-self.change} {points}"


@dataclass(frozen=True)
class RoleReports:
    role: object
    reports: list  # ReportRow, newest first


def group_reports(submitted):
    """[RoleReports], the role with the newest report first; `submitted` is any order."""
    by_role = {}
    for a in sorted(submitted, key=lambda a: (a.submitted_at, a.pk)):
        by_role.setdefault(a.role_id, []).append(a)
    computed = ratings_basis().reports_on_default_basis(submitted)
    groups = []
    for reports in by_role.values():
        rows, previous = [], None
        for a in reports:
            report, basis = computed[a.pk]
            readiness = whole_percent(report.readiness.overall)
            change = None if previous is None or readiness is None else readiness - previous
            rows.append(ReportRow(assessment=a, readiness=readiness, change=change, basis=basis))
            previous = readiness
        groups.append(RoleReports(role=reports[-1].role, reports=rows[::-1]))
    groups.sort(key=lambda g: (g.reports[0].assessment.submitted_at, g.reports[0].assessment.pk), reverse=True)
    return groups


def owned_assessments(user):
    """The user's assessments with, for drafts, how many of the role's skills they rate now.

    The snapshot is loaded (drafts have none) so each report's readiness costs no query of its own."""
    skill_count = (
        RoleSkill.objects.filter(role_id=OuterRef("role_id"))
        .order_by()
        .values("role_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    # Ratings of skills the role has now (a skill removed from the role keeps its rating but not its count).
    rated_count = (
        Rating.objects.filter(
            assessment_id=OuterRef("pk"),
            skill_id__in=RoleSkill.objects.filter(role_id=OuterRef(OuterRef("role_id"))).values("skill_id"),
        )
        .order_by()
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Assessment.objects.owned_by(Owner.of_user(user))
        .select_related("role")
        .defer("role__about", "role__ai_impact_outlook", "role__methodology", "role__salary_note")
        .annotate(total=Coalesce(Subquery(skill_count), 0), rated=Coalesce(Subquery(rated_count), 0))
        .order_by("-updated_at", "-id")
    )


def dashboard_context(user):
    assessments = list(owned_assessments(user))
    drafts = [a for a in assessments if a.is_draft]
    for a in drafts:
        a.percent = round(100 * a.rated / a.total) if a.total else 0
    submitted = [a for a in assessments if a.is_submitted]
    return {
        "drafts": drafts,
        "report_groups": group_reports(submitted),
        "has_reports": bool(submitted),
        "plan_summaries": plan_summaries(user),
        **dashboard_parts(user),  # teams: assignments; reviews: teammates asking for a second opinion
    }


def member_home(user):
    """What the home page shows a signed-in member: their latest draft to continue, the next item
    of their most recently changed plan, and their latest report's readiness. Five queries."""
    mine = Assessment.objects.owned_by(Owner.of_user(user))
    draft = mine.drafts().select_related("role").defer("snapshot").first()
    summaries = plan_summaries(user, upcoming=1)
    next_plan = next((s for s in summaries if s["next_item"] is not None), None)
    latest = mine.submitted().select_related("role").order_by("-submitted_at").first()
    report, basis = ratings_basis().reports_on_default_basis([latest])[latest.pk] if latest else (None, None)
    return {
        "draft": draft,
        "plan_next": next_plan,
        "latest_report": latest,
        "latest_readiness": None if latest is None else whole_percent(report.readiness.overall),
        "latest_basis": basis,
    }
