"""Steps follow the guide's order, mark done/current/to-do, hide targets unless asked, estimate
the time left; visitors learn up front that the report needs a free account."""

import re
from types import SimpleNamespace as NS

import pytest
from django.test import Client
from django.urls import reverse

from assessments.steps import build_steps, step_states, time_left
from assessments.tests.factories import draft_for


def rs(skill_id, kind, category):
    return NS(skill_id=skill_id, kind=kind, skill=NS(category=category))


def test_steps_follow_the_guides_order_required_first_not_alphabetical_categories():
    role_skills = [
        rs(1, "required", "Programming"),
        rs(2, "differentiating", "Ask"),
        rs(3, "required", "Programming"),
        rs(4, "required", "Data engineering"),
        rs(5, "differentiating", "Zebra"),
    ]
    steps = build_steps(role_skills)
    assert [(s.kind, s.category, [i.skill_id for i in s.items]) for s in steps] == [
        ("required", "Programming", [1, 3]),
        ("required", "Data engineering", [4]),
        ("differentiating", "Ask", [2]),
        ("differentiating", "Zebra", [5]),
    ]


def test_step_states_mark_done_current_and_to_do():
    steps = build_steps([rs(1, "required", "A"), rs(2, "required", "B"), rs(3, "required", "C")])
    states = step_states(steps, confirmed_skill_ids={1, 3}, current_number=3)
    assert [s.state for s in states] == ["done", "todo", "current"]
    assert states[0].title == "A" and states[0].number == 1


@pytest.mark.parametrize(
    ("remaining", "text"),
    [
        (12, "About 6 minutes left: 12 skills to rate or confirm, at about 30 seconds a skill."),
        (1, "About 1 minute left: 1 skill to rate or confirm, at about 30 seconds a skill."),
        (0, ""),
    ],
)
def test_time_left_says_its_assumption(remaining, text):
    assert time_left(remaining) == text


pytestmark_db = pytest.mark.django_db


def step_page(client, draft, number=1):
    return client.get(reverse("assessments:step", args=[draft.pk, number])).content.decode()


@pytestmark_db
def test_targets_are_hidden_while_rating_and_shown_after_opting_in(alice_client, alice, role, skills):
    from accounts.models import Preferences

    draft = draft_for(alice, role)
    assert 'data-testid="target"' not in step_page(alice_client, draft)
    response = alice_client.post(reverse("accounts:preferences"), {"show_targets_while_rating": "on"})
    assert response.status_code == 302
    assert Preferences.objects.get(user=alice).show_targets_while_rating is True
    assert 'data-testid="target"' in step_page(alice_client, draft)
    alice_client.post(reverse("accounts:preferences"), {})
    assert Preferences.objects.get(user=alice).show_targets_while_rating is False
    assert 'data-testid="target"' not in step_page(alice_client, draft)


@pytestmark_db
def test_each_device_gets_the_step_page_of_its_own_show_targets_choice(alice, role, skills):
    """Signed in on two devices, a person turns targets on in one: the other keeps its own copy of the
    choice in its session, and the cache serves each device the page of its own choice."""
    this_device, other_device = Client(), Client()
    this_device.force_login(alice)
    other_device.force_login(alice)
    draft = draft_for(alice, role)
    this_device.post(reverse("accounts:preferences"), {"show_targets_while_rating": "on"}, follow=True)  # "Saved"

    assert 'data-testid="target"' not in step_page(other_device, draft)  # rendered and stored first
    assert 'data-testid="target"' in step_page(this_device, draft)


@pytestmark_db
def test_the_preference_is_read_from_the_database_when_logging_in(alice, role, skills, client):
    from accounts.services import save_preferences
    from accounts.tests.factories import PASSWORD

    save_preferences(user=alice, show_targets_while_rating=True)
    client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert 'data-testid="target"' in step_page(client, draft_for(alice, role))


@pytestmark_db
def test_the_review_page_shows_targets(alice_client, alice, role, skills):
    draft = draft_for(alice, role, {s.slug: 1 for s in skills})
    body = alice_client.get(reverse("assessments:review", args=[draft.pk])).content.decode()
    assert body.count('data-testid="review-target">3 — Practitioner<') == 3


@pytestmark_db
def test_account_settings_show_the_preference(alice_client):
    body = alice_client.get(reverse("accounts:settings")).content.decode()
    assert "target level while I rate myself" in body and 'name="show_targets_while_rating"' in body


@pytestmark_db
def test_a_visitor_cannot_save_preferences(client):
    from accounts.models import Preferences

    response = client.post(reverse("accounts:preferences"), {"show_targets_while_rating": "on"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Preferences.objects.exists()


@pytestmark_db
def test_preferences_refuse_get(alice_client):
    assert alice_client.get(reverse("accounts:preferences")).status_code == 405


@pytestmark_db
def test_the_step_list_marks_done_current_and_remaining_steps(alice_client, alice, role, skills):
    draft = draft_for(alice, role, {s.slug: 3 for s in skills[:3]})  # the required step is done
    body = step_page(alice_client, draft, 2)
    states = re.findall(r'data-step-state="(\w+)"', body)
    assert states[: len(states) // 2] == ["done", "current"]
    assert "<details" in body and "(current step)" in body and "(done)" in body
    assert 'data-testid="time-left"' in body and "1 skill to rate or confirm" in body


@pytestmark_db
def test_a_visitor_learns_on_the_first_step_that_the_report_needs_a_free_account(client, role):
    response = client.post(reverse("assessments:start", args=[role.slug]), follow=True)
    body = response.content.decode()
    assert "The gap report needs a free account." in body


@pytestmark_db
def test_the_guide_tells_a_visitor_up_front_that_the_report_needs_a_free_account(client, alice_client, role):
    assert 'data-testid="account-notice"' in client.get(role.get_absolute_url()).content.decode()
    assert 'data-testid="account-notice"' not in alice_client.get(role.get_absolute_url()).content.decode()


@pytestmark_db
def test_save_and_exit_tells_a_visitor_nothing_about_a_dashboard(client, role, skills):
    client.post(reverse("assessments:start", args=[role.slug]))
    from assessments.models import Assessment

    draft = Assessment.objects.get()
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 1]),
        {f"level-{skills[0].slug}": "2", "exit": "1"},
        follow=True,
    )
    body = response.content.decode()
    assert "dashboard" not in body.lower().replace('href="/dashboard', "")
    assert "Saved in this browser" in body
    assert draft.ratings.get().level == 2


@pytestmark_db
def test_a_revoked_and_an_unknown_share_link_answer_the_same_404_page(client, alice, role):
    from django.utils import timezone

    from assessments.models import ShareLink
    from assessments.tests.factories import shared, submitted_for

    link, path = shared(submitted_for(alice, role), display_name="Al")
    assert client.get(path).status_code == 200
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    revoked = client.get(path)
    unknown = client.get(reverse("assessments:shared", args=["y" * 43]))
    assert revoked.status_code == unknown.status_code == 404
    assert "may have been revoked" in revoked.content.decode()
    # CSRF tokens differ, and the log-in link's next names the path asked for, which the visitor typed
    strip = lambda r: re.sub(r'value="[^"]*"|next=[^"&]*', "", r.content.decode())  # noqa: E731
    assert strip(revoked) == strip(unknown)
