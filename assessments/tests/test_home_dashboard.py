"""The dashboard groups reports by role with readiness and its change; home puts flagship guides
first and shows a member where they left off; the role file carries `featured`."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.dashboard import whole_percent
from assessments.tests.factories import draft_for, submitted_for

pytestmark = pytest.mark.django_db


def test_whole_percent_rounds_half_up():
    from decimal import Decimal

    assert [whole_percent(Decimal(v)) for v in ("72.5", "72.4", "0.0")] == [73, 72, 0]
    assert whole_percent(None) is None


def test_reports_of_one_role_are_grouped_with_readiness_and_change(alice_client, alice, role, skills):
    from assessments.reports import report_for
    from roles.tests.factories import make_role

    first = submitted_for(alice, role, level=1)
    submitted_for(alice, role, level=3)
    before = whole_percent(report_for(first).readiness.overall)
    other = make_role(required=2, differentiating=0, title="Other role")
    submitted_for(alice, other, level=3)
    response = alice_client.get(reverse("assessments:dashboard"))
    groups = response.context["report_groups"]
    assert [g.role.title for g in groups] == ["Other role", "Data Wrangler"]
    newest, oldest = groups[1].reports
    assert (newest.readiness, oldest.readiness) == (100, before) and 0 < before < 100
    assert (newest.change, oldest.change) == (100 - before, None)
    body = response.content.decode()
    assert f"+{100 - before} points since the report before" in body and "(first report)" in body
    assert "Submitted reports" in body and "Nothing in progress" not in body


def test_headings_say_what_they_hold(alice_client, alice, role, skills):
    draft_for(alice, role)
    body = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert "Assessments in progress" in body and ">In progress<" not in body


def test_home_puts_the_flagship_guide_first(client, role):
    from roles.tests.factories import make_role

    flagship = make_role(required=1, differentiating=0, title="Zeta flagship", is_featured=True)
    roles = list(client.get(reverse("home")).context["featured_roles"])
    assert roles[0] == flagship and role in roles


def test_home_shows_a_member_their_draft_plan_next_item_and_latest_readiness(alice_client, alice, role, skills):
    report = submitted_for(alice, role, level=3, levels={skills[0].slug: 1})
    plan, _ = services.create_plan(assessment=report)
    services.update_plan_item(
        item=plan.items.get(), action="Read the book", target_date=None, notes="", status="in_progress"
    )
    draft_for(alice, role)
    body = alice_client.get(reverse("home")).content.decode()
    assert 'data-testid="continue-draft"' in body
    assert "Read the book" in body
    from assessments.reports import report_for

    readiness = whole_percent(report_for(report).readiness.overall)
    assert f"{readiness}%</strong> ready for Data Wrangler" in body


def test_a_visitor_sees_no_member_panel(client, role):
    assert 'data-testid="member-home"' not in client.get(reverse("home")).content.decode()


def test_featured_round_trips_through_the_role_file(role, tmp_path):
    import yaml

    from roles.importing import dump_role, import_roles

    data = dump_role(role)
    assert "featured" not in data  # optional: written only for a flagship guide
    data["featured"] = True
    path = tmp_path / f"{role.slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    import_roles([path])
    role.refresh_from_db()
    assert role.is_featured is True and dump_role(role)["featured"] is True


def test_dashboard_and_home_give_the_readiness_the_report_opens_on_once_calibrated(alice_client, alice, role, skills):
    from reviews import services as reviews
    from reviews.selectors import Basis, report_on_basis

    report = submitted_for(alice, role, level=1)
    self_readiness = whole_percent(report_on_basis(report, Basis.SELF).readiness.overall)
    reviews.save_calibrations(
        assessment=report, calibrations=[reviews.CalibrationInput(skill_slug=s.slug, level=4) for s in skills]
    )
    calibrated = whole_percent(report_on_basis(report, Basis.CALIBRATED).readiness.overall)
    assert calibrated != self_readiness

    dashboard = alice_client.get(reverse("assessments:dashboard"))
    home = alice_client.get(reverse("home"))
    page = alice_client.get(reverse("assessments:report", args=[report.pk])).content.decode()

    (row,) = dashboard.context["report_groups"][0].reports
    assert (row.readiness, row.basis) == (calibrated, "calibrated")
    assert (
        f"{calibrated}% ready" in dashboard.content.decode()
        and "on your calibrated ratings" in dashboard.content.decode()
    )
    assert home.context["member"]["latest_readiness"] == calibrated
    assert f"{calibrated}%" in page
