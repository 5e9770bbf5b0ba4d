"""Visitors' drafts are throttled per client address (issue 25, finding 8).

A visitor's draft is a session, an assessment row and an owner key that stay until `manage.py
cleanup` removes them (~14 days): twenty anonymous POSTs made twenty. Now a visitor starts at most
ten new drafts an hour from one address; going back to a draft they have is never counted, and
members are not limited (their accounts are, at sign-up).
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from careerpath.models import OwnerKey
from roles.tests.factories import make_role

pytestmark = pytest.mark.django_db

ATTACKER = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
LIMIT = 10


@pytest.fixture
def roles(db):
    return [make_role(required=1, differentiating=0, title=f"Role {n}") for n in range(LIMIT + 2)]


def start(client, role, address=ATTACKER):
    return client.post(reverse("assessments:start", args=[role.slug]), REMOTE_ADDR=address)


def rows():
    return Assessment.objects.count(), Session.objects.count(), OwnerKey.objects.count()


def test_the_eleventh_new_draft_from_one_address_gets_a_clear_429_and_makes_nothing(roles):
    codes = [start(Client(), role).status_code for role in roles[:LIMIT]]  # a fresh session each time
    assert codes == [302] * LIMIT
    before = rows()

    response = start(Client(), roles[LIMIT])

    assert response.status_code == 429
    assert "assessments/start_throttled.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Too many new assessments without an account" in html
    assert reverse("account_signup") in html and reverse("account_login") in html
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert rows() == before, "no draft, session or owner key is made"


def test_going_back_to_a_draft_you_have_is_not_counted(roles):
    visitor = Client()
    for _ in range(3 * LIMIT):
        assert start(visitor, roles[0]).status_code == 302
    assert Assessment.objects.count() == 1
    assert [start(visitor, role).status_code for role in roles[1:LIMIT]] == [302] * (LIMIT - 1)


def test_another_address_and_members_are_not_limited(roles, alice_client):
    for role in roles[:LIMIT]:
        start(Client(), role)
    assert start(Client(), roles[LIMIT]).status_code == 429
    assert start(Client(), roles[LIMIT], address=ELSEWHERE).status_code == 302
    assert all(start(alice_client, role).status_code == 302 for role in roles)


def test_the_limit_follows_the_setting(roles, settings):
    settings.VISITOR_DRAFT_RATE_LIMIT = "1/m"
    assert [start(Client(), role).status_code for role in roles[:2]] == [302, 429]
