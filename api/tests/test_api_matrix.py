"""Who may call what: every URL under /api/v1/, probed as ten callers.

Browser sessions: a visitor; alice (the owner: her assessments, report and plan); carol (alice's
teammate, a plain member); mona (the team's owner, who manages it); bob (a stranger); staff (an
editor, with no business in anyone's assessments or teams). Tokens of the endpoint's subject (alice
for public and personal endpoints, mona for team ones): one with every scope, one with every scope
but the one the endpoint needs, an expired one and a revoked one.

`API_MATRIX` says, per URL name, what each caller gets for GET and for PATCH (the API's one write
method; the body sets a plan item's status). A URL under /api/v1/ that the table does not name
fails `test_every_api_url_is_in_the_api_matrix`. Someone else's object is a 404, never a 403; the
only 403 is a token without the scope. A bad token is a 401, never a visitor.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import resolve, reverse

from accounts.tests.factories import UserFactory
from api.models import PersonalAccessToken, Scope
from api.tests.factories import bearer, expired_token_for, revoked_token_for, token_for
from assessments import services
from assessments.models import Assessment, PlanItem
from assessments.tests.factories import submitted_for
from careerpath.tests.test_authz_matrix import kwarg_names, site_urls
from roles.tests.factories import make_role
from teams import services as team_services
from teams.models import Membership
from teams.tests.factories import join, team_of

pytestmark = pytest.mark.django_db

VISITOR, OWNER, TEAMMATE, MANAGER, STRANGER, STAFF = "visitor", "alice", "carol", "mona", "bob", "staff"
TOKEN, NO_SCOPE, EXPIRED, REVOKED = "token", "token without the scope", "expired token", "revoked token"
SESSIONS = (VISITOR, STRANGER, STAFF, TEAMMATE, MANAGER, OWNER)
TOKENS = (NO_SCOPE, EXPIRED, REVOKED, TOKEN)
CALLERS = SESSIONS + TOKENS  # in this order: the subject's own writes come last


def callers(*, visitor, others, owner=None, manager=None, token=None, no_scope=403):
    """Every caller's answer: the endpoint's subject (`owner` for personal endpoints, `manager` for
    team ones) and their full token get theirs; bad tokens are 401s; everyone else `others`."""
    owner = others if owner is None else owner
    manager = others if manager is None else manager
    return {
        VISITOR: visitor,
        STRANGER: others,
        STAFF: others,
        TEAMMATE: others,
        MANAGER: manager,
        OWNER: owner,
        TOKEN: token,
        NO_SCOPE: no_scope,
        EXPIRED: 401,
        REVOKED: 401,
    }


def public(code=200):
    return callers(visitor=code, others=code, token=code)


def anyones_own(code=200):
    """A list of the caller's own rows: everyone signed in gets theirs (empty for most)."""
    return callers(visitor=401, others=code, token=code)


def alices(code=200):
    return callers(visitor=401, others=404, owner=code, token=code)


def managers(code=200):
    return callers(visitor=401, others=404, manager=code, token=code)


def read_only(get):
    """GET as given; PATCH a 405 for whoever may get past authentication and the scope."""
    patch = {caller: (405 if code in {200, 404} else code) for caller, code in get.items()}
    return {"GET": get, "PATCH": patch}


ALICE_SUBJECT = "alice"
API_MATRIX = {
    "api:roles": read_only(public()),
    "api:role": read_only(public()),
    "api:role_case": read_only(public()),
    "api:skills": read_only(public()),
    "api:skill": read_only(public()),
    "api:my_assessments": read_only(anyones_own()),
    "api:my_report": read_only(alices()),
    "api:my_plans": read_only(anyones_own()),
    "api:my_plan": read_only(alices()),
    # the one write: GET is a 405 for whoever passes the scope; PATCH changes alice's item for her
    "api:my_plan_item": {
        "GET": {**callers(visitor=401, others=405, token=405)},
        "PATCH": {**alices(200)},
        "writes": {OWNER, TOKEN},
    },
    "api:teams": read_only(anyones_own()),
    "api:team_completion": read_only(managers()),
    "api:team_matrix": read_only(managers()),
    # the schema and its browser are public and need no scope; a bad token is still a 401
    "api:schema": read_only(callers(visitor=200, others=200, token=200, no_scope=200)),
    "api:docs": read_only(callers(visitor=200, others=200, token=200, no_scope=200)),
}
TEAM_URLS = {"api:teams", "api:team_completion", "api:team_matrix"}


class World:
    """alice's submitted report with a plan; a team mona owns where alice and carol are members
    (alice shares by name), assigned alice's role; bob a stranger; staff an editor."""

    def __init__(self, *, alice, bob, staff):
        self.users = {OWNER: alice, STRANGER: bob, STAFF: staff}
        self.users[TEAMMATE] = UserFactory(username="carol")
        self.users[MANAGER] = UserFactory(username="mona")
        self.role = make_role(required=3, differentiating=1, courses=1, title="Data Wrangler")
        first = self.role.role_skills.select_related("skill").order_by("order")[0].skill
        self.skill = first
        self.team = team_of(self.users[MANAGER])
        join(self.team, alice, consent=Membership.Consent.INDIVIDUAL)
        join(self.team, self.users[TEAMMATE])
        team_services.assign_role(team=self.team, by=self.users[MANAGER], role=self.role)
        self.submitted = submitted_for(alice, self.role, levels={first.slug: 1})
        self.plan, _ = services.create_plan(assessment=self.submitted)
        self.item = self.plan.items.order_by("order").first()
        submitted_for(bob, self.role, level=4)

    def kwargs_for(self, name, names):
        values = {
            "slug": self.team.slug
            if name in TEAM_URLS
            else (self.skill.slug if name == "api:skill" else self.role.slug),
            "role_slug": self.role.slug,
            "pk": self.plan.pk if name in {"api:my_plan", "api:my_plan_item"} else self.submitted.pk,
            "item_id": self.item.pk,
        }
        missing = [k for k in names if k not in values]
        assert not missing, f"{name}: teach World.kwargs_for a value for {missing}"
        return {k: values[k] for k in names}

    def clients(self, name, url):
        """A client per caller; the tokens are the subject's, the partial one without the scope."""
        subject = self.users[MANAGER if name in TEAM_URLS else OWNER]
        scope = resolve(url).func.view_class.required_scope
        clients = {VISITOR: Client()}
        for caller in SESSIONS[1:]:
            clients[caller] = Client()
            clients[caller].force_login(self.users[caller])
        clients[TOKEN] = Client(**bearer(token_for(subject)[1]))
        clients[EXPIRED] = Client(**bearer(expired_token_for(subject)[1]))
        clients[REVOKED] = Client(**bearer(revoked_token_for(subject)[1]))
        clients[NO_SCOPE] = Client(**bearer(token_for(subject, *[s for s in Scope.values if s != scope])[1]))
        return clients


def fingerprint():
    return {
        "assessments": list(Assessment.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "plan_items": list(PlanItem.objects.order_by("pk").values_list("pk", "status", "action", "notes")),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_staff")),
        "tokens": list(PersonalAccessToken.objects.order_by("pk").values_list("pk", "revoked_at", "expires_at")),
    }


def api_url_names():
    return {n for n in site_urls() if (n or "").startswith("api:")} - {"api:not_found"}


def test_every_api_url_is_in_the_api_matrix():
    missing = sorted(api_url_names() - set(API_MATRIX))
    assert not missing, f"add these URLs to API_MATRIX in {__name__} (who may call them?): {missing}"
    stale = sorted(set(API_MATRIX) - api_url_names())
    assert not stale, f"API_MATRIX names URLs that no longer exist: {stale}"
    for name, entry in API_MATRIX.items():
        for method in ("GET", "PATCH"):
            assert set(entry[method]) == set(CALLERS), f"{name} {method}: say what each caller gets"
            forbidden = {c for c, code in entry[method].items() if code == 403}
            assert forbidden <= {NO_SCOPE}, f"{name}: only a token without the scope gets a 403, not {forbidden}"


def check(response, expected, where):
    assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"
    if expected >= 400 and response["Content-Type"].startswith("application/json"):
        assert set(response.json()["error"]) == {"status", "code", "message", "fields"}, where


@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_api_url_answers_each_caller_as_the_matrix_says(alice, bob, staff, name):
    world = World(alice=alice, bob=bob, staff=staff)
    route, pattern = site_urls()[name]
    url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names(pattern)))
    clients = world.clients(name, url)
    entry = API_MATRIX[name]
    for caller in CALLERS:
        client = clients[caller]
        before = fingerprint()
        check(client.get(url), entry["GET"][caller], f"GET {name} as {caller}")
        assert fingerprint() == before, f"GET {name} as {caller} changed the database"
    body = json.dumps({"status": "done"})
    for caller in CALLERS:
        client = clients[caller]
        before = fingerprint()
        response = client.patch(url, body, content_type="application/json")
        check(response, entry["PATCH"][caller], f"PATCH {name} as {caller}")
        if caller not in entry.get("writes", set()):
            assert fingerprint() == before, f"PATCH {name} as {caller} changed the database"
    if entry.get("writes"):
        world.item.refresh_from_db()
        assert world.item.status == "done"


def test_an_unknown_path_under_the_api_is_a_404_for_everyone(alice, bob, staff):
    world = World(alice=alice, bob=bob, staff=staff)
    url = "/api/v1/nothing/here/"
    for caller, client in world.clients("api:roles", "/api/v1/roles/").items():
        assert client.get(url).status_code == 404, caller


def test_a_token_only_ever_acts_as_its_owner(alice, bob, staff):
    """bob's full token reads bob's rows, never alice's, whatever ids it names."""
    world = World(alice=alice, bob=bob, staff=staff)
    client = Client(**bearer(token_for(bob)[1]))
    assert client.get(f"/api/v1/me/assessments/{world.submitted.pk}/report/").status_code == 404
    assert client.get(f"/api/v1/me/plans/{world.plan.pk}/").status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/me/assessments/").json()["results"]]
    assert world.submitted.pk not in ids and ids
