"""The caller's own assessments, reports and plans through the API: the same data the pages and
report.json give, never anyone else's, never cached, and bad input refused with nothing changed."""

import json

import pytest
from django.test import Client

from api.tests.factories import bearer, token_for
from assessments import services
from assessments.models import PlanItem, PlanItemEvent
from assessments.tests.factories import draft_for, submitted_for
from reviews import services as review_services
from reviews.services import CalibrationInput
from reviews.tests.factories import review_of
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(alice):
    role = make_role(required=3, differentiating=1, courses=1, title="Data Wrangler")
    first = role.role_skills.select_related("skill").order_by("order")[0].skill
    assessment = submitted_for(alice, role, levels={first.slug: 1})
    plan, _ = services.create_plan(assessment=assessment)
    return assessment, plan


def as_token(user, *scopes):
    _row, token = token_for(user, *scopes)
    client = Client(**bearer(token))
    return client


def test_my_assessments_lists_mine_with_links_to_submitted_reports(alice, bob, reported):
    assessment, _plan = reported
    draft = draft_for(alice, make_role(title="Pipeline Plumber"))
    submitted_for(bob, assessment.role)
    response = as_token(alice, "read:reports").get("/api/v1/me/assessments/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [draft.pk, assessment.pk]
    assert rows[0]["report_url"] is None
    assert rows[1]["report_url"] == f"/api/v1/me/assessments/{assessment.pk}/report/"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("basis", ["", "self", "calibrated", "reviewer"])
def test_the_report_is_report_json_on_every_basis(alice, alice_client, reported, basis):
    assessment, _plan = reported
    query = f"?basis={basis}" if basis else ""
    downloaded = json.loads(alice_client.get(f"/assessments/{assessment.pk}/report.json{query}").content)
    response = as_token(alice, "read:reports").get(f"/api/v1/me/assessments/{assessment.pk}/report/{query}")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(downloaded))
    assert response.json()["plan"] is not None
    assert response.json()["ratings_basis"] == (basis or "self")


def test_the_report_follows_a_calibration_and_a_review_like_report_json(alice, alice_client, reported):
    assessment, _plan = reported
    slug = assessment.snapshot["skills"][0]["slug"]
    review_of(assessment, level=4)
    review_services.save_calibrations(assessment=assessment, calibrations=[CalibrationInput(slug, 5, "")])
    for query in ("", "?basis=reviewer", "?basis=self"):
        api = as_token(alice, "read:reports").get(f"/api/v1/me/assessments/{assessment.pk}/report/{query}").json()
        page = json.loads(alice_client.get(f"/assessments/{assessment.pk}/report.json{query}").content)
        assert api == page
    assert api["ratings_basis"] == "self"
    default = as_token(alice, "read:reports").get(f"/api/v1/me/assessments/{assessment.pk}/report/").json()
    assert default["ratings_basis"] == "calibrated"
    assert next(s for s in default["skills"] if s["slug"] == slug)["rating"] == 5


def test_an_unknown_basis_is_a_400_naming_it(alice, reported):
    assessment, _plan = reported
    response = as_token(alice, "read:reports").get(f"/api/v1/me/assessments/{assessment.pk}/report/?basis=boss")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["basis"]


def test_a_draft_has_no_report_and_bobs_token_cannot_read_alices(alice, bob, reported):
    assessment, _plan = reported
    draft = draft_for(alice, make_role(title="Pipeline Plumber"))
    assert as_token(alice, "read:reports").get(f"/api/v1/me/assessments/{draft.pk}/report/").status_code == 404
    refused = as_token(bob, "read:reports").get(f"/api/v1/me/assessments/{assessment.pk}/report/")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"


def test_my_plans_carry_their_items_in_priority_order(alice, reported):
    assessment, plan = reported
    body = as_token(alice, "read:reports").get("/api/v1/me/plans/").json()
    [row] = body["results"]
    assert row["id"] == plan.pk and row["assessment"] == assessment.pk
    assert [i["id"] for i in row["items"]] == list(plan.items.order_by("order", "id").values_list("pk", flat=True))
    assert as_token(alice, "read:reports").get(f"/api/v1/me/plans/{plan.pk}/").json() == row


def item_url(plan, item):
    return f"/api/v1/me/plans/{plan.pk}/items/{item.pk}/"


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_patching_an_item_changes_status_and_action_and_records_history(alice, reported):
    _assessment, plan = reported
    item = plan.items.order_by("order").first()
    response = patch(as_token(alice, "write:plan"), item_url(plan, item), {"status": "in_progress", "action": "Pair"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress" and response.json()["action"] == "Pair"
    item.refresh_from_db()
    assert (item.status, item.action) == ("in_progress", "Pair")
    assert PlanItemEvent.objects.filter(item=item, kind="edited").exists()


def test_a_recommendation_is_kept_as_the_recommendation(alice, reported):
    assessment, plan = reported
    item = plan.items.order_by("order").first()
    from assessments.plans import plan_options
    from assessments.reports import report_for

    options = plan_options(report_for(assessment))[item.skill.slug]
    assert patch(as_token(alice, "write:plan"), item_url(plan, item), {"action": options[0]}).status_code == 200
    item.refresh_from_db()
    assert item.action == options[0]


def snapshot_items():
    return list(PlanItem.objects.order_by("pk").values_list("pk", "status", "action", "notes", "target_date"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": 3}, "status"),
        ({"action": "x" * 501}, "action"),
        ({"action": "a\x00b"}, "action"),
        ({"notes": "sneaky"}, "notes"),
        ({}, "non_field"),
        (["status", "done"], "non_field"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(alice, reported, body, field):
    _assessment, plan = reported
    item = plan.items.order_by("order").first()
    before, events = snapshot_items(), PlanItemEvent.objects.count()
    response = patch(as_token(alice, "write:plan"), item_url(plan, item), body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert snapshot_items() == before and PlanItemEvent.objects.count() == events


def test_a_body_that_is_not_json_is_a_400(alice, reported):
    _assessment, plan = reported
    item = plan.items.first()
    response = as_token(alice, "write:plan").patch(item_url(plan, item), "{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"


def test_reading_needs_read_reports_and_writing_needs_write_plan(alice, reported):
    _assessment, plan = reported
    item = plan.items.first()
    before = snapshot_items()
    refused = patch(as_token(alice, "read:reports"), item_url(plan, item), {"status": "done"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    assert as_token(alice, "write:plan").get("/api/v1/me/plans/").status_code == 403
    assert snapshot_items() == before


def test_bob_cannot_patch_alices_item_even_through_his_own_plan(alice, bob, reported):
    _assessment, plan = reported
    bobs = submitted_for(bob, plan.role, level=1)
    bobs_plan, _ = services.create_plan(assessment=bobs)
    item = plan.items.first()
    before = snapshot_items()
    for url in (item_url(plan, item), item_url(bobs_plan, item)):
        assert patch(as_token(bob, "write:plan"), url, {"status": "done"}).status_code == 404
    assert snapshot_items() == before


def test_a_browser_session_patch_needs_the_csrf_token(alice, reported):
    _assessment, plan = reported
    item = plan.items.first()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = patch(client, item_url(plan, item), {"status": "done"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    client.get("/api-tokens/")  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    ok = client.patch(
        item_url(plan, item), json.dumps({"status": "done"}), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert ok.status_code == 200


def test_a_visitor_gets_a_401_in_the_error_shape(client, reported):
    response = client.get("/api/v1/me/assessments/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
