"""A role that is unpublished can no longer be started, retaken or continued, except by staff.

The penetration test's finding: alice submitted an assessment; an editor then unpublished the role and
added "SECRET-DRAFT-SKILL" to it. `POST /assessments/<pk>/retake/` gave alice a new draft whose step 1
showed the secret skill, and existing drafts kept following the unpublished edits.

Now a retake (or start) of an unpublished role is a 404, as `/roles/<slug>/` is. An existing draft
answers every taking URL with one page, 410 Gone: "This role is no longer offered", with the draft's
own saved ratings and nothing of the role's later content; the autosave endpoint answers a JSON
error with the same words. Nothing is saved, submitted or confirmed. Staff keep their preview.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for, submitted_for
from roles.tests.factories import RoleSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db

SECRET = "SECRET-DRAFT-SKILL"
NOT_OFFERED = "This role is no longer offered"


def unpublish_and_add_secret(role):
    role.is_published = False
    role.save()
    secret = SkillFactory(name=SECRET, slug="secret-draft-skill")
    RoleSkillFactory(role=role, skill=secret, order=0, target=5)
    return secret


def state():
    return {
        "assessments": list(Assessment.objects.order_by("pk").values_list("pk", "status", "updated_at", "retake_of")),
        "ratings": list(
            Rating.objects.order_by("pk").values_list("pk", "assessment_id", "skill_id", "level", "evidence")
        ),
    }


@pytest.fixture
def alices_draft(alice, role, skills):
    draft = draft_for(alice, role, levels={skills[0].slug: 2})
    Rating.objects.filter(assessment=draft, skill=skills[0]).update(evidence="Built the nightly pipeline")
    return draft


# --- starting and retaking ----------------------------------------------------------------------


def test_retaking_a_report_of_an_unpublished_role_is_a_404_and_makes_no_draft(alice, alice_client, role):
    report = submitted_for(alice, role, level=3)
    unpublish_and_add_secret(role)
    before = state()

    response = alice_client.post(reverse("assessments:retake", args=[report.pk]))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert state() == before


def test_staff_may_still_retake_an_unpublished_role_as_a_preview(staff, staff_client, role):
    report = submitted_for(staff, role, level=3)
    unpublish_and_add_secret(role)
    response = staff_client.post(reverse("assessments:retake", args=[report.pk]))
    assert response.status_code == 302
    draft = Assessment.objects.drafts().get(user=staff, role=role)
    assert draft.retake_of_id == report.pk
    assert SECRET in staff_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()


def test_a_visitor_cannot_start_an_unpublished_role(client, role):
    role.is_published = False
    role.save()
    assert client.post(reverse("assessments:start", args=[role.slug])).status_code == 404
    assert not Assessment.objects.exists()


def test_the_start_service_refuses_an_unpublished_role_for_anyone_but_staff(alice, staff, role):
    role.is_published = False
    role.save()
    with pytest.raises(services.RoleNotOffered):
        services.start_assessment(role=role, user=alice)
    with pytest.raises(services.RoleNotOffered):
        services.start_assessment(role=role, session_key="visitor-session")
    assert not Assessment.objects.exists()
    draft, created = services.start_assessment(role=role, user=staff)
    assert created and draft.is_draft


# --- an existing draft ------------------------------------------------------------------------------


def take_urls(pk):
    """Every URL that takes a draft forward: (method, url, data)."""
    return [
        ("get", reverse("assessments:take", args=[pk]), None),
        ("get", reverse("assessments:step", args=[pk, 1]), None),
        ("post", reverse("assessments:step", args=[pk, 1]), {"level-secret-draft-skill": "5", "continue": "1"}),
        ("get", reverse("assessments:review", args=[pk]), None),
        ("post", reverse("assessments:confirm", args=[pk]), {}),
        ("post", reverse("assessments:submit", args=[pk]), {}),
    ]


@pytest.mark.parametrize("index", range(6))
def test_each_taking_url_of_a_draft_says_the_role_is_no_longer_offered(alice_client, alices_draft, skills, index):
    unpublish_and_add_secret(alices_draft.role)
    before = state()
    method, url, data = take_urls(alices_draft.pk)[index]

    response = getattr(alice_client, method)(url, data)

    assert response.status_code == 410, (method, url)
    html = response.content.decode()
    assert NOT_OFFERED in html
    assert SECRET not in html, "nothing the role gained after it was unpublished"
    assert skills[0].name in html and "2 — Beginner" in html and "Built the nightly pipeline" in html
    assert skills[1].name not in html, "only the draft's own ratings, not the role's other skills"
    assert state() == before


def test_autosave_of_a_draft_of_an_unpublished_role_is_a_clear_json_error(alice_client, alices_draft, skills):
    secret = unpublish_and_add_secret(alices_draft.role)
    before = state()
    for slug in (skills[0].slug, secret.slug):
        response = alice_client.post(reverse("assessments:rate", args=[alices_draft.pk]), {"skill": slug, "level": 4})
        assert response.status_code == 410
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        assert body["saved"] is False and NOT_OFFERED in body["error"]
    assert state() == before


def test_a_visitors_draft_of_an_unpublished_role_says_so_too(role, skills):
    visitor = Client()
    response = visitor.post(reverse("assessments:start", args=[role.slug]))
    draft = Assessment.objects.get()
    visitor.post(reverse("assessments:rate", args=[draft.pk]), {"skill": skills[0].slug, "level": 1})
    unpublish_and_add_secret(role)
    before = state()

    response = visitor.get(reverse("assessments:step", args=[draft.pk, 1]))

    assert response.status_code == 410
    html = response.content.decode()
    assert NOT_OFFERED in html and skills[0].name in html and SECRET not in html
    assert reverse("assessments:delete", args=[draft.pk]) not in html, "deleting is for members"
    rate = visitor.post(reverse("assessments:rate", args=[draft.pk]), {"skill": skills[0].slug, "level": 4})
    assert rate.status_code == 410
    assert state() == before


def test_the_page_offers_a_way_on_and_deleting_still_works(alice_client, alices_draft):
    unpublish_and_add_secret(alices_draft.role)
    html = alice_client.get(reverse("assessments:take", args=[alices_draft.pk])).content.decode()
    assert reverse("roles:list") in html and reverse("assessments:dashboard") in html
    delete = reverse("assessments:delete", args=[alices_draft.pk])
    assert delete in html
    assert alice_client.post(delete).status_code == 302
    assert not Assessment.objects.filter(pk=alices_draft.pk).exists()


def test_staff_continue_their_own_draft_of_an_unpublished_role(staff, staff_client, role, skills):
    draft = draft_for(staff, role)
    unpublish_and_add_secret(role)
    assert SECRET in staff_client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    response = staff_client.post(
        reverse("assessments:rate", args=[draft.pk]), {"skill": "secret-draft-skill", "level": 5}
    )
    assert response.status_code == 200 and json.loads(response.content)["saved"] is True


def test_bob_still_gets_404_for_alices_draft_of_an_unpublished_role(bob_client, alices_draft):
    unpublish_and_add_secret(alices_draft.role)
    for method, url, data in take_urls(alices_draft.pk):
        assert getattr(bob_client, method)(url, data).status_code == 404


def test_the_submit_service_refuses_to_freeze_an_unpublished_role(alice, role, skills):
    draft = draft_for(alice, role, levels={s.slug: 3 for s in skills})
    role.is_published = False
    role.save()
    with pytest.raises(services.RoleNotOffered):
        services.submit_assessment(assessment=draft)
    draft.refresh_from_db()
    assert draft.is_draft and draft.snapshot is None


@pytest.mark.django_db(transaction=True)  # the content revision moves when a transaction commits
def test_a_step_page_cached_before_the_role_was_unpublished_is_not_served_after(alice_client, alices_draft):
    step = reverse("assessments:step", args=[alices_draft.pk, 1])
    assert alice_client.get(step).status_code == 200  # stored
    unpublish_and_add_secret(alices_draft.role)
    response = alice_client.get(step)
    assert response.status_code == 410
    assert SECRET not in response.content.decode()
