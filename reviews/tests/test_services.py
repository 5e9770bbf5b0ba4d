"""Writes and reads of second opinions, through the services and selectors production uses."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import delete_user_account, export_user_data
from accounts.tests.factories import UserFactory
from assessments import services as assessment_services
from assessments.fit import compute_role_fit
from assessments.reports import build_report
from assessments.tests.factories import draft_for
from careerpath.owner import Owner
from reviews import selectors, services
from reviews.models import Calibration, Review, ReviewRating, ReviewRequest
from reviews.services import CalibrationInput, ReviewRatingInput

from .factories import request_for, review_of


def build_report_on(assessment, basis):
    return selectors.report_on_basis(assessment, basis)


pytestmark = pytest.mark.django_db


def rows():
    return (
        list(ReviewRequest.objects.order_by("pk").values_list("pk", "reviewer_id", "taken_at", "revoked_at")),
        list(Review.objects.order_by("pk").values_list("pk", "status", "overall_comment")),
        list(ReviewRating.objects.order_by("pk").values_list("pk", "skill_slug", "level", "comment")),
        list(Calibration.objects.order_by("pk").values_list("pk", "skill_slug", "level", "note")),
    )


def expire(review_request):
    now = timezone.now()
    ReviewRequest.objects.filter(pk=review_request.pk).update(
        created_at=now - timedelta(days=15), expires_at=now - timedelta(seconds=1)
    )


# --- requesting --------------------------------------------------------------------------


def test_a_request_covers_every_skill_by_default_with_a_long_token_and_a_14_day_expiry(submitted, slugs):
    review_request, token = services.request_review(assessment=submitted, display_name="A")
    assert review_request.skills == slugs
    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert review_request.token_digest == hashlib.sha256(token.encode()).hexdigest()  # the token is not kept
    expires = timezone.localtime(review_request.expires_at)
    assert (expires.hour, expires.minute, expires.second) == (0, 0, 0)  # at midnight, as a day begins
    assert expires.date() == timezone.localdate() + timedelta(days=15)  # after 14 whole days
    assert not review_request.show_evidence


def test_a_request_keeps_the_chosen_skills_in_the_roles_order(submitted, slugs):
    assert request_for(submitted, skills=[slugs[2], slugs[0]]).skills == [slugs[0], slugs[2]]


@pytest.mark.parametrize("skills", [[], ["no-such-skill"]])
def test_a_request_with_no_or_unknown_skills_is_refused_and_saves_nothing(submitted, skills):
    with pytest.raises((services.NoSkills, services.UnknownSkill)):
        request_for(submitted, skills=skills)
    assert ReviewRequest.objects.count() == 0


def test_a_draft_cannot_be_reviewed(alice, role):
    with pytest.raises(services.NotSubmitted):
        request_for(draft_for(alice, role))
    assert ReviewRequest.objects.count() == 0


def test_a_teammate_request_is_for_the_named_person_only(submitted, bob, carol, team):
    review_request, token = services.request_review(assessment=submitted, display_name="A", invitee=carol)
    assert token is None and review_request.token_digest is None  # no link: carol takes it from her dashboard
    before = rows()
    with pytest.raises(services.NotForYou):
        services.take_request(review_request=review_request, user=bob)
    assert rows() == before
    review, created = services.take_request(review_request=review_request, user=carol)
    assert created and review.reviewer == carol
    assert selectors.invitations_for(carol) == []  # taken: no longer open


def test_nobody_can_invite_themselves(submitted, alice):
    with pytest.raises(services.OwnAssessment):
        services.request_review(assessment=submitted, display_name="A", invitee=alice)


def test_only_a_teammate_can_be_asked_by_name_and_a_refusal_saves_nothing(submitted, bob, team):
    before = rows()
    with pytest.raises(services.NotATeammate):
        services.request_review(assessment=submitted, display_name="A", invitee=bob)
    assert rows() == before


# --- taking a link -------------------------------------------------------------------------


def test_the_owner_cannot_take_their_own_link(submitted, alice):
    review_request = request_for(submitted)
    before = rows()
    with pytest.raises(services.OwnAssessment):
        services.take_request(review_request=review_request, user=alice)
    assert rows() == before


def test_a_link_is_single_use(submitted, bob, carol):
    review_request = request_for(submitted)
    review, created = services.take_request(review_request=review_request, user=carol)
    assert created
    again, created = services.take_request(review_request=review_request, user=carol)
    assert again == review and not created
    before = rows()
    with pytest.raises(services.LinkUsed):
        services.take_request(review_request=ReviewRequest.objects.get(pk=review_request.pk), user=bob)
    assert rows() == before


def test_an_expired_link_cannot_be_taken(submitted, carol):
    review_request = request_for(submitted)
    expire(review_request)
    review_request.refresh_from_db()
    before = rows()
    with pytest.raises(services.LinkExpired):
        services.take_request(review_request=review_request, user=carol)
    assert rows() == before
    assert review_request.state == ReviewRequest.State.EXPIRED


def test_a_revoked_link_cannot_be_taken_and_revoking_removes_a_draft(submitted, bob, carol):
    first = request_for(submitted)
    draft, _ = services.take_request(review_request=first, user=carol)
    services.revoke_request(review_request=first)
    assert not Review.objects.filter(pk=draft.pk).exists()
    second = services.revoke_request(review_request=request_for(submitted))
    before = rows()
    with pytest.raises(services.LinkRevoked):
        services.take_request(review_request=second, user=bob)
    assert rows() == before


def test_an_answered_request_cannot_be_revoked(submitted, carol):
    review = review_of(submitted, carol)
    before = rows()
    with pytest.raises(services.AlreadyAnswered):
        services.revoke_request(review_request=review.request)
    assert rows() == before


# --- rating ---------------------------------------------------------------------------------


@pytest.fixture
def draft_review(submitted, carol, slugs):
    review, _ = services.take_request(review_request=request_for(submitted, skills=slugs[:2]), user=carol)
    return review


@pytest.mark.parametrize("level", [-1, 6, 99, True, "3", None])
def test_a_level_out_of_range_is_refused_and_saves_nothing(draft_review, slugs, level):
    services.save_review(review=draft_review, ratings=[ReviewRatingInput(slugs[0], 2)])
    before = rows()
    with pytest.raises(services.LevelOutOfRange):
        services.save_review(
            review=draft_review, ratings=[ReviewRatingInput(slugs[1], 1), ReviewRatingInput(slugs[0], level)]
        )
    assert rows() == before


def test_a_skill_not_in_the_request_is_refused_and_saves_nothing(draft_review, slugs):
    before = rows()
    with pytest.raises(services.UnknownSkill):
        services.save_review(
            review=draft_review, ratings=[ReviewRatingInput(slugs[0], 1), ReviewRatingInput(slugs[3], 2)]
        )
    assert rows() == before


def test_submitting_needs_every_requested_skill_and_then_is_read_only(draft_review, slugs):
    services.save_review(review=draft_review, ratings=[ReviewRatingInput(slugs[0], 2)])
    with pytest.raises(services.ReviewNotComplete):
        services.submit_review(review=draft_review)
    services.save_review(review=draft_review, ratings=[ReviewRatingInput(slugs[1], 4, "Led the migration")])
    review, submitted_now = services.submit_review(review=draft_review)
    assert submitted_now and review.is_submitted
    assert services.submit_review(review=draft_review)[1] is False  # a double click submits once
    before = rows()
    with pytest.raises(services.ReviewSubmitted):
        services.save_review(review=draft_review, ratings=[ReviewRatingInput(slugs[0], 5)])
    assert rows() == before


# --- the basis, the plan and role fit --------------------------------------------------------


def test_ratings_on_each_basis(submitted, carol, slugs):
    mine = {slugs[0]: 3, slugs[1]: 3, slugs[2]: 1, slugs[3]: 2}
    assert selectors.ratings_on_basis(submitted, "self") == mine
    assert selectors.ratings_on_basis(submitted, "calibrated") == mine  # nothing calibrated yet: self
    assert selectors.ratings_on_basis(submitted, "reviewer") == mine  # no review yet
    review_of(submitted, carol, skills=slugs[:3], levels={slugs[0]: 1, slugs[1]: 4, slugs[2]: 3})
    assert selectors.ratings_on_basis(submitted, "reviewer") == {slugs[0]: 1, slugs[1]: 4, slugs[2]: 3, slugs[3]: 2}
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 2, "Reviewer saw more")])
    assert selectors.ratings_on_basis(submitted, "calibrated") == {**mine, slugs[2]: 2}
    assert selectors.default_basis(submitted) == "calibrated"
    with pytest.raises(ValueError):
        selectors.ratings_on_basis(submitted, "mood")


def test_the_report_on_a_basis_is_the_pure_scoring_of_those_ratings(submitted, carol, slugs):
    review_of(submitted, carol, level=3)
    report = selectors.report_on_basis(submitted, "reviewer")
    expected = build_report({**submitted.snapshot, "ratings": {s: {"level": 3, "evidence": ""} for s in slugs}})
    assert report.readiness == expected.readiness
    assert report.readiness != selectors.report_on_basis(submitted, "self").readiness


def test_calibrations_refuse_bad_levels_and_unknown_skills_and_save_nothing(submitted, slugs):
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[0], 2, "first")])
    before = rows()
    for bad in ([CalibrationInput(slugs[1], 6)], [CalibrationInput(slugs[1], 2), CalibrationInput("nope", 2)]):
        with pytest.raises((services.LevelOutOfRange, services.UnknownSkill)):
            services.save_calibrations(assessment=submitted, calibrations=bad)
    assert rows() == before


def test_a_new_plan_uses_the_calibrated_ratings(submitted, slugs):
    # self: slug2 rated 1 (gap 2), calibrated to 3: no gap, so no plan item for it
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3)])
    plan, _ = assessment_services.create_plan(assessment=submitted)
    assert slugs[2] not in {i.skill.slug for i in plan.items.select_related("skill")}


def test_calibrating_rebuilds_the_plans_gaps_and_keeps_what_was_typed(submitted, slugs):
    # self: slug0 3 (no gap), slug2 1 (gap 2); calibrated: slug0 to 2 (a new gap), slug2 to 2 (gap 1)
    plan, _ = assessment_services.create_plan(assessment=submitted)
    item = plan.items.get(skill__slug=slugs[2])
    assessment_services.update_plan_item(
        item=item, action="Pair with Sam", target_date=None, notes="weekly", status="in_progress"
    )
    services.save_calibrations(
        assessment=submitted, calibrations=[CalibrationInput(slugs[0], 2), CalibrationInput(slugs[2], 2)]
    )
    items = {i.skill.slug: i for i in plan.items.select_related("skill")}
    expected = build_report_on(submitted, "calibrated")
    assert [i.skill.slug for i in sorted(items.values(), key=lambda i: i.order)] == [g.slug for g in expected.gaps]
    kept = items[slugs[2]]
    assert (kept.current_level, kept.action, kept.notes, kept.status) == (2, "Pair with Sam", "weekly", "in_progress")
    assert kept.events.filter(text__startswith="Calibrated ratings of your report of").exists()
    assert items[slugs[0]].current_level == 2 and items[slugs[0]].status == "not_started"


def test_calibrating_a_gap_closed_marks_its_item_done(submitted, slugs):
    plan, _ = assessment_services.create_plan(assessment=submitted)
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3)])
    item = plan.items.get(skill__slug=slugs[2])
    assert item.status == "done"
    assert item.events.filter(text__contains="on the calibrated ratings of your report").exists()


def test_role_fit_uses_the_calibrated_level_of_the_latest_rating(alice, submitted, slugs):
    before = {f.slug: f for f in compute_role_fit(alice).ranked}
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3)])
    after = {f.slug: f for f in compute_role_fit(alice).ranked}
    role_slug = submitted.role.slug
    assert after[role_slug].readiness > before[role_slug].readiness


def test_saving_a_calibration_retires_the_owners_cached_pages(alice, submitted, slugs):
    from careerpath.pagecache import owner_key

    before = owner_key(Owner.of_user(alice).scope)
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[0], 1)])
    assert owner_key(Owner.of_user(alice).scope) != before


# --- calibration over time, privacy, accounts ------------------------------------------------


def test_tendencies_need_two_reviews(alice, submitted, slugs):
    review_of(submitted, level=2)  # self 3, 3, 1, 2 vs 2 -> +1, +1, -1, 0
    assert selectors.tendencies_for(alice) == (1, [])
    review_of(submitted, level=2)
    count, (tendency,) = selectors.tendencies_for(alice)
    assert count == 2
    assert tendency.category == "General" and str(tendency.mean_difference) == "0.3"  # (1+1-1+0)*2/8 = 0.25


def test_the_owner_can_delete_a_review_and_keeps_their_calibrations(submitted, carol, slugs):
    review = review_of(submitted, carol)
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[0], 2)])
    services.delete_review(review=review)
    assert not Review.objects.exists() and not ReviewRating.objects.exists()
    assert Calibration.objects.count() == 1


def test_both_sides_find_the_review_in_their_data_download(alice, submitted, carol, slugs):
    review_of(submitted, carol, levels={slugs[0]: 5}, comments={slugs[0]: "Ran the on-call rota"})
    mine = export_user_data(user=alice)["reviews"]
    assert mine["received"][0]["ratings"][0] == {
        "skill": slugs[0],
        "skill_name": submitted.snapshot["skills"][0]["name"],
        "level": 5,
        "not_seen": False,
        "comment": "Ran the on-call rota",
    }
    assert len(mine["requested"]) == 1 and mine["given"] == []
    theirs = export_user_data(user=carol)["reviews"]
    assert theirs["given"][0]["ratings"][0]["level"] == 5
    assert theirs["received"] == [] and theirs["requested"] == [] and theirs["calibrations"] == []
    assert "evidence" not in repr(theirs) and "alice" not in repr(theirs)


def test_deleting_the_reviewers_account_leaves_the_owner_only_their_own(alice, submitted, carol, slugs):
    review_of(submitted, carol)
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[0], 2, "mine")])
    delete_user_account(user=carol)
    assert not Review.objects.exists() and not ReviewRating.objects.exists()
    assert Calibration.objects.get().note == "mine"
    assert ReviewRequest.objects.get().state == ReviewRequest.State.CLOSED
    assert export_user_data(user=alice)["reviews"]["received"] == []


def test_deleting_the_owners_account_leaves_the_reviewer_nothing_of_theirs(alice, submitted, carol):
    review_of(submitted, carol)
    other = review_of(submitted, UserFactory(), submit=False)
    delete_user_account(user=alice)
    assert not ReviewRequest.objects.exists() and not Review.objects.exists() and not ReviewRating.objects.exists()
    assert export_user_data(user=carol)["reviews"]["given"] == []
    assert other.reviewer.pk  # the other reviewer's account is untouched


def test_a_retake_carries_the_calibrated_levels_over_and_marks_them(submitted, slugs):
    services.save_calibrations(assessment=submitted, calibrations=[CalibrationInput(slugs[2], 3)])
    draft, created = assessment_services.retake_assessment(assessment=submitted)
    assert created
    carried = {r.skill.slug: r for r in draft.ratings.select_related("skill")}
    assert (carried[slugs[2]].level, carried[slugs[2]].prefilled_calibrated) == (3, True)
    assert (carried[slugs[0]].level, carried[slugs[0]].prefilled_calibrated) == (3, False)
    assert all(r.is_prefilled for r in carried.values())
