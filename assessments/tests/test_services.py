import pytest
from django.db import IntegrityError, transaction

from assessments import services
from assessments.models import Assessment, Rating
from assessments.tests.factories import draft_for, submitted_for
from roles.models import RoleSkill, SkillKind
from roles.tests.factories import RoleFactory, RoleSkillFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_starting_twice_resumes_the_same_draft(alice, role):
    first, created = services.start_assessment(role=role, user=alice)
    again, created_again = services.start_assessment(role=role, user=alice)
    assert created and not created_again
    assert first.pk == again.pk


def test_the_database_allows_one_draft_per_user_and_role(alice, role):
    services.start_assessment(role=role, user=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(user=alice, role=role)


def test_a_submitted_assessment_does_not_block_a_new_draft(alice, role):
    submitted_for(alice, role)
    draft, created = services.start_assessment(role=role, user=alice)
    assert created and draft.is_draft


def test_save_rating_rejects_a_skill_outside_the_role_and_saves_nothing(alice, role):
    draft = draft_for(alice, role)
    stranger = SkillFactory()
    with pytest.raises(services.AssessmentError):
        services.save_rating(assessment=draft, skill=stranger, level=3)
    assert not Rating.objects.filter(assessment=draft).exists()


def test_submit_requires_every_skill_rated(alice, role, skills):
    draft = draft_for(alice, role, {skills[0].slug: 2})
    with pytest.raises(services.NotComplete) as excinfo:
        services.submit_assessment(assessment=draft)
    assert excinfo.value.missing == 3
    draft.refresh_from_db()
    assert draft.is_draft


def test_submit_freezes_skills_targets_weights_and_ratings(alice, role, skills):
    assessment = submitted_for(alice, role, level=2)
    snap = assessment.snapshot
    assert [s["slug"] for s in snap["skills"]] == [s.slug for s in skills]
    assert snap["skills"][0]["target"] == 3
    assert snap["skills"][0]["weight"] == "1.00"
    assert snap["skills"][3]["kind"] == "differentiating"
    assert snap["skills"][3]["weight"] == "0.50"
    assert snap["ratings"][skills[0].slug]["level"] == 2
    assert assessment.submitted_at is not None


def test_editing_the_role_after_submission_leaves_the_snapshot_unchanged(alice, role, skills):
    assessment = submitted_for(alice, role)
    before = dict(assessment.snapshot)
    RoleSkill.objects.filter(role=role).update(target=5)
    RoleSkillFactory(role=role, kind=SkillKind.REQUIRED, target=4)
    assessment.refresh_from_db()
    assert assessment.snapshot == before


def test_submitting_twice_submits_once(alice, role):
    assessment = submitted_for(alice, role)
    first_time = assessment.submitted_at
    again, submitted = services.submit_assessment(assessment=assessment)
    assert not submitted
    assert again.submitted_at == first_time


def test_a_submitted_assessment_refuses_new_ratings(alice, role, skills):
    assessment = submitted_for(alice, role, level=3)
    with pytest.raises(services.AlreadySubmitted):
        services.save_rating(assessment=assessment, skill=skills[0], level=1)
    assert Rating.objects.get(assessment=assessment, skill=skills[0]).level == 3


def test_a_new_assessment_is_prefilled_with_the_latest_rating_of_each_skill(alice, role, skills):
    submitted_for(alice, role, level=2, levels={skills[0].slug: 4})
    draft, _ = services.start_assessment(role=role, user=alice)
    ratings = {r.skill_id: r for r in draft.ratings.all()}
    assert ratings[skills[0].pk].level == 4
    assert ratings[skills[1].pk].level == 2
    assert all(r.is_prefilled for r in ratings.values())


def test_changing_a_prefilled_rating_confirms_it(alice, role, skills):
    submitted_for(alice, role, level=2)
    draft, _ = services.start_assessment(role=role, user=alice)
    rating = services.save_rating(assessment=draft, skill=skills[0], level=3)
    assert not rating.is_prefilled


def test_retake_starts_a_prefilled_draft(alice, role, skills):
    assessment = submitted_for(alice, role, level=1)
    draft, created = services.retake_assessment(assessment=assessment)
    assert created and draft.retake_of_id == assessment.pk
    assert {r.level for r in draft.ratings.all()} == {1}


def test_a_visitor_draft_is_claimed_with_its_ratings(alice, role, skills):
    draft, _ = services.start_assessment(role=role, session_key="visitor-session")
    services.save_rating(assessment=draft, skill=skills[0], level=4)
    assert services.claim_session_drafts(session_key="visitor-session", user=alice) == 1
    draft.refresh_from_db()
    assert draft.user == alice and draft.session_key == ""
    assert draft.ratings.get(skill=skills[0]).level == 4


def test_claiming_merges_into_an_existing_draft_of_the_same_role(alice, role, skills):
    mine = draft_for(alice, role, {skills[0].slug: 1, skills[1].slug: 2})
    visitor, _ = services.start_assessment(role=role, session_key="visitor-session")
    services.save_rating(assessment=visitor, skill=skills[0], level=5)
    services.claim_session_drafts(session_key="visitor-session", user=alice)
    assert not Assessment.objects.filter(pk=visitor.pk).exists()
    levels = {r.skill_id: r.level for r in mine.ratings.all()}
    assert levels == {skills[0].pk: 5, skills[1].pk: 2}


def test_a_skill_removed_from_the_role_keeps_its_rating_but_drops_out_of_the_count(alice, role, skills):
    draft = draft_for(alice, role, {s.slug: 3 for s in skills})
    RoleSkill.objects.filter(role=role, skill=skills[0]).delete()
    assert len(services.current_ratings(draft)) == 3
    assert Rating.objects.filter(assessment=draft, skill=skills[0]).exists()
    submitted, _ = services.submit_assessment(assessment=draft)
    assert skills[0].slug not in submitted.snapshot["ratings"]


def test_progress_counts_only_the_skills_the_role_has_now(alice, role, skills):
    draft = draft_for(alice, role, {skills[0].slug: 3, skills[1].slug: 4})
    other = RoleFactory()
    RoleSkillFactory(role=other, skill=skills[2])  # a skill of another role does not count here
    assert services.progress_counts(draft) == (2, 4)

    RoleSkill.objects.filter(role=role, skill=skills[0]).delete()  # the rating stays, the count drops

    assert draft.ratings.count() == 2
    assert services.progress_counts(draft) == (1, 3)


def test_autosave_by_slug_refuses_a_skill_outside_the_role_and_a_submitted_assessment(alice, role, skills):
    draft = draft_for(alice, role)
    outsider = RoleSkillFactory(role=RoleFactory()).skill
    with pytest.raises(services.UnknownSkill):
        services.autosave_rating(assessment=draft, skill_slug=outsider.slug, level=3)

    rating = services.autosave_rating(assessment=draft, skill_slug=skills[0].slug, level=2, evidence="shipped it")
    assert (rating.level, rating.evidence) == (2, "shipped it")
    services.autosave_rating(assessment=draft, skill_slug=skills[0].slug, level=4)
    assert draft.ratings.get(skill=skills[0]).level == 4 and draft.ratings.count() == 1

    submitted = submitted_for(alice, role)
    with pytest.raises(services.AlreadySubmitted):
        services.autosave_rating(assessment=submitted, skill_slug=skills[0].slug, level=1)
    assert submitted.ratings.get(skill=skills[0]).level == 3
