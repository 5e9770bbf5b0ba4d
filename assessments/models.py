"""Self-assessments: a person's ratings against a role, frozen at submission, shared and planned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from careerpath.tokens import new_token
from roles.levels import Level
from roles.models import Role, Skill

from .owners import DeletedWithParent, OwnedQuerySet

EVIDENCE_MAX_LENGTH = 1000
PLAN_ACTION_MAX_LENGTH = 500


class AssessmentQuerySet(OwnedQuerySet):
    owner_path = ""

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    session_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="A visitor's draft, until they sign up or log in."
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    current_role = models.ForeignKey(
        Role,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The role the person holds now, for transition paths.",
    )
    retake_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retakes")
    snapshot = models.JSONField(
        null=True, blank=True, editable=False, help_text="The role as it was at submission; the report reads only this."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last saved.")
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(status="draft", user__isnull=False),
                name="assessment_one_draft_per_user_and_role",
            ),
            models.UniqueConstraint(
                fields=["session_key", "role"],
                condition=Q(status="draft", user__isnull=True),
                name="assessment_one_draft_per_session_and_role",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="assessment_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, snapshot__isnull=False),
                name="assessment_submitted_is_frozen",
            ),
        ]
        indexes = [models.Index(fields=["user", "role", "status"], name="assessment_user_role_status")]

    def __str__(self):
        return f"{self.role} ({self.get_status_display()}, #{self.pk})"

    def get_absolute_url(self):
        if self.is_submitted:
            return reverse("assessments:report", kwargs={"pk": self.pk})
        return reverse("assessments:take", kwargs={"pk": self.pk})

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class RatingQuerySet(OwnedQuerySet):
    owner_path = "assessment__"


class Rating(DeletedWithParent):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    evidence = models.CharField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    prefilled_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set while the rating is carried over from an earlier assessment and not yet confirmed.",
    )
    prefilled_at = models.DateTimeField(null=True, blank=True, help_text="When the carried-over rating was made.")
    prefilled_calibrated = models.BooleanField(
        default=False,
        help_text="The carried-over level is the one the owner calibrated after a second opinion, not their own.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="rating_one_per_skill_per_assessment"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=5), name="rating_level_0_5"),
        ]

    def __str__(self):
        return f"{self.skill}: {self.level}"

    @property
    def is_prefilled(self):
        return self.prefilled_at is not None


def new_share_token():
    """The old `token` column's default, named by migration 0001; tokens now come from careerpath.tokens."""
    return new_token()


def shared_report_path(token):
    """The path a share link opens (its token is shown once, when the link is made)."""
    return reverse("assessments:shared", kwargs={"token": token})


class ShareLinkQuerySet(OwnedQuerySet):
    owner_path = "assessment__"

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="share_links")
    token_digest = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the link's token (careerpath/tokens.py): the token is shown once, never stored.",
    )
    display_name = models.CharField(max_length=80, help_text="The only name the person you share with will see.")
    include_plan = models.BooleanField(default=False)
    include_current_role = models.BooleanField(
        default=False, help_text="Show the reader the role the owner holds now (and the path from it)."
    )
    include_evidence = models.BooleanField(default=False, help_text="Show the reader the owner's evidence notes.")
    include_reviews = models.BooleanField(
        default=False, help_text="Show the reader the second opinions: reviewers' names, ratings and comments."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Share link for {self.assessment} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_active(self):
        return self.revoked_at is None


class PlanQuerySet(OwnedQuerySet):
    owner_path = "user"  # one plan per person and role (its unique constraint), whichever report it was made from

    def for_role(self, role):
        return self.filter(role=role)


class Plan(models.Model):
    """A person's development plan for one role: one per person and role, kept across retakes.

    `assessment` is the report the plan was last brought up to date with; a retake's report moves
    it forward (services.create_plan), carrying the open items and their history along."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="plan")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="plan_one_per_user_and_role")]

    def __str__(self):
        return f"Plan for {self.assessment}"

    def get_absolute_url(self):
        return reverse("assessments:plan", kwargs={"pk": self.assessment_id})


class PlanItemQuerySet(OwnedQuerySet):
    owner_path = "plan__user"


class PlanItem(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    skill_name = models.CharField(max_length=160)
    current_level = models.PositiveSmallIntegerField(choices=Level.choices)
    target_level = models.PositiveSmallIntegerField(choices=Level.choices)
    action = models.CharField(max_length=PLAN_ACTION_MAX_LENGTH, blank=True)
    target_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "skill"], name="planitem_one_per_skill"),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "done"]), name="planitem_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.skill_name}: {self.get_status_display()}"

    @property
    def is_overdue(self):
        return (
            self.target_date is not None and self.status != self.Status.DONE and self.target_date < timezone.localdate()
        )


class PlanItemEventQuerySet(OwnedQuerySet):
    owner_path = "item__plan__user"


class PlanItemEvent(models.Model):
    """One line of a plan item's history: made, changed by its owner, carried into a retake, closed."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        EDITED = "edited", "Changed"
        CARRIED = "carried", "Carried forward"
        CLOSED = "closed", "Closed"

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=600)
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The report that caused the event, for events a report caused.",
    )
    at = models.DateTimeField(default=timezone.now)

    objects = PlanItemEventQuerySet.as_manager()

    class Meta:
        ordering = ["item", "at", "id"]

    def __str__(self):
        return f"{self.item}: {self.text}"
