"""Deletion leaves nothing, and the download holds everything that names the person (issue #26 item 6)."""

import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_user_account, end_sessions
from accounts.tests.factories import PASSWORD, UserFactory
from assessments import services as assessment_services
from assessments.tests.factories import submitted_for
from reviews import services as review_services
from roles.tests.factories import make_role
from teams import services as team_services
from teams.tests.factories import join, team_of

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_deleting_an_account_blanks_its_email_on_the_invitations_it_used(alice, alice_client, bob):
    team = team_of(alice)
    used, _ = team_services.create_invitation(team=team, by=alice, email=bob.email)
    team_services.accept_invitation(invitation=used, user=bob)  # bob's address is verified: he joins at once
    carol = UserFactory(username="carol", verified=False)  # hers is not: the invitation waits for alice
    pending, _ = team_services.create_invitation(team=team, by=alice, email=carol.email)
    team_services.accept_invitation(invitation=pending, user=carol)

    delete_user_account(user=bob)
    delete_user_account(user=carol)

    used.refresh_from_db()
    pending.refresh_from_db()
    assert (used.email, used.used_by) == ("", None)
    assert (pending.email, pending.pending_by, pending.status) == ("", None, "revoked")
    page = alice_client.get(reverse("teams:invitations", args=[team.slug])).content.decode()
    assert bob.email not in page and carol.email not in page


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_deleting_an_account_ends_all_its_sessions_in_the_database_and_the_cache(alice, bob, settings, engine):
    from importlib import import_module

    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    phone, laptop, other = logged_in(alice), logged_in(alice), logged_in(bob)
    keys = [c.cookies[settings.SESSION_COOKIE_NAME].value for c in (phone, laptop)]
    bobs = other.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key__in=keys).count() == 2

    response = phone.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Session.objects.filter(session_key__in=keys).exists()
    if engine == "cached_db":
        assert all(cache.get(store(session_key=k).cache_key) is None for k in keys)
    assert laptop.get(reverse("assessments:dashboard"))["Location"].startswith(reverse("account_login"))
    assert Session.objects.filter(session_key=bobs).exists()  # nobody else is signed out


def test_ending_sessions_leaves_expired_and_visitor_sessions_alone(alice):
    visitor = Client()
    visitor.post(reverse("assessments:start", args=[make_role().slug]))
    assert Session.objects.count() == 1
    assert end_sessions(user=alice) == 0
    assert Session.objects.count() == 1


def test_deleting_an_account_removes_its_sign_in_records_in_any_letter_case(alice):
    now = timezone.now()
    for name in ("alice", "Alice", "ALICE"):
        AccessLog.objects.create(username=name, ip_address="203.0.113.1", user_agent="x", attempt_time=now)
        AccessFailureLog.objects.create(username=name, ip_address="203.0.113.1", user_agent="x", attempt_time=now)
    AccessAttempt.objects.create(
        username="ALICE", ip_address="203.0.113.1", user_agent="x", attempt_time=now, failures_since_start=2
    )
    AccessLog.objects.create(username="alicia", ip_address="203.0.113.1", user_agent="x", attempt_time=now)

    delete_user_account(user=alice)

    assert not AccessLog.objects.filter(username__iexact="alice").exists()
    assert not AccessFailureLog.objects.exists() and not AccessAttempt.objects.exists()
    assert AccessLog.objects.filter(username="alicia").exists()


def test_the_download_holds_preferences_plan_history_invitations_requests_and_login_records(alice, bob):
    from accounts.services import save_preferences

    save_preferences(user=alice, show_targets_while_rating=True)
    role = make_role(required=3, differentiating=1, title="Data Wrangler")
    report = submitted_for(alice, role, level=1)
    plan, _ = assessment_services.create_plan(assessment=report)
    item = plan.items.first()
    assessment_services.update_plan_item(item=item, action="Pair weekly", target_date=None, notes="", status="done")
    team = team_of(alice)
    join(team, bob)
    team_services.create_invitation(team=team, by=alice, email="carol@example.com")
    review_services.request_review(
        assessment=report, display_name="Alice", skills=[item.skill.slug], show_evidence=False, invitee=bob
    )
    AccessLog.objects.create(
        username="Alice", ip_address="203.0.113.9", user_agent="Firefox", attempt_time=timezone.now()
    )

    client = Client()
    client.force_login(alice)
    data = json.loads(client.get(reverse("accounts:export")).content)

    assert data["preferences"]["show_targets_while_rating"] is True
    history = data["assessments"][0]["plan"][0]["history"]
    assert history and {"at", "kind", "text"} <= set(history[0])
    assert [i["email"] for i in data["team_invitations_created"]] == ["", "carol@example.com"]  # bob's link too
    assert data["reviews"]["requested"][0]["sent_to"] == "bob"
    assert data["login_records"]["logins"][0]["ip_address"] == "203.0.113.9"
    assert {"team_invitations_opened", "team_review_cycles"} <= set(data)
