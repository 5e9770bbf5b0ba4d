"""The mail outbox (every mail the site sends waits here until a worker delivers it) and, later,
notices and their preferences. docs/deploy.md, "Background tasks and mail"."""

from django.db import models
from django.utils import timezone


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
