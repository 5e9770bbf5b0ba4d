"""What assessments asks of the apps above it, which fill these hooks in their AppConfig.ready()
(docs/architecture.md). assessments never imports them.

- **The ratings basis.** assessments knows only the owner's self-ratings. An app that adds other
  ratings (reviews: a reviewer's, the owner's calibrations) registers a subclass of `SelfRatings`
  with `use_ratings_basis`; the report page and its JSON, the plan, role fit, the dashboard and a
  shared report ask `ratings_basis()`. A report opened on someone else's ratings (a reviewer's)
  ranks every role on them alone: `fit_rated_by` gives them as a `RatedBy`.
- **Dashboard parts.** An app adds what the dashboard shows of it with `add_dashboard_part(part)`,
  `part(user)` giving context entries (teams: assignments; reviews: invitations to review).
"""

from dataclasses import dataclass

from .models import Plan
from .plans import plan_data
from .reports import build_report, report_data

SELF = "self"


@dataclass(frozen=True)
class RatedBy:
    """Someone else's ratings that role fit ranks every role on (a reviewer's, in their review):
    `levels` is {skill id: level} of the skills they rated, `name` how the owner's page names them,
    `key` what names these ratings in role fit's cache (a review id)."""

    key: str
    name: str
    levels: dict[int, int]


class SelfRatings:
    """The ratings basis when no app above offers another: the owner's own ratings, nothing more."""

    def reports_on_default_basis(self, assessments):
        """{assessment pk: (report, basis)}, each on the basis its report page opens on."""
        return {a.pk: (build_report(a.snapshot), SELF) for a in assessments}

    def report_on(self, assessment, basis):
        """The report on `basis` (a key the report page named in `ratings_basis`), for another
        report shown beside it on the same basis: the change since an earlier report. None when that
        report has no ratings on `basis` (no second opinion of it): no change is shown then."""
        return build_report(assessment.snapshot)

    def report_for_plan(self, assessment):
        """The report a development plan is made from."""
        return build_report(assessment.snapshot)

    def plan_basis_phrase(self, assessment):
        """How the plan page names the ratings its levels are on (those of `report_for_plan`)."""
        return "on your own ratings"

    def latest_levels(self, latest):
        """{skill id: level} from `latest` ({skill id: Rating}), for role fit."""
        return {skill_id: rating.level for skill_id, rating in latest.items()}

    def fit_basis_phrase(self):
        """What role fit's levels are beside "your latest rating of each skill" ("" for nothing more)."""
        return ""

    def fit_rated_by(self, assessment, basis):
        """On a report opened on `basis`: someone else's ratings (`RatedBy`) role fit ranks every role
        on, or None for the owner's latest rating of each skill."""
        return None

    def report_page_context(self, assessment, requested):
        """What the report page adds (a "report" entry replaces the self-rated report)."""
        return {}

    def report_document(self, assessment, requested):
        """report.json (docs/report-format.md) on the `requested` basis (a query string's value, if
        it names one), with the owner's plan when it has one."""
        data = report_data(assessment, build_report(assessment.snapshot))
        data["ratings_basis"] = SELF
        plan = Plan.objects.filter(assessment=assessment).first()
        data["plan"] = None if plan is None else plan_data(plan)
        return data

    def shared_report_context(self, link):
        """What a shared report adds, as far as the owner's share link allows."""
        return {}


_basis = [SelfRatings()]
_dashboard_parts = []


def use_ratings_basis(basis):
    _basis[0] = basis


def ratings_basis():
    return _basis[0]


def add_dashboard_part(part):
    if part not in _dashboard_parts:
        _dashboard_parts.append(part)


def dashboard_parts(user):
    """The context entries every registered part adds to the dashboard for `user`."""
    context = {}
    for part in _dashboard_parts:
        context.update(part(user))
    return context
