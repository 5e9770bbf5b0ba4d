"""assessments' hooks (assessments/hooks.py): what it does alone, and that the apps above fill them."""

from types import SimpleNamespace

from assessments import hooks
from assessments.reports import build_report
from assessments.tests.factories import submitted_for
from reviews.hooks import SecondOpinions
from teams.selectors import dashboard_assignments


def test_alone_assessments_reports_on_the_self_ratings(alice, role):
    submitted = submitted_for(alice, role, level=2)
    alone = hooks.SelfRatings()

    document = alone.report_document(submitted, "calibrated")
    assert document["ratings_basis"] == "self" and document["plan"] is None
    assert alone.report_for_plan(submitted) == build_report(submitted.snapshot)
    assert alone.reports_on_default_basis([submitted]) == {submitted.pk: (build_report(submitted.snapshot), "self")}
    assert alone.report_page_context(submitted, "reviewer") == {}
    assert alone.fit_rated_by(submitted, "reviewer") is None  # role fit on the owner's own latest ratings
    assert alone.latest_levels({7: SimpleNamespace(level=4)}) == {7: 4}


def test_reviews_fills_the_ratings_basis_and_teams_and_reviews_the_dashboard():
    assert isinstance(hooks.ratings_basis(), SecondOpinions)
    assert dashboard_assignments in hooks._dashboard_parts


def test_a_dashboard_part_is_added_once(monkeypatch):
    monkeypatch.setattr(hooks, "_dashboard_parts", [])
    part = lambda user: {"thing": user}  # noqa: E731

    hooks.add_dashboard_part(part)
    hooks.add_dashboard_part(part)

    assert hooks.dashboard_parts("alice") == {"thing": "alice"}
