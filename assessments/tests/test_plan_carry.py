"""Plan items keep what was typed; one plan per person and role, carried across retakes."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Plan, PlanItem, PlanItemEvent
from assessments.tests.factories import submitted_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(alice, role, skills):
    """Gaps in skills 0 (1 of 3) and 1 (2 of 3); skill 2 met (3 of 3); skill 3 met (2 of 2)."""
    return submitted_for(alice, role, level=3, levels={skills[0].slug: 1, skills[1].slug: 2, skills[3].slug: 2})


@pytest.fixture
def plan(report):
    return services.create_plan(assessment=report)[0]


def post_item(client, report, item, **fields):
    data = {"choice": "", "own_action": "", "target_date": "", "status": "not_started", "notes": ""}
    data.update(fields)
    return client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]), {f"item-{item.pk}-{k}": v for k, v in data.items()}
    )


def item_of(plan, skill):
    return plan.items.get(skill=skill)


# --- 1. what was typed is what is saved --------------------------------------------------------


def test_typed_action_with_no_choice_saves_the_typed_text(alice_client, report, plan, skills):
    item = item_of(plan, skills[0])
    response = post_item(alice_client, report, item, own_action="Your own action")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.action == "Your own action"


def test_a_choice_and_typed_text_together_is_an_error_that_keeps_both(alice_client, report, plan, skills):
    item = item_of(plan, skills[0])
    response = post_item(alice_client, report, item, choice="opt-0", own_action="Read the paper", notes="keep me")
    assert response.status_code == 200
    form = next(r["form"] for r in response.context["rows"] if r["item"].pk == item.pk)
    assert "keep one" in " ".join(form.errors["choice"])
    body = response.content.decode()
    assert 'value="Read the paper"' in body and 'value="opt-0" selected' in body and "keep me" in body
    item.refresh_from_db()
    assert (item.action, item.notes) == ("", "")
    assert not PlanItemEvent.objects.filter(item=item, kind=PlanItemEvent.Kind.EDITED).exists()


def test_own_action_choice_with_text_saves_the_text(alice_client, report, plan, skills):
    item = item_of(plan, skills[0])
    post_item(alice_client, report, item, choice="own", own_action="Shadow the team lead")
    item.refresh_from_db()
    assert item.action == "Shadow the team lead"


def test_a_change_is_written_to_the_items_history(alice_client, report, plan, skills):
    item = item_of(plan, skills[0])
    post_item(alice_client, report, item, own_action="Pair weekly", status="in_progress", target_date="2030-05-01")
    texts = list(item.events.values_list("text", flat=True))
    assert texts[0].startswith("Added from your report of")
    assert "Status Not started → In progress" in texts[1] and "action: Pair weekly" in texts[1]
    page = alice_client.get(reverse("assessments:plan", args=[report.pk])).content.decode()
    assert "Pair weekly" in page and "History" in page


# --- 2. one plan per person and role, across retakes ---------------------------------------------


@pytest.fixture
def edited_plan(plan, skills):
    services.update_plan_item(
        item=item_of(plan, skills[0]), action="Course: A", target_date=dt.date(2030, 1, 1), notes="n0", status="done"
    )
    services.update_plan_item(
        item=item_of(plan, skills[1]),
        action="Pair weekly",
        target_date=dt.date(2030, 2, 1),
        notes="with Sam",
        status="in_progress",
    )
    return plan


def retake(alice, role, skills, levels):
    return submitted_for(alice, role, level=3, levels=levels)


def test_a_retakes_plan_carries_open_items_closes_met_gaps_and_adds_new_ones(
    alice_client, alice, role, skills, report, edited_plan
):
    # Skill 1 still a gap (now 2 → still 2? no: 1 → 2 of 3 stays open), skill 0 met, skill 2 a new gap.
    newer = retake(alice, role, skills, {skills[0].slug: 3, skills[1].slug: 2, skills[2].slug: 1, skills[3].slug: 2})
    services.update_plan_item(
        item=item_of(edited_plan, skills[0]), action="Course: A", target_date=None, notes="", status="in_progress"
    )
    response = alice_client.post(reverse("assessments:plan_create", args=[newer.pk]))
    assert response["Location"] == reverse("assessments:plan", args=[newer.pk])
    assert Plan.objects.count() == 1
    plan = Plan.objects.get()
    assert plan.pk == edited_plan.pk and plan.assessment_id == newer.pk
    carried = item_of(plan, skills[1])
    assert (carried.action, carried.target_date, carried.notes, carried.status) == (
        "Pair weekly",
        dt.date(2030, 2, 1),
        "with Sam",
        "in_progress",
    )
    closed = item_of(plan, skills[0])
    assert closed.status == PlanItem.Status.DONE and closed.action == "Course: A"
    assert closed.events.filter(kind="closed", text__startswith="Done: you now meet the target").exists()
    added = item_of(plan, skills[2])
    assert (added.current_level, added.target_level, added.status) == (1, 3, "not_started")
    assert added.events.get().text.startswith("Added: a new gap in your report of")
    assert carried.events.filter(kind="carried").exists()
    assert list(carried.events.values_list("kind", flat=True)) == ["added", "edited", "carried"]


def test_an_open_items_levels_follow_the_retake(alice, role, skills, report, edited_plan):
    newer = retake(alice, role, skills, {skills[0].slug: 1, skills[1].slug: 1, skills[3].slug: 2})
    plan, created = services.create_plan(assessment=newer)
    assert not created
    item = item_of(plan, skills[1])
    assert (item.current_level, item.status, item.action) == (1, "in_progress", "Pair weekly")
    assert "level 2 → 1" in item.events.get(kind="carried").text


def test_making_the_plan_from_an_older_report_changes_nothing(alice_client, alice, role, skills, report, edited_plan):
    newer = retake(alice, role, skills, {skills[1].slug: 2})
    services.create_plan(assessment=newer)
    before = list(PlanItem.objects.values_list("id", "status", "current_level", "action"))
    response = alice_client.post(reverse("assessments:plan_create", args=[report.pk]))
    assert response["Location"] == reverse("assessments:plan", args=[newer.pk])
    assert list(PlanItem.objects.values_list("id", "status", "current_level", "action")) == before
    assert Plan.objects.get().assessment_id == newer.pk


def test_the_older_reports_plan_address_leads_to_the_one_plan(alice_client, alice, role, skills, report, edited_plan):
    newer = retake(alice, role, skills, {skills[1].slug: 2})
    services.create_plan(assessment=newer)
    response = alice_client.get(reverse("assessments:plan", args=[report.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("assessments:plan", args=[newer.pk])


def test_deleting_the_latest_report_keeps_the_plan_on_the_one_before(alice, role, skills, report, edited_plan):
    newer = retake(alice, role, skills, {skills[1].slug: 2})
    services.create_plan(assessment=newer)
    services.delete_assessment(assessment=newer)
    plan = Plan.objects.get()
    assert plan.assessment_id == report.pk
    assert item_of(plan, skills[1]).action == "Pair weekly"


def test_the_dashboard_shows_one_plan_per_role(alice_client, alice, role, skills, report, edited_plan):
    from roles.tests.factories import make_role

    newer = retake(alice, role, skills, {skills[1].slug: 2})
    services.create_plan(assessment=newer)
    other = make_role(required=2, differentiating=0, title="Other role")
    services.create_plan(assessment=submitted_for(alice, other, level=1))
    body = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert body.count('data-testid="plan-summary"') == 2
    assert "Data Wrangler" in body and "Other role" in body


def test_a_second_plan_for_the_same_person_and_role_is_refused_by_the_database(alice, role, report, plan):
    from django.db import IntegrityError, transaction

    other = submitted_for(alice, role, level=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(user=alice, role=role, assessment=other)
    assert Plan.objects.count() == 1
