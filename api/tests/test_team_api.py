"""A manager's token reads completion and the matrix of a role assigned to their team: exactly what
the team page and matrix.json show, under the same consent, threshold and cycle rules."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from api.tests.factories import bearer, token_for
from assessments.tests.factories import submitted_for
from roles.models import Role
from roles.tests.factories import make_role
from teams import services as team_services
from teams.models import Membership
from teams.tests.factories import join, team_of

pytestmark = pytest.mark.django_db

MATRIX = "/api/v1/teams/data-team/roles/data-wrangler/matrix/"
COMPLETION = "/api/v1/teams/data-team/roles/data-wrangler/completion/"


@pytest.fixture
def team(alice):
    """alice owns the team, mona manages it; named (individual consent), quiet (nothing) and
    aggregate (aggregates only) members, each of whom submitted the assigned role."""
    role = make_role(required=3, differentiating=1, title="Data Wrangler")
    team = team_of(alice)
    mona = UserFactory(username="mona")
    join(team, mona, role=Membership.Role.MANAGER)
    team_services.assign_role(team=team, by=alice, role=role)
    people = {}
    for name, consent in (("nina", "individual"), ("quinn", "nothing"), ("ava", "aggregates")):
        people[name] = UserFactory(username=name)
        join(team, people[name], consent=consent, evidence=True)
        submitted_for(people[name], role, level=2)
    return team, role, mona, people


def as_token(user, *scopes):
    _row, token = token_for(user, *scopes)
    return Client(**bearer(token))


def test_the_matrix_is_matrix_json_for_the_manager(team):
    _team, _role, mona, _people = team
    browser = Client()
    browser.force_login(mona)
    downloaded = json.loads(browser.get("/teams/data-team/roles/data-wrangler/matrix.json").content)
    response = as_token(mona, "read:teams").get(MATRIX)
    assert response.status_code == 200
    assert response.json() == downloaded
    assert [i["display_name"] for i in response.json()["individuals"]] == ["nina"]  # only who shares by name
    assert response.json()["aggregate"] is None  # no released cycle: nothing of quinn's or ava's ratings
    assert "no-store" in response["Cache-Control"]


def test_completion_is_the_team_pages_completion(team, alice):
    _team, _role, mona, _people = team
    browser = Client()
    browser.force_login(mona)
    page = browser.get("/teams/data-team/roles/data-wrangler/")
    body = as_token(mona, "read:teams").get(COMPLETION).json()
    assert body["completion"] == page.context["completion"]
    assert (
        body["cycle"] is None and body["assigned"] == page.context["assigned_count"] == 5
    )  # alice, mona and the three


def test_completion_in_an_open_cycle_follows_the_cycle(team, alice):
    team_obj, role, mona, people = team
    cycle = team_services.open_cycle(
        team=team_obj, role=role, by=alice, closes_on=timezone.localdate() + timedelta(days=7)
    )
    submitted_for(people["quinn"], role, level=3)  # after the cycle opened: counts in it
    body = as_token(mona, "read:teams").get(COMPLETION).json()
    assert body["cycle"]["id"] == cycle.pk
    assert {c["name"]: c["done"] for c in body["completion"]} == {
        "alice": False,
        "mona": False,
        "nina": False,
        "quinn": True,
        "ava": False,
    }


def test_a_plain_member_and_a_stranger_get_404s(team, bob):
    _team, _role, _mona, people = team
    for user in (people["nina"], bob):
        for url in (MATRIX, COMPLETION):
            response = as_token(user, "read:teams").get(url)
            assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_role_not_assigned_is_a_404_and_a_withdrawn_one_a_410(team):
    _team, role, mona, _people = team
    make_role(title="Other Role")
    assert as_token(mona, "read:teams").get("/api/v1/teams/data-team/roles/other-role/matrix/").status_code == 404
    Role.objects.filter(pk=role.pk).update(is_published=False)
    response = as_token(mona, "read:teams").get(MATRIX)
    assert response.status_code == 410 and response.json()["error"]["code"] == "gone"


def test_managed_teams_lists_teams_i_manage_with_their_roles(team, alice):
    _team, _role, mona, people = team
    team_of(people["nina"], name="Nina's", slug="ninas")
    body = as_token(mona, "read:teams").get("/api/v1/teams/").json()
    assert body["results"] == [
        {
            "slug": "data-team",
            "name": "Data Team",
            "my_role": "manager",
            "roles": [{"slug": "data-wrangler", "title": "Data Wrangler"}],
        }
    ]
    assert as_token(people["quinn"], "read:teams").get("/api/v1/teams/").json()["results"] == []


def test_a_token_without_read_teams_gets_a_403(team):
    _team, _role, mona, _people = team
    response = as_token(mona, "read:reports", "read:roles").get(MATRIX)
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
