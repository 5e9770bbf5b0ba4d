"""The development plan: made from a report's gaps, tracked, exported, and carried into a retake."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Plan, PlanItem, PlanItemEvent
from assessments.plans import plan_options
from assessments.reports import CERTIFICATION, COURSE, CoverView, OfferingForSkill, OfferingView
from assessments.tests.factories import shared, submitted_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(alice, role, skills):
    """Alice's submitted report with two required gaps (skills 0 and 1) and one met skill."""
    return submitted_for(alice, role, level=3, levels={skills[0].slug: 1, skills[1].slug: 2, skills[3].slug: 2})


@pytest.fixture
def plan(report):
    plan, _ = services.create_plan(assessment=report)
    return plan


def item_data(item, **overrides):
    data = {
        "choice": "own",
        "own_action": "Pair with the on-call lead",
        "target_date": "2030-01-31",
        "status": "in_progress",
        "notes": "",
    }
    data.update(overrides)
    return {f"item-{item.pk}-{key}": value for key, value in data.items()}


def test_make_this_my_plan_creates_one_item_per_gap_in_priority_order(alice_client, report, skills):
    response = alice_client.post(reverse("assessments:plan_create", args=[report.pk]))
    assert response["Location"] == reverse("assessments:plan", args=[report.pk])
    plan = Plan.objects.get(assessment=report)
    items = list(plan.items.order_by("order"))
    assert [i.skill_id for i in items] == [skills[0].pk, skills[1].pk]
    assert (items[0].current_level, items[0].target_level) == (1, 3)
    page = alice_client.get(response["Location"]).content.decode()
    assert skills[0].name in page and "0 of 2" in page


def test_making_the_plan_twice_keeps_one_plan(alice_client, report):
    alice_client.post(reverse("assessments:plan_create", args=[report.pk]))
    alice_client.post(reverse("assessments:plan_create", args=[report.pk]))
    assert Plan.objects.filter(assessment=report).count() == 1


def test_a_draft_cannot_be_made_into_a_plan(alice_client, alice, role):
    draft, _ = services.start_assessment(role=role, user=alice)
    assert alice_client.post(reverse("assessments:plan_create", args=[draft.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_updating_an_item_saves_action_date_notes_and_status(alice_client, report, plan):
    item = plan.items.first()
    response = alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]), item_data(item, notes="Week 1")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.action, item.target_date, item.status, item.notes) == (
        "Pair with the on-call lead",
        dt.date(2030, 1, 31),
        "in_progress",
        "Week 1",
    )


def test_choosing_a_recommended_course_stores_its_title(alice_client, report, plan):
    item = plan.items.first()
    page = alice_client.get(reverse("assessments:plan", args=[report.pk]))
    form = next(r["form"] for r in page.context["rows"] if r["item"].pk == item.pk)
    assert form.options, "the gap's course should be offered"
    alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]), item_data(item, choice="opt-0", own_action="")
    )
    item.refresh_from_db()
    assert item.action == form.options[0] and item.action.startswith("Course: ")


def test_a_past_target_date_is_saved_and_flagged(alice_client, report, plan):
    item = plan.items.first()
    response = alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]),
        item_data(item, target_date="2020-01-01"),
        follow=True,
    )
    item.refresh_from_db()
    assert item.target_date == dt.date(2020, 1, 1) and item.is_overdue
    body = response.content.decode()
    assert "in the past" in body and "Overdue since" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_date": "2030-02-31"}, "target_date"),
        ({"target_date": "next tuesday"}, "target_date"),
        ({"own_action": "x" * 501}, "own_action"),
        ({"status": "abandoned"}, "status"),
        ({"choice": "opt-99"}, "choice"),
        ({"choice": "own", "own_action": ""}, "own_action"),
    ],
)
def test_bad_plan_input_is_a_form_error_and_saves_nothing(alice_client, report, plan, overrides, field):
    item = plan.items.first()
    before = (item.action, item.target_date, item.status, item.notes)
    response = alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]), item_data(item, **overrides)
    )
    assert response.status_code == 200
    form = next(r["form"] for r in response.context["rows"] if r["item"].pk == item.pk)
    assert field in form.errors
    item.refresh_from_db()
    assert (item.action, item.target_date, item.status, item.notes) == before


def test_an_item_of_another_plan_is_404_and_unchanged(alice_client, bob, role, report, plan):
    bobs_report = submitted_for(bob, role, level=1)
    bobs_plan, _ = services.create_plan(assessment=bobs_report)
    bobs_item = bobs_plan.items.first()
    response = alice_client.post(reverse("assessments:plan_item", args=[report.pk, bobs_item.pk]), item_data(bobs_item))
    assert response.status_code == 404
    bobs_item.refresh_from_db()
    assert bobs_item.action == "" and bobs_item.status == "not_started"


@pytest.mark.parametrize("name", ["plan", "plan_ics"])
def test_bob_gets_404_for_alices_plan_pages(bob_client, report, plan, name):
    assert bob_client.get(reverse(f"assessments:{name}", args=[report.pk])).status_code == 404


def test_bob_cannot_create_a_plan_from_alices_report(bob_client, report):
    assert bob_client.post(reverse("assessments:plan_create", args=[report.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_a_visitor_is_sent_to_login_for_the_plan(client, report, plan):
    response = client.get(reverse("assessments:plan", args=[report.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_dashboard_shows_plan_progress_next_items_and_overdue(alice_client, plan):
    first, second = plan.items.order_by("order")
    services.update_plan_item(
        item=first,
        action="Course: X",
        target_date=timezone.localdate() - dt.timedelta(days=3),
        notes="",
        status="in_progress",
    )
    services.update_plan_item(item=second, action="", target_date=None, notes="", status="done")
    body = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert "1 of 2</strong> done" in body
    assert "1 overdue" in body
    assert "Course: X" in body


def test_the_calendar_file_has_one_event_per_dated_item(alice_client, report, plan):
    first, second = plan.items.order_by("order")
    services.update_plan_item(
        item=first, action="Read, the book; twice", target_date=dt.date(2030, 3, 1), notes="", status="not_started"
    )
    response = alice_client.get(reverse("assessments:plan_ics", args=[report.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20300301" in text and "DTEND;VALUE=DATE:20300302" in text
    assert "Read\\, the book\\; twice" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_plan_is_part_of_report_json(alice_client, report, plan, skills):
    item = plan.items.order_by("order").first()
    services.update_plan_item(item=item, action="Mentor", target_date=dt.date(2030, 1, 1), notes="", status="done")
    data = json.loads(alice_client.get(reverse("assessments:report_json", args=[report.pk])).content)
    assert data["plan"][0] == {
        "skill": skills[0].slug,
        "skill_name": skills[0].name,
        "current_level": 1,
        "target_level": 3,
        "action": "Mentor",
        "target_date": "2030-01-01",
        "notes": "",
        "status": "done",
    }


def test_the_retake_shows_the_plan_item_beside_each_skill(alice_client, report, plan, skills):
    item = plan.items.order_by("order").first()
    services.update_plan_item(
        item=item, action="Ship a monitored model", target_date=None, notes="", status="in_progress"
    )
    alice_client.post(reverse("assessments:retake", args=[report.pk]))
    draft = report.retakes.get()
    body = alice_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    assert "Your plan: Ship a monitored model" in body and "In progress" in body


def test_the_new_report_says_whether_finished_items_moved_the_rating(alice_client, alice, role, report, plan, skills):
    first, second = plan.items.order_by("order")
    services.update_plan_item(item=first, action="", target_date=None, notes="", status="done")
    services.update_plan_item(item=second, action="", target_date=None, notes="", status="done")
    newer = submitted_for(alice, role, level=3, levels={skills[0].slug: 3, skills[1].slug: 2, skills[3].slug: 2})
    body = alice_client.get(reverse("assessments:report", args=[newer.pk])).content.decode()
    assert "moved from 1 to 3" in body
    assert "not moved yet (2 then, 2 now)" in body


def test_a_shared_report_shows_the_plan_only_when_the_owner_includes_it(client, report, plan):
    PlanItem.objects.filter(plan=plan).update(action="Secret-ish action")
    _link, without = shared(report, display_name="Al")
    _link, with_plan = shared(report, display_name="Al", include_plan=True)
    assert "Secret-ish action" not in client.get(without).content.decode()
    assert "Secret-ish action" in client.get(with_plan).content.decode()


def test_nudge_when_every_rating_is_the_same(alice_client, alice, role, skills):
    from assessments.tests.factories import draft_for

    draft = draft_for(alice, role, {s.slug: 2 for s in skills})
    body = alice_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    assert "Every rating so far is the same level" in body


def test_nudge_when_every_rating_is_expert(alice_client, alice, role, skills):
    from assessments.tests.factories import draft_for

    draft = draft_for(alice, role, {s.slug: 5 for s in skills})
    body = alice_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    assert "Every rating so far is 5" in body


def test_no_nudge_for_varied_ratings(alice_client, alice, role, skills):
    from assessments.tests.factories import draft_for

    draft = draft_for(alice, role, {skills[0].slug: 1, skills[1].slug: 3, skills[2].slug: 4, skills[3].slug: 2})
    assert (
        'data-testid="nudge"' not in alice_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    )


# --- the plan is one form (issue 28, item 4) -------------------------------------------------


def whole_plan(items, **per_item):
    """The plan page's one form as the browser sends it: every item's fields; `per_item` maps an
    item's position to its overrides."""
    data = {"from_item": str(items[0].pk)}
    for index, item in enumerate(items):
        values = {"choice": "", "own_action": "", "target_date": "", "status": "not_started", "notes": ""}
        values.update(per_item.get(f"i{index}", {}))
        data.update({f"item-{item.pk}-{key}": value for key, value in values.items()})
    return data


def test_one_save_keeps_what_was_typed_in_every_item(alice_client, report, plan):
    items = list(plan.items.order_by("order"))
    data = whole_plan(
        items,
        i0={"own_action": "Run the design review", "target_date": "2030-03-01"},
        i1={"own_action": "Lead the migration", "notes": "Ask Sam", "status": "in_progress"},
    )
    response = alice_client.post(reverse("assessments:plan_save", args=[report.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:plan", args=[report.pk]) + f"#item-{items[0].pk}"
    saved = {i.pk: (i.action, i.target_date, i.notes, i.status) for i in plan.items.all()}
    assert saved == {
        items[0].pk: ("Run the design review", dt.date(2030, 3, 1), "", "not_started"),
        items[1].pk: ("Lead the migration", None, "Ask Sam", "in_progress"),
    }


def test_after_a_save_each_changed_item_says_saved_once(alice_client, report, plan):
    items = list(plan.items.order_by("order"))
    data = whole_plan(items, i1={"own_action": "Lead the migration"})
    page = alice_client.post(reverse("assessments:plan_save", args=[report.pk]), data, follow=True)
    saved = {row["item"].pk for row in page.context["rows"] if row["saved"]}
    assert saved == {items[1].pk}
    assert "Saved your plan (1 item changed)." in page.content.decode()
    again = alice_client.get(reverse("assessments:plan", args=[report.pk]))
    assert not any(row["saved"] for row in again.context["rows"])


def test_an_invalid_item_keeps_its_typing_and_the_valid_items_are_saved(alice_client, report, plan):
    items = list(plan.items.order_by("order"))
    data = whole_plan(
        items,
        i0={"own_action": "Run the design review", "target_date": "2030-02-31"},
        i1={"own_action": "Lead the migration"},
    )
    response = alice_client.post(reverse("assessments:plan_save", args=[report.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Run the design review" in body and 'value="2030-02-31"' in body
    assert "Enter a real date" in body and f'href="#item-{items[0].pk}"' in body
    first, second = (plan.items.get(pk=i.pk) for i in items)
    assert (first.action, first.target_date) == ("", None)
    assert second.action == "Lead the migration"
    rows = {row["item"].pk: row for row in response.context["rows"]}
    assert rows[items[1].pk]["saved"] and not rows[items[0].pk]["saved"]


def test_an_item_missing_from_the_request_is_left_as_it_was(alice_client, report, plan):
    items = list(plan.items.order_by("order"))
    services.update_plan_item(item=items[1], action="Mentor", target_date=None, notes="keep", status="in_progress")
    data = {k: v for k, v in whole_plan(items, i0={"own_action": "Pair"}).items() if f"-{items[1].pk}-" not in k}
    alice_client.post(reverse("assessments:plan_save", args=[report.pk]), data)
    second = plan.items.get(pk=items[1].pk)
    assert (second.action, second.notes, second.status) == ("Mentor", "keep", "in_progress")
    assert plan.items.get(pk=items[0].pk).action == "Pair"


def test_saving_an_unchanged_plan_writes_no_history(alice_client, report, plan):
    items = list(plan.items.order_by("order"))
    alice_client.post(reverse("assessments:plan_save", args=[report.pk]), whole_plan(items, i0={"notes": "x"}))
    events = PlanItemEvent.objects.filter(item__plan=plan).count()
    response = alice_client.post(
        reverse("assessments:plan_save", args=[report.pk]), whole_plan(items, i0={"notes": "x"}), follow=True
    )
    assert PlanItemEvent.objects.filter(item__plan=plan).count() == events
    assert "Nothing had changed" in response.content.decode()


def test_bob_cannot_save_alices_plan(bob_client, report, plan):
    items = list(plan.items.order_by("order"))
    response = bob_client.post(reverse("assessments:plan_save", args=[report.pk]), whole_plan(items, i0={"notes": "x"}))
    assert response.status_code == 404
    assert not plan.items.filter(notes="x").exists()


def test_autosave_of_one_item_answers_json(alice_client, report, plan):
    item = plan.items.order_by("order").first()
    response = alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]),
        item_data(item, notes="Week 1", target_date="2020-01-01"),
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "status": "in_progress",
        "status_label": "In progress",
        "warning": "The target date is in the past.",
    }
    item.refresh_from_db()
    assert item.notes == "Week 1"


def test_autosave_refuses_bad_input_with_the_reason_and_saves_nothing(alice_client, report, plan):
    item = plan.items.order_by("order").first()
    response = alice_client.post(
        reverse("assessments:plan_item", args=[report.pk, item.pk]),
        item_data(item, notes="Week 1", target_date="2030-02-31"),
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 400
    assert response.json()["saved"] is False and "Enter a real date" in response.json()["error"]
    item.refresh_from_db()
    assert item.notes == "" and item.target_date is None


@pytest.mark.parametrize(
    ("kind", "offering_format", "label"),
    [
        (COURSE, "book", "Book"),
        (COURSE, "guide", "Guide or documentation"),
        (COURSE, "course", "Course"),
        (CERTIFICATION, "certification", "Certification"),
        (COURSE, "", "Course"),  # a snapshot from before formats were kept
        (CERTIFICATION, "", "Certification"),
    ],
)
def test_a_plan_option_says_what_the_resource_is(kind, offering_format, label):
    offering = OfferingView(
        kind=kind, slug="x", title="Designing Things", provider="Pub", url="", description="", recommended=True,
        covers=(), format=offering_format,
    )  # fmt: skip
    chosen = OfferingForSkill(
        offering=offering, cover=CoverView(slug="python", name="Python", before=1, after=2, target=3)
    )
    gap = SimpleNamespace(slug="python", courses=[chosen] if kind == COURSE else [],
                          certifications=[chosen] if kind == CERTIFICATION else [], suggestions=[])  # fmt: skip
    assert plan_options(SimpleNamespace(gaps=[gap])) == {"python": [f"{label}: Designing Things (Pub)"]}
