"""The assessment journey through Django's test client: start, save, resume, submit, retake."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Rating
from assessments.steps import build_steps, first_unrated_step
from assessments.tests.factories import draft_for, submitted_for
from roles.models import RoleSkill, SkillKind
from roles.tests.factories import RoleFactory, RoleSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db


def step_url(assessment, number=1):
    return reverse("assessments:step", args=[assessment.pk, number])


def start(client, role):
    response = client.post(reverse("assessments:start", args=[role.slug]))
    assert response.status_code == 302
    return Assessment.objects.latest("id")


def levels(assessment):
    return {r.skill.slug: r.level for r in assessment.ratings.select_related("skill")}


# --- starting and resuming --------------------------------------------------------------


def test_assess_yourself_starts_a_draft_and_opens_the_first_step(alice_client, alice, role):
    response = alice_client.post(reverse("assessments:start", args=[role.slug]))
    assessment = Assessment.objects.get(user=alice)
    assert response["Location"] == reverse("assessments:take", args=[assessment.pk])
    resumed = alice_client.get(response["Location"])
    assert resumed["Location"] == step_url(assessment, 1)


def test_assess_yourself_again_resumes_the_open_draft(alice_client, alice, role):
    start(alice_client, role)
    start(alice_client, role)
    assert Assessment.objects.filter(user=alice).count() == 1


def test_start_is_post_only(alice_client, role):
    assert alice_client.get(reverse("assessments:start", args=[role.slug])).status_code == 405


def test_an_unpublished_role_cannot_be_started(alice_client):
    hidden = RoleFactory(is_published=False)
    assert alice_client.post(reverse("assessments:start", args=[hidden.slug])).status_code == 404


def test_step_page_has_a_fieldset_per_skill_with_numbered_level_labels(alice_client, alice, role, skills):
    assessment = start(alice_client, role)
    body = alice_client.get(step_url(assessment)).content.decode()
    assert body.count("<fieldset") == 3  # the three required skills, one category
    assert f">{skills[0].name}</legend>" in body
    assert "3 — Practitioner" in body
    assert "0 of 4 rated" in " ".join(body.split()).replace("<strong data-progress-rated>", "").replace(
        "</strong>", ""
    ).replace("<span data-progress-total>", "").replace("</span>", "")


def test_save_and_continue_saves_the_step_and_moves_on(alice_client, alice, role, skills):
    assessment = start(alice_client, role)
    data = {f"level-{s.slug}": 2 for s in skills[:3]} | {
        f"evidence-{skills[0].slug}": "Shipped a pipeline",
        "continue": "1",
    }
    response = alice_client.post(step_url(assessment), data)
    assert response["Location"] == step_url(assessment, 2)
    assert levels(assessment) == {s.slug: 2 for s in skills[:3]}
    assert assessment.ratings.get(skill=skills[0]).evidence == "Shipped a pipeline"


def test_save_and_exit_goes_to_the_dashboard_which_lists_the_draft(alice_client, alice, role, skills):
    assessment = start(alice_client, role)
    response = alice_client.post(step_url(assessment), {f"level-{skills[0].slug}": 1, "exit": "1"})
    assert response["Location"] == reverse("assessments:dashboard")
    body = alice_client.get(reverse("assessments:dashboard")).content.decode()
    assert role.title in body
    assert "25%" in body  # 1 of 4 rated
    assert reverse("assessments:take", args=[assessment.pk]) in body


def test_resume_opens_the_first_step_with_an_unrated_skill(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {s.slug: 3 for s in skills[:3]})
    response = alice_client.get(reverse("assessments:take", args=[assessment.pk]))
    assert response["Location"] == step_url(assessment, 2)


def test_resume_with_everything_rated_opens_the_review(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {s.slug: 3 for s in skills})
    response = alice_client.get(reverse("assessments:take", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:review", args=[assessment.pk])


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["7", "-1", "three", "2.5", ""])
def test_a_bad_level_on_a_step_is_a_form_error_and_saves_nothing(alice_client, alice, role, skills, bad):
    assessment = draft_for(alice, role, {skills[1].slug: 4})
    data = {f"level-{skills[0].slug}": bad, f"level-{skills[1].slug}": 1, "continue": "1"}
    if bad == "":
        data[f"evidence-{skills[0].slug}"] = "a note with no level"
    response = alice_client.post(step_url(assessment), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert levels(assessment) == {skills[1].slug: 4}


def test_an_evidence_note_over_the_limit_is_a_form_error_and_saves_nothing(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {skills[0].slug: 2})
    data = {f"level-{skills[0].slug}": 3, f"evidence-{skills[0].slug}": "x" * 1001, "continue": "1"}
    response = alice_client.post(step_url(assessment), data)
    assert response.status_code == 200
    assert "1,000 characters" in response.content.decode()
    assert levels(assessment) == {skills[0].slug: 2}


def test_step_0_is_404_and_a_step_past_the_last_leads_to_the_next_step_to_do(alice_client, alice, role):
    assessment = draft_for(alice, role)
    assert alice_client.get(step_url(assessment, 0)).status_code == 404
    past_the_end = alice_client.get(step_url(assessment, 99))
    assert past_the_end.status_code == 302
    assert past_the_end["Location"] == reverse("assessments:take", args=[assessment.pk])


def test_fields_for_skills_outside_the_step_are_ignored(alice_client, alice, role, skills):
    assessment = draft_for(alice, role)
    other = SkillFactory()
    alice_client.post(step_url(assessment), {f"level-{other.slug}": 3, f"level-{skills[0].slug}": 2, "continue": "1"})
    assert levels(assessment) == {skills[0].slug: 2}


# --- autosave -------------------------------------------------------------------------------


def test_autosave_saves_one_rating_and_reports_progress(alice_client, alice, role, skills):
    assessment = draft_for(alice, role)
    response = alice_client.post(
        reverse("assessments:rate", args=[assessment.pk]), {"skill": skills[0].slug, "level": 4, "evidence": "Led it"}
    )
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert response.json()["rated"] == 1 and response.json()["total"] == 4
    assert levels(assessment) == {skills[0].slug: 4}


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"level": 9}, 400),
        ({"level": "abc"}, 400),
        ({"level": 3, "skill": "not-in-this-role"}, 400),
        ({"level": 3, "evidence": "y" * 1001}, 400),
        ({}, 400),
    ],
)
def test_autosave_rejects_bad_input_and_keeps_earlier_ratings(alice_client, alice, role, skills, data, status):
    assessment = draft_for(alice, role, {skills[0].slug: 2})
    payload = {"skill": skills[0].slug, **data} if data else {}
    response = alice_client.post(reverse("assessments:rate", args=[assessment.pk]), payload)
    assert response.status_code == status
    assert response.json()["saved"] is False
    assert levels(assessment) == {skills[0].slug: 2}


def test_autosave_on_a_submitted_assessment_is_refused_with_a_clear_message(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role, level=3)
    response = alice_client.post(
        reverse("assessments:rate", args=[assessment.pk]), {"skill": skills[0].slug, "level": 1}
    )
    assert response.status_code == 409
    assert "read-only" in response.json()["error"]
    assert Rating.objects.get(assessment=assessment, skill=skills[0]).level == 3


def test_autosave_without_a_csrf_token_is_refused(alice, role, skills):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assessment = draft_for(alice, role)
    response = client.post(reverse("assessments:rate", args=[assessment.pk]), {"skill": skills[0].slug, "level": 3})
    assert response.status_code == 403
    assert not assessment.ratings.exists()


# --- ownership --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["take", "step", "review", "rate", "delete"])
def test_bob_gets_404_for_alices_draft(bob_client, alice, role, skills, name):
    assessment = draft_for(alice, role, {skills[0].slug: 2})
    args = [assessment.pk, 1] if name == "step" else [assessment.pk]
    url = reverse(f"assessments:{name}", args=args)
    response = bob_client.post(url, {"skill": skills[0].slug, "level": 5}) if name == "rate" else bob_client.get(url)
    assert response.status_code == 404
    assert levels(assessment) == {skills[0].slug: 2}


def test_a_visitor_gets_404_for_a_users_draft(client, alice, role):
    assessment = draft_for(alice, role)
    assert client.get(step_url(assessment)).status_code == 404


# --- visitors ---------------------------------------------------------------------------------


def test_a_visitor_can_start_and_rate_and_keeps_the_draft_on_signup(client, role, skills):
    assessment = start(client, role)
    assert assessment.user is None
    client.post(step_url(assessment), {f"level-{skills[0].slug}": 4, f"level-{skills[1].slug}": 1, "continue": "1"})
    signup = {
        "username": "erin",
        "email": "erin@example.com",
        "password1": "a-long-safe-passphrase",
        "password2": "a-long-safe-passphrase",
    }
    client.post(reverse("account_signup"), signup)
    assessment.refresh_from_db()
    assert assessment.user.username == "erin"
    assert levels(assessment) == {skills[0].slug: 4, skills[1].slug: 1}
    assert "Data Wrangler" in client.get(reverse("assessments:dashboard")).content.decode()


def test_a_visitor_draft_is_kept_when_they_log_in(client, role, skills):
    from accounts.tests.factories import PASSWORD, UserFactory

    frank = UserFactory(username="frank")
    assessment = start(client, role)
    client.post(reverse("assessments:rate", args=[assessment.pk]), {"skill": skills[2].slug, "level": 3})
    client.post(reverse("account_login"), {"login": "frank", "password": PASSWORD})
    assessment.refresh_from_db()
    assert assessment.user == frank
    assert levels(assessment) == {skills[2].slug: 3}


def test_a_visitor_cannot_submit(client, role, skills):
    assessment = start(client, role)
    client.post(step_url(assessment), {f"level-{s.slug}": 3 for s in skills[:3]} | {"continue": "1"})
    client.post(step_url(assessment, 2), {f"level-{skills[3].slug}": 3, "continue": "1"})
    response = client.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assessment.refresh_from_db()
    assert assessment.is_draft


# --- submitting -------------------------------------------------------------------------------


def test_submit_with_unrated_skills_is_refused_and_nothing_changes(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {skills[0].slug: 3})
    response = alice_client.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_draft


def test_submit_freezes_and_shows_the_report(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {s.slug: 3 for s in skills})
    response = alice_client.post(reverse("assessments:submit", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:report", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.is_submitted and assessment.snapshot
    assert alice_client.get(response["Location"]).status_code == 200


def test_a_submitted_assessment_step_redirects_to_the_report(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role)
    response = alice_client.post(step_url(assessment), {f"level-{skills[0].slug}": 0, "continue": "1"})
    assert response["Location"] == reverse("assessments:report", args=[assessment.pk])
    assert Rating.objects.get(assessment=assessment, skill=skills[0]).level == 3


def test_retake_opens_a_prefilled_draft_marked_as_carried_over(alice_client, alice, role, skills):
    assessment = submitted_for(alice, role, level=2)
    response = alice_client.post(reverse("assessments:retake", args=[assessment.pk]))
    draft = Assessment.objects.drafts().get(user=alice)
    assert response["Location"] == reverse("assessments:take", args=[draft.pk])
    review = alice_client.get(reverse("assessments:review", args=[draft.pk])).content.decode()
    assert "carried over" in review
    body = alice_client.get(step_url(draft)).content.decode()
    assert "From your earlier assessment" in body


def test_confirm_all_carried_over_ratings(alice_client, alice, role):
    assessment = submitted_for(alice, role, level=2)
    draft, _ = __import__("assessments.services", fromlist=["x"]).retake_assessment(assessment=assessment)
    alice_client.post(reverse("assessments:confirm", args=[draft.pk]))
    assert not draft.ratings.filter(prefilled_at__isnull=False).exists()


# --- role edits while a draft is open -----------------------------------------------------------


def test_a_skill_added_to_the_role_appears_unrated_in_the_draft(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {s.slug: 3 for s in skills})
    new = RoleSkillFactory(role=role, kind=SkillKind.DIFFERENTIATING, target=2)
    review = alice_client.get(reverse("assessments:review", args=[assessment.pk]))
    assert review.context["progress"] == {"rated": 4, "total": 5, "percent": 80}
    assert new.skill.name in review.content.decode()
    resumed = alice_client.get(reverse("assessments:take", args=[assessment.pk]))
    steps = build_steps(list(role.role_skills.select_related("skill").order_by("order", "id")))
    assert resumed["Location"] == step_url(assessment, first_unrated_step(steps, {s.pk for s in skills}))
    assert new in steps[first_unrated_step(steps, {s.pk for s in skills}) - 1].items


def test_a_skill_removed_from_the_role_drops_out_and_the_count_stays_true(alice_client, alice, role, skills):
    assessment = draft_for(alice, role, {skills[0].slug: 3})
    RoleSkill.objects.filter(role=role, skill=skills[0]).delete()
    review = alice_client.get(reverse("assessments:review", args=[assessment.pk]))
    assert review.context["progress"] == {"rated": 0, "total": 3, "percent": 0}
    assert Rating.objects.filter(assessment=assessment, skill=skills[0]).exists()


# --- deleting -------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(alice_client, alice, role):
    assessment = draft_for(alice, role)
    assert alice_client.get(reverse("assessments:delete", args=[assessment.pk])).status_code == 200
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    response = alice_client.post(reverse("assessments:delete", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:dashboard")
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


@pytest.mark.parametrize("current_role", [str(2**64), str(-(2**70)), "99999999999999999999999"])
def test_a_current_role_number_too_long_for_any_row_is_a_form_error_and_submits_nothing(
    alice_client, alice, role, skills, current_role
):
    draft = draft_for(alice, role, levels={s.slug: 3 for s in skills})

    response = alice_client.post(
        reverse("assessments:submit", args=[draft.pk]), {"current_role": current_role}, follow=True
    )

    assert response.redirect_chain == [(reverse("assessments:review", args=[draft.pk]), 302)]
    assert "Choose your current role from the list" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
