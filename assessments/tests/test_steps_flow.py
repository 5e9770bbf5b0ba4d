"""Steps follow the guide's order, mark done/current/to-do, hide targets unless asked, estimate
the time left; visitors learn up front that the report needs a free account."""

import html
import math
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from assessments.steps import STEP_SIZE, build_steps, step_states, time_left
from assessments.tests.factories import draft_for
from roles.importing import import_roles
from roles.models import Role


def rs(skill_id, kind, category):
    return NS(skill_id=skill_id, kind=kind, skill=NS(category=category))


def test_steps_follow_the_guides_areas_required_first_not_alphabetical_categories():
    role_skills = [
        rs(1, "required", "Programming"),
        rs(2, "differentiating", "Ask"),
        rs(3, "required", "Programming"),
        rs(4, "required", "Data engineering"),
        rs(5, "differentiating", "Zebra"),
        rs(6, "differentiating", "Data engineering"),
        rs(7, "differentiating", "Ask"),
    ]
    steps = build_steps(role_skills)
    assert [(s.title, s.kind, s.mixed, [i.skill_id for i in s.items]) for s in steps] == [
        ("Programming", "required", False, [1, 3]),
        ("Data engineering", "required", True, [4, 6]),  # its differentiating skill joins its required one
        ("Ask", "differentiating", False, [2, 7]),
        ("Zebra", "differentiating", False, [5]),  # the role's only skill of its area
    ]


@pytest.mark.parametrize("count", range(1, 24))
def test_an_area_of_more_than_five_skills_is_split_into_the_fewest_even_parts(count):
    steps = build_steps([rs(i, "required", "Systems") for i in range(count)])
    sizes = [len(s.items) for s in steps]
    assert len(steps) == math.ceil(count / STEP_SIZE) and max(sizes) <= STEP_SIZE
    assert max(sizes) - min(sizes) <= 1  # 6 skills: 3 + 3, never 5 + 1
    assert [i.skill_id for s in steps for i in s.items] == list(range(count))
    if count > STEP_SIZE:
        assert [s.title for s in steps][-1] == f"Systems ({len(steps)} of {len(steps)})"


def test_areas_of_one_skill_share_steps_titled_by_their_areas():
    role_skills = [rs(1, "required", "Leadership"), rs(2, "required", "Systems"), rs(3, "required", "Systems")]
    role_skills += [rs(10 + i, "differentiating", f"Area {i}") for i in range(7)]
    steps = build_steps(role_skills)
    assert [(s.title, [i.skill_id for i in s.items]) for s in steps] == [
        ("Leadership, Area 0 and 2 more areas (1 of 2)", [1, 10, 11, 12]),
        ("Area 3, Area 4 and 2 more areas (2 of 2)", [13, 14, 15, 16]),
        ("Systems", [2, 3]),
    ]
    assert steps[0].mixed and (steps[0].required, steps[0].differentiating) == (1, 3)


def test_a_lone_area_of_one_skill_is_the_only_step_of_one_skill():
    steps = build_steps([rs(1, "required", "A"), rs(2, "required", "A"), rs(3, "differentiating", "B")])
    assert [[i.skill_id for i in s.items] for s in steps] == [[1, 2], [3]]


def rule_step_count(role_skills):
    """The steps the rule makes: each area of several skills in ceil(n / 5) steps, the one-skill areas pooled."""
    areas = Counter((r.skill.category or "").strip() for r in role_skills)
    lone = sum(1 for n in areas.values() if n == 1)
    return sum(math.ceil(n / STEP_SIZE) for n in areas.values() if n > 1) + math.ceil(lone / STEP_SIZE)


@pytest.mark.django_db
def test_no_step_of_a_shipped_guide_holds_one_skill_unless_the_role_has_one_of_its_area_and_alone():
    paths = sorted((Path(settings.BASE_DIR) / "content" / "roles").glob("*.yaml"))
    import_roles(paths)
    counts = {}
    for role in Role.objects.order_by("slug"):
        role_skills = list(role.role_skills.select_related("skill").order_by("order", "id"))
        steps = build_steps(role_skills)
        areas = Counter((r.skill.category or "").strip() for r in role_skills)
        lone_areas = [area for area, n in areas.items() if n == 1]
        for step in steps:
            if len(step.items) == 1:
                assert step.categories[0] in lone_areas and len(lone_areas) == 1, (role.slug, step.title)
        assert sorted(i.skill_id for s in steps for i in s.items) == sorted(r.skill_id for r in role_skills)
        counts[role.slug] = (len(steps), rule_step_count(role_skills))
    assert all(made == rule for made, rule in counts.values()), counts
    assert counts["senior-ml-engineer"][0] < 14  # issue 28: 14 steps for 31 skills, five of them a single skill


def test_step_states_mark_done_current_and_to_do():
    steps = build_steps([rs(i, "required", area) for i, area in enumerate("AABBCC", start=1)])
    states = step_states(steps, confirmed_skill_ids={1, 2, 3, 5, 6}, current_number=3)
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


@pytestmark_db
def test_a_step_page_loaded_before_the_steps_were_regrouped_keeps_every_answer_it_sends(
    alice_client, alice, role, skills
):
    draft = draft_for(alice, role)
    role_skills = list(role.role_skills.select_related("skill").order_by("order"))
    first_step = {i.skill_id for i in build_steps(role_skills)[0].items}
    elsewhere = next(r.skill for r in role_skills if r.skill_id not in first_step)  # on another step now
    shown = role_skills[0].skill
    response = alice_client.post(
        reverse("assessments:step", args=[draft.pk, 1]),
        {f"level-{shown.slug}": "2", f"level-{elsewhere.slug}": "4", f"evidence-{elsewhere.slug}": "Led the migration"},
    )
    assert response.status_code == 302
    saved = {r.skill_id: (r.level, r.evidence) for r in draft.ratings.all()}
    assert saved == {shown.pk: (2, ""), elsewhere.pk: (4, "Led the migration")}


@pytestmark_db
def test_answers_posted_to_a_step_the_role_no_longer_has_are_saved_and_lead_to_the_next_step(alice_client, alice, role):
    draft = draft_for(alice, role)
    skill = role.role_skills.select_related("skill").order_by("order").last().skill
    past_the_end = len(build_steps(list(role.role_skills.select_related("skill")))) + 1
    response = alice_client.post(
        reverse("assessments:step", args=[draft.pk, past_the_end]), {f"level-{skill.slug}": "3"}, follow=True
    )
    assert draft.ratings.get().level == 3 and draft.ratings.get().skill_id == skill.pk
    assert response.redirect_chain[0][0] == reverse("assessments:take", args=[draft.pk])
    assert "This guide's steps have changed; your answers are saved." in html.unescape(response.content.decode())


@pytestmark_db
def test_a_step_that_mixes_required_and_differentiating_skills_labels_each(alice_client, alice, role, skills):
    skills[3].category = skills[0].category  # the differentiating skill joins the required ones' area
    skills[3].save()
    draft = draft_for(alice, role)
    body = step_page(alice_client, draft)
    kinds = [rs.kind for rs in build_steps(list(role.role_skills.select_related("skill").order_by("order")))[0].items]
    assert kinds.count("required") and kinds.count("differentiating"), "one area mixes both"
    assert body.count('data-testid="skill-kind">Required<') == kinds.count("required")
    assert body.count('data-testid="skill-kind">Sets strong candidates apart<') == kinds.count("differentiating")
    n = kinds.count("differentiating")
    assert f"{kinds.count('required')} required skills and {n} that set{'s' if n == 1 else ''} strong" in body
