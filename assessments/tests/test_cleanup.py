"""`manage.py cleanup` removes visitors' drafts whose session has expired, and nothing else.

A visitor's draft is reachable only through their session. Once that has expired (or is gone), the
draft and its ratings are dead weight; the command removes them, then expired sessions. It keeps
every draft whose session is live, every member's draft and every submitted assessment, and any
draft saved within the grace period (a visitor signing up right now changes session key).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for, submitted_for
from careerpath.owner import Owner

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=30)


def visitor_session(*, expires_in):
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def visitor_draft(role, skills, session_key, *, saved_ago=LONG_AGO):
    draft, _ = services.start_assessment(role=role, session_key=session_key)
    services.save_rating(assessment=draft, skill=skills[0], level=2, evidence="visitor's words")
    Assessment.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - saved_ago)
    return draft


def cleanup(*args):
    out = StringIO()
    call_command("cleanup", *args, stdout=out)
    return out.getvalue()


def test_cleanup_removes_only_the_drafts_of_expired_or_missing_sessions(alice, bob, role, skills):
    live = visitor_draft(role, skills, visitor_session(expires_in=timedelta(days=1)))
    expired = visitor_draft(role, skills, visitor_session(expires_in=-timedelta(minutes=5)))
    gone = visitor_draft(role, skills, "no-such-session-key")
    members_draft = draft_for(alice, role, levels={skills[0].slug: 3})
    Assessment.objects.filter(pk=members_draft.pk).update(updated_at=timezone.now() - LONG_AGO)
    report = submitted_for(bob, role)
    keep = {live.pk, members_draft.pk, report.pk}
    ratings_kept = set(Rating.objects.filter(assessment_id__in=keep).values_list("pk", flat=True))

    out = cleanup()

    assert "Removed 2 visitor drafts whose session had expired." in out
    assert set(Assessment.objects.values_list("pk", flat=True)) == keep
    assert set(Rating.objects.values_list("pk", flat=True)) == ratings_kept
    assert not Rating.objects.filter(assessment_id__in=[expired.pk, gone.pk]).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert Session.objects.count() == 1, "expired sessions are cleared too"


def test_a_live_visitor_can_still_open_their_draft_after_cleanup(client, role, skills):
    client.post(f"/assessments/start/{role.slug}/")
    draft = Assessment.objects.get()
    Assessment.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - LONG_AGO)
    cleanup()
    assert client.get(f"/assessments/{draft.pk}/step/1/").status_code == 200


def test_a_draft_saved_within_the_grace_period_is_kept_whatever_its_session(role, skills):
    recent = visitor_draft(role, skills, "rotated-at-log-in", saved_ago=timedelta(minutes=10))
    old = visitor_draft(role, skills, "abandoned", saved_ago=timedelta(minutes=90))
    cleanup()
    assert set(Assessment.objects.values_list("pk", flat=True)) == {recent.pk}
    cleanup("--grace-minutes", "5")
    assert not Assessment.objects.filter(pk=recent.pk).exists()
    assert old.pk not in Assessment.objects.values_list("pk", flat=True)


def test_a_dry_run_counts_and_removes_nothing(role, skills):
    visitor_draft(role, skills, "gone-1")
    visitor_draft(role, skills, "gone-2")
    before = (Assessment.objects.count(), Rating.objects.count())
    assert "Dry run, nothing removed: 2 visitor drafts have an expired session." in cleanup("--dry-run")
    assert (Assessment.objects.count(), Rating.objects.count()) == before


def test_running_it_again_is_harmless(role, skills):
    visitor_draft(role, skills, "gone")
    assert "Removed 1 visitor draft whose" in cleanup()
    assert "Removed 0 visitor drafts" in cleanup()


def test_it_refuses_to_guess_when_sessions_are_not_in_the_database(settings, role, skills):
    visitor_draft(role, skills, "maybe-alive-in-a-cookie")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    with pytest.raises(CommandError, match="removes nothing"):
        cleanup()
    assert Assessment.objects.count() == 1


def test_a_negative_grace_is_refused(role, skills):
    visitor_draft(role, skills, "gone")
    with pytest.raises(CommandError, match="--grace-minutes"):
        cleanup("--grace-minutes", "-1")
    assert Assessment.objects.count() == 1


def test_cleanup_removes_the_page_cache_keys_of_dead_sessions_and_keeps_live_ones(alice, role, skills):
    from careerpath.models import OwnerKey

    live, dead = visitor_session(expires_in=timedelta(days=1)), visitor_session(expires_in=-LONG_AGO)
    visitor_draft(role, skills, live)
    visitor_draft(role, skills, dead)
    draft_for(alice, role, {skills[0].slug: 3})
    assert set(OwnerKey.objects.values_list("scope", flat=True)) == {
        Owner(session_key=live).scope,
        Owner(session_key=dead).scope,
        Owner.of_user(alice).scope,
    }

    cleanup()

    assert set(OwnerKey.objects.values_list("scope", flat=True)) == {
        Owner(session_key=live).scope,
        Owner.of_user(alice).scope,
    }
