"""The API is never in the page cache, and personal answers tell every cache not to keep them."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from api.tests.factories import bearer, token_for
from assessments import services
from assessments.tests.factories import submitted_for
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db


def test_no_api_module_uses_the_page_cache():
    sources = {p.name: p.read_text() for p in (Path(settings.BASE_DIR) / "api").glob("*.py")}
    assert "views.py" in sources
    users = sorted(name for name, text in sources.items() if "cached_page" in text or "pagecache" in text)
    assert not users, f"the API must not be served from the page cache: {users}"


@pytest.mark.parametrize("path", ["/api/v1/me/assessments/", "/api/v1/me/plans/", "/api/v1/teams/", "/api/v1/roles/"])
def test_answers_to_a_token_are_private_and_never_stored(alice, path):
    make_role(title="Data Wrangler")
    response = Client(**bearer(token_for(alice)[1])).get(path)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "Authorization" in response["Vary"]


def test_error_answers_are_never_stored(client):
    response = client.get("/api/v1/me/assessments/")
    assert response.status_code == 401 and "no-store" in response["Cache-Control"]


def test_a_change_shows_at_once_in_the_next_answer(alice):
    role = make_role(title="Data Wrangler", required=2, differentiating=0)
    plan, _ = services.create_plan(assessment=submitted_for(alice, role, level=1))
    api = Client(**bearer(token_for(alice)[1]))
    first = api.get(f"/api/v1/me/plans/{plan.pk}/").json()
    item = plan.items.first()
    services.update_plan_item(item=item, action="Read the book", target_date=None, notes="", status="done")
    again = api.get(f"/api/v1/me/plans/{plan.pk}/").json()
    assert first != again
    assert next(i for i in again["items"] if i["id"] == item.pk)["status"] == "done"
    report = api.get(f"/api/v1/me/assessments/{plan.assessment_id}/report/").json()
    assert json.dumps(report).count("Read the book") == 1
