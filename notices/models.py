"""The mail outbox (every mail the site sends waits here until a worker delivers it) and, later,
notices and their preferences. docs/deploy.md, "Background tasks and mail"."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.owners import OwnedByQuerySet


class OutgoingMailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True, gave_up_at__isnull=True)


class OutgoingMail(models.Model):
    """One mail to deliver. Written in the transaction of whatever sent it (so a write that rolls
    back sends nothing), delivered by a worker that locks the row, hands the mail to the mail server
    and records `sent_at` in that same transaction (notices/outbox.py)."""

    key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="What this mail is about, once (a notice's key); empty for one-off mail such as a password reset.",
    )
    subject = models.CharField(max_length=300)
    recipients = models.TextField(help_text="Comma-separated, for the admin; the message holds the real list.")
    message = models.JSONField(help_text="The message to send; emptied once sent (it may hold a one-time link).")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="When delivery is (next) due.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outgoingmail_pending_idx", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.subject} to {self.recipients}"


class Kind(models.TextChoices):
    """What a person can be told. The label is the preference's name and, for mail, the subject."""

    PLAN_DUE_SOON = "plan_due_soon", "A plan item is due in 3 days"
    PLAN_OVERDUE = "plan_overdue", "A plan item became overdue"
    REVIEW_ARRIVED = "review_arrived", "A colleague's review of your assessment arrived"
    REVIEW_ASKED = "review_asked", "A teammate asked you for a review"
    REQUEST_EXPIRING = "request_expiring", "A review request you made expires tomorrow"
    ROLE_ASSIGNED = "role_assigned", "Your team assigned you a role"
    ASSIGNMENT_DUE = "assignment_due", "An assigned role is due in 3 days"
    CYCLE_OPENED = "cycle_opened", "A team review cycle you take part in opened"
    CYCLE_CLOSED = "cycle_closed", "A team review cycle you took part in closed"
    GUIDE_CHANGED = "guide_changed", "A role guide you assessed changed its skills or targets"


class Delivery(models.TextChoices):
    IN_APP = "in_app", "In the app only"
    IMMEDIATE = "immediate", "Also by email, at once"
    DIGEST = "digest", "Also in a weekly email digest"


class NoticeQuerySet(OwnedByQuerySet):
    owner_path = "user"  # owned_by(owner); the navbar's count is filled in per request, on no cached page

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mail_pending(self, delivery):
        return self.filter(delivery=delivery, emailed_at__isnull=True)


class Notice(models.Model):
    """Something a person should know, once: (user, kind, subject) is unique, so a scan that finds
    the same thing again (twice in a row, or two scans at once) adds nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject_key = models.CharField(max_length=80, help_text="What it is about, e.g. planitem:12:2026-12-09.")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, help_text="Where the notice leads, a path on this site.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.IN_APP, help_text="The person's choice when made."
    )
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When its mail (or digest) was queued.")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "subject_key"], name="notice_once_per_subject"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_user_recent_idx"),
            models.Index(fields=["user"], name="notice_unread_idx", condition=models.Q(read_at__isnull=True)),
            models.Index(
                fields=["delivery"], name="notice_mail_pending_idx", condition=models.Q(emailed_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}"

    def get_absolute_url(self):
        return self.url


class NoticePreferenceQuerySet(OwnedByQuerySet):
    owner_path = "user"


class NoticePreference(models.Model):
    """How a person wants one kind of notice; no row means in the app only (mail is opt-in)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IN_APP)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticePreferenceQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="noticepreference_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} – {self.get_delivery_display()}"


class RoleTargets(models.Model):
    """The scan's memory of each role's skills and targets, to tell when they change (GUIDE_CHANGED)."""

    role = models.OneToOneField("roles.Role", on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "role targets"

    def __str__(self):
        return f"{self.role_id}: {self.signature[:12]}"
