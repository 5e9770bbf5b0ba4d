"""Second opinions: a person asks someone to rate them blind, then compares and calibrates.

- `ReviewRequest`: a single-use link (or a request to one teammate by name) to review some skills
  of one submitted assessment; it expires after `REQUEST_DAYS` and can be revoked. A link's token is
  shown once, when it is made: only its SHA-256 is kept (careerpath/tokens.py).
- `Review`: the one answer a request gets (a one-to-one: a link can never yield two reviews).
- `ReviewRating`: the reviewer's level and comment for one skill the request names, or their
  "I haven't seen this" (`not_seen`, with no level): no opinion, counted in no number.
- `Calibration`: the owner's agreed level for one skill of their assessment, with a note of why.

Skills are named by slug, as in the assessment's frozen snapshot that every review reads.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.owners import DeletedWithParent, OwnedQuerySet
from careerpath.tokens import new_token
from careerpath.validators import validate_single_line
from roles.levels import Level

REQUEST_DAYS = 14
COMMENT_MAX_LENGTH = 1000
OVERALL_COMMENT_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 500


def new_review_token():
    """The old `token` column's default, named by migration 0001; tokens now come from careerpath.tokens."""
    return new_token()


def review_link_path(token):
    """The path a review link opens (its token is shown once, when the request is made)."""
    return reverse("reviews:open", kwargs={"token": token})


def default_expiry():
    """Midnight (local time) after REQUEST_DAYS whole days. A request expires as a day begins, so
    the pages that show open requests, cached per day (the dashboard, the report), never show one
    that has expired."""
    last_day = timezone.localdate() + timedelta(days=REQUEST_DAYS)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


class ReviewRequestQuerySet(OwnedQuerySet):
    owner_path = "assessment__"
    shown_on_pages_of = ("assessment__", "invitee", "reviewer")

    def open(self):
        """Not revoked, not expired, not yet taken by a reviewer."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), reviewer__isnull=True)


class ReviewRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Waiting for a reviewer"
        IN_PROGRESS = "in_progress", "Being reviewed"
        ANSWERED = "answered", "Answered"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        CLOSED = "closed", "Closed"  # taken, then the reviewer deleted their account or the review was deleted

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="review_requests")
    token_digest = models.CharField(  # noqa: DJ001 (NULL, not "": unique allows many NULLs, for teammates' requests)
        max_length=64,
        unique=True,
        null=True,
        editable=False,
        help_text="SHA-256 of the link's token (careerpath/tokens.py), shown once and never stored; "
        "none for a request to a teammate, who takes it from their dashboard.",
    )
    display_name = models.CharField(
        max_length=80, validators=[validate_single_line], help_text="The only name of yours the reviewer sees."
    )
    skills = models.JSONField(default=list, help_text="Slugs of the skills to review (from the snapshot).")
    show_evidence = models.BooleanField(default=False, help_text="Whether the reviewer sees your evidence notes.")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="For a request to a named person (a teammate): only they may take it.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_requests_taken",
        help_text="Who took the link (single use).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    taken_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="reviewrequest_expires_later"
            ),
        ]

    def __str__(self):
        return f"Review request for {self.assessment} ({self.get_state_display()})"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def state(self):
        if self.revoked_at is not None:
            return self.State.REVOKED
        review = getattr(self, "review", None) if self.taken_at else None
        if review is not None:
            return self.State.ANSWERED if review.is_submitted else self.State.IN_PROGRESS
        if self.taken_at is not None:
            return self.State.CLOSED
        if self.is_expired:
            return self.State.EXPIRED
        return self.State.OPEN

    def get_state_display(self):
        return self.State(self.state).label


class ReviewQuerySet(OwnedQuerySet):
    owner_path = "request__assessment__"
    shown_on_pages_of = ("request__assessment__", "reviewer")

    def submitted(self):
        return self.filter(status=Review.Status.SUBMITTED)

    def given_by(self, user):
        return self.filter(reviewer=user)


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    request = models.OneToOneField(ReviewRequest, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(blank=True, max_length=OVERALL_COMMENT_MAX_LENGTH)
    named_on_share_links = models.BooleanField(
        default=False,
        help_text="The reviewer agreed to be named where the owner shares the report by link; otherwise "
        'such a link shows them as "Reviewer 1", "Reviewer 2"...',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="review_submitted_has_time"
            ),
        ]

    def __str__(self):
        return f"Review #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("reviews:review", kwargs={"pk": self.pk})

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class ReviewRatingQuerySet(OwnedQuerySet):
    owner_path = "review__request__assessment__"
    shown_on_pages_of = ("review__request__assessment__", "review__reviewer")


class ReviewRating(DeletedWithParent):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    skill_slug = models.SlugField(max_length=160)
    level = models.PositiveSmallIntegerField(
        choices=Level.choices, null=True, blank=True, help_text="None when the reviewer has not seen this skill."
    )
    not_seen = models.BooleanField(
        default=False, help_text='"I haven\'t seen this": no opinion (not a 0), left out of every comparison.'
    )
    comment = models.CharField(max_length=COMMENT_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewRatingQuerySet.as_manager()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "skill_slug"], name="reviewrating_one_per_skill"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=5), name="reviewrating_level_0_5"),
            models.CheckConstraint(
                condition=Q(not_seen=False, level__isnull=False) | Q(not_seen=True, level__isnull=True),
                name="reviewrating_level_or_not_seen",
            ),
        ]

    def __str__(self):
        return f"{self.skill_slug}: {'not seen' if self.not_seen else self.level}"


class CalibrationQuerySet(OwnedQuerySet):
    owner_path = "assessment__"


class Calibration(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="calibrations")
    skill_slug = models.SlugField(max_length=160)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CalibrationQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill_slug"], name="calibration_one_per_skill"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=5), name="calibration_level_0_5"),
        ]

    def __str__(self):
        return f"{self.skill_slug}: calibrated {self.level}"
