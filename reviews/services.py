"""Writes for second opinions. Views, admin and tests all go through these functions.

Each is keyword-only and runs in one transaction. Taking a link is one conditional UPDATE
(`... WHERE reviewer IS NULL AND revoked_at IS NULL AND expires_at > now`), so of two people
opening the same link at once exactly one gets it, on PostgreSQL and SQLite alike; the review's
one-to-one with its request makes a second review impossible even so.

Whose cached pages a write reaches is declared once, by each model's `shown_on_pages_of`
(reviews/models.py): a request is on its assessment owner's pages and its invitee's and
reviewer's dashboards, a review and its ratings on the owner's and the reviewer's. Saves, deletes
and bulk writes all tell those owners (assessments/owners.OwnedQuerySet), so nothing here does.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment
from careerpath.tokens import new_token, token_digest
from teams.selectors import teammates_of

from .models import Calibration, Review, ReviewRating, ReviewRequest


class ReviewError(Exception):
    """A write the request's or review's state does not allow; the message is shown to the user."""


class NotSubmitted(ReviewError):
    def __init__(self):
        super().__init__("Submit the assessment first: a reviewer rates a submitted assessment.")


class NoSkills(ReviewError):
    def __init__(self):
        super().__init__("Choose at least one skill for the reviewer to rate.")


class UnknownSkill(ReviewError):
    def __init__(self):
        super().__init__("That skill is not part of this review.")


class LevelOutOfRange(ReviewError):
    def __init__(self):
        super().__init__("Choose a level from 0 to 5.")


class OwnAssessment(ReviewError):
    def __init__(self):
        super().__init__("This is a link to review your own assessment: send it to someone else.")


class LinkRevoked(ReviewError):
    def __init__(self):
        super().__init__("This review link has been withdrawn by the person who sent it.")


class LinkExpired(ReviewError):
    def __init__(self):
        super().__init__("This review link has expired. Ask for a new one.")


class LinkUsed(ReviewError):
    def __init__(self):
        super().__init__("This review link has already been used by another reviewer. Each link is for one person.")


class NotForYou(ReviewError):
    def __init__(self):
        super().__init__("This review request was sent to someone else.")


class NotATeammate(ReviewError):
    def __init__(self):
        super().__init__("Choose someone who is in one of your teams: only a teammate can be asked by name.")


class ReviewSubmitted(ReviewError):
    def __init__(self):
        super().__init__("This review has been submitted and is read-only.")


class ReviewNotComplete(ReviewError):
    """`missing`: the slugs still unanswered, in the request's order; `names`: their skill names."""

    def __init__(self, missing, names):
        self.missing, self.names = missing, names
        listed = ", ".join(names)
        super().__init__(
            f"Not submitted: answer every skill first (a level, or “I haven't seen this”). "
            f"Still unanswered ({len(missing)}): {listed}."
        )


class AlreadyAnswered(ReviewError):
    def __init__(self):
        super().__init__("This request has been answered: delete the review instead.")


@dataclass(frozen=True)
class ReviewRatingInput:
    """A level for one skill, or `not_seen` (the reviewer has not seen it: no level, no opinion)."""

    skill_slug: str
    level: int | None
    comment: str = ""
    not_seen: bool = False


@dataclass(frozen=True)
class CalibrationInput:
    skill_slug: str
    level: int
    note: str = ""


def _touch_owner(assessment_id, now=None):
    """The owner's assessment moves (its `updated_at`); the UPDATE tells its owner, as every write
    to an owned row does (assessments/owners.OwnedQuerySet)."""
    Assessment.objects.filter(pk=assessment_id).update(updated_at=now or timezone.now())


def snapshot_slugs(assessment):
    return [s["slug"] for s in assessment.snapshot["skills"]]


def _check_level(level):
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 5:
        raise LevelOutOfRange()


# --- the owner ---------------------------------------------------------------------------


@transaction.atomic
def request_review(*, assessment, display_name, skills=None, show_evidence=False, invitee=None):
    """A new single-use request for a review of `skills` (slugs; default: every skill) of a
    submitted assessment. `invitee` names the one person who may take it (a teammate request).

    Returns (request, token). The token opens the review link; only its digest is kept
    (careerpath/tokens.py), so now is the one time the link can be shown. A teammate request has
    no link (the token is None): the teammate takes it from their dashboard."""
    if not assessment.is_submitted:
        raise NotSubmitted()
    if invitee is not None and invitee.pk == assessment.user_id:
        raise OwnAssessment()
    if invitee is not None and not (
        assessment.user_id and teammates_of(assessment.user).filter(pk=invitee.pk).exists()
    ):
        raise NotATeammate()
    available = snapshot_slugs(assessment)
    chosen = available if skills is None else [s for s in available if s in set(skills)]
    if skills is not None and set(skills) - set(available):
        raise UnknownSkill()
    if not chosen:
        raise NoSkills()
    token = None if invitee is not None else new_token()
    review_request = ReviewRequest.objects.create(
        assessment=assessment,
        token_digest=None if token is None else token_digest(token),
        display_name=display_name,
        skills=chosen,
        show_evidence=show_evidence,
        invitee=invitee,
    )
    _touch_owner(assessment.pk)
    return review_request, token


@transaction.atomic
def revoke_request(*, review_request):
    """Withdraw a request not yet answered; a reviewer's draft goes with it."""
    locked = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
    if locked.revoked_at is not None:
        return locked
    if Review.objects.filter(request=locked, status=Review.Status.SUBMITTED).exists():
        raise AlreadyAnswered()
    Review.objects.filter(request=locked).delete()
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    _touch_owner(locked.assessment_id)
    return locked


@transaction.atomic
def delete_review(*, review):
    """The owner removes a review they received (its ratings and comments go with it)."""
    assessment_id = review.request.assessment_id
    Review.objects.filter(pk=review.pk).delete()
    _touch_owner(assessment_id)


@transaction.atomic
def save_calibrations(*, assessment, calibrations):
    """Set the owner's calibrated level (and note) for some skills of their submitted assessment; the
    plan made from it takes the calibrated gaps, keeping what was typed (assessments.services)."""
    if not assessment.is_submitted:
        raise NotSubmitted()
    allowed = set(snapshot_slugs(assessment))
    for item in calibrations:
        if item.skill_slug not in allowed:
            raise UnknownSkill()
        _check_level(item.level)
    rows = [
        Calibration(
            assessment=assessment, skill_slug=i.skill_slug, level=i.level, note=i.note, updated_at=timezone.now()
        )
        for i in calibrations
    ]
    Calibration.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["assessment", "skill_slug"],
        update_fields=["level", "note", "updated_at"],
    )
    _touch_owner(assessment.pk)
    assessment_services.rebuild_plan_gaps(assessment=assessment)  # the plan follows the calibrated gaps
    return len(rows)


# --- the reviewer ------------------------------------------------------------------------


def _refusal(review_request, user):
    """Why `user` may not take this request now, or None."""
    if review_request.assessment.user_id == user.pk:
        return OwnAssessment()
    if review_request.revoked_at is not None:
        return LinkRevoked()
    if review_request.reviewer_id is not None and review_request.reviewer_id != user.pk:
        return LinkUsed()
    if review_request.reviewer_id is None and review_request.taken_at is not None:
        return LinkUsed()  # taken by someone whose account is gone
    if review_request.invitee_id is not None and review_request.invitee_id != user.pk:
        return NotForYou()
    if review_request.reviewer_id is None and review_request.is_expired:
        return LinkExpired()
    return None


def check_link(*, review_request, user):
    """Raise the ReviewError that stops `user` taking this request, if any (reads only)."""
    refusal = _refusal(review_request, user)
    if refusal is not None:
        raise refusal


@transaction.atomic
def take_request(*, review_request, user):
    """`user` takes the link: it becomes theirs alone and a draft review is made. Returns
    (review, created); taking a link you already took returns your review."""
    check_link(review_request=review_request, user=user)
    if review_request.reviewer_id == user.pk:
        existing = Review.objects.filter(request=review_request).first()
        if existing is not None:
            return existing, False
        raise LinkUsed()  # the owner deleted the review: the link is spent
    now = timezone.now()
    taken = ReviewRequest.objects.filter(
        pk=review_request.pk, reviewer__isnull=True, taken_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(reviewer=user, taken_at=now)
    if not taken:
        review_request.refresh_from_db()
        if review_request.reviewer_id == user.pk:  # our own double click won
            return Review.objects.get(request=review_request), False
        raise _refusal(review_request, user) or LinkUsed()
    try:
        with transaction.atomic():
            review = Review.objects.create(request=review_request, reviewer=user, updated_at=now)
    except IntegrityError as exc:  # cannot happen after the UPDATE above; the constraint is the backstop
        raise LinkUsed() from exc
    review_request.reviewer, review_request.taken_at = user, now
    return review, True


def _touch_draft(review, now):
    """Mark the draft changed, or raise ReviewSubmitted (the UPDATE also orders us against a submit)."""
    if not Review.objects.filter(pk=review.pk, status=Review.Status.DRAFT).update(updated_at=now):
        if not Review.objects.filter(pk=review.pk).exists():
            raise LinkRevoked()
        raise ReviewSubmitted()
    review.updated_at = now


@transaction.atomic
def save_review(*, review, ratings, overall_comment=None, named_on_share_links=None):
    """Save some ratings (and the overall comment, and whether the reviewer may be named on the
    owner's share links) of a draft review, all or nothing."""
    allowed = set(review.request.skills)
    for item in ratings:
        if item.skill_slug not in allowed:
            raise UnknownSkill()
        if not item.not_seen:  # "not seen" keeps no level
            _check_level(item.level)
    now = timezone.now()
    _touch_draft(review, now)
    if overall_comment is not None:
        Review.objects.filter(pk=review.pk).update(overall_comment=overall_comment)
        review.overall_comment = overall_comment
    if named_on_share_links is not None:
        Review.objects.filter(pk=review.pk).update(named_on_share_links=named_on_share_links)
        review.named_on_share_links = named_on_share_links
    rows = [
        ReviewRating(
            review=review,
            skill_slug=i.skill_slug,
            level=None if i.not_seen else i.level,
            not_seen=i.not_seen,
            comment=i.comment,
            updated_at=now,
        )
        for i in ratings
    ]
    return ReviewRating.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["review", "skill_slug"],
        update_fields=["level", "not_seen", "comment", "updated_at"],
    )


@transaction.atomic
def submit_review(*, review):
    """Make the review read-only and show it to the owner. Submitting twice submits once.
    Returns (review, submitted_now)."""
    now = timezone.now()
    locked = Review.objects.select_for_update().filter(pk=review.pk).select_related("request").first()
    if locked is None:
        raise LinkRevoked()
    if locked.is_submitted:
        return locked, False
    answered = set(locked.ratings.values_list("skill_slug", flat=True))  # a level or "not seen"
    missing = [s for s in locked.request.skills if s not in answered]
    if missing:
        snapshot = Assessment.objects.values_list("snapshot", flat=True).get(pk=locked.request.assessment_id) or {}
        names = {s["slug"]: s["name"] for s in snapshot.get("skills", [])}
        raise ReviewNotComplete(missing, [names.get(s, s) for s in missing])
    if not Review.objects.filter(pk=locked.pk, status=Review.Status.DRAFT).update(
        status=Review.Status.SUBMITTED, submitted_at=now, updated_at=now
    ):
        locked.refresh_from_db()
        return locked, False
    locked.status, locked.submitted_at, locked.updated_at = Review.Status.SUBMITTED, now, now
    _touch_owner(locked.request.assessment_id, now)
    return locked, True


# --- accounts ----------------------------------------------------------------------------


@transaction.atomic
def forget_reviewer(*, user):
    """Before `user`'s account goes: their reviews go too (the owners keep their own assessments,
    requests and calibrations), and the owners' cached reports are moved on."""
    assessments = set(Review.objects.given_by(user).values_list("request__assessment_id", flat=True))
    Review.objects.given_by(user).delete()
    if assessments:
        Assessment.objects.filter(pk__in=assessments).update(updated_at=timezone.now())
