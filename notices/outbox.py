"""The outbox: every mail is a row, delivered exactly once by whichever worker locks it.

enqueue (in the sender's transaction):  OutgoingMail row + a `deliver_mail` task row, both
                                         committed with the sender's write or not at all.
deliver (in a worker):                   BEGIN; lock the row (SELECT ... FOR UPDATE SKIP LOCKED on
                                         PostgreSQL; SQLite's IMMEDIATE transactions serialise
                                         writers); hand the mail to the mail server; record
                                         sent_at; COMMIT.

The send is recorded (sent_at) before the mail is handed over, in the same uncommitted transaction,
so the COMMIT is the only statement after the server accepts it. A worker killed before the commit
leaves the row unsent and unlocked: `requeue_stale` (run by the periodic scan) enqueues it again.
The one window for a duplicate is between the mail server accepting the message and that COMMIT
(one round trip to the database); a duplicate would carry the same Message-ID, which mail clients
use to fold duplicates. No mail system without two-phase commit can close that window entirely. A failure to send is recorded and
retried with a growing delay, CAREERPATH_MAIL_MAX_ATTEMPTS times in all.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from . import messages as mail_json
from .models import OutgoingMail

logger = logging.getLogger("notices.outbox")

STALE_AFTER = timedelta(minutes=10)
KEEP_SENT = timedelta(
    days=30
)  # a sent mail's row (subject, recipients) stays this long for the admin  # a mail still unsent this long after its attempt was due is requeued


def retry_delay(attempts):
    """1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _enqueue_delivery(mail_id, *, run_after=None):
    task = deliver_mail if run_after is None else deliver_mail.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(mail_id)  # a row in the same transaction: committed with the mail or not at all
    else:
        transaction.on_commit(lambda: task.enqueue(mail_id))


@transaction.atomic
def enqueue(message, *, key=None):
    """Store `message` (an EmailMessage) and enqueue its delivery. With a `key`, a second mail with
    the same key is not stored (returns None): the key says what the mail is about, once."""
    data = mail_json.to_json(message)
    if key is not None and OutgoingMail.objects.filter(key=key).exists():
        return None
    mail = OutgoingMail.objects.create(
        key=key,
        subject=data["subject"][:300],
        recipients=", ".join(message.recipients())[:2000],
        message=data,
        next_attempt_at=timezone.now(),
    )
    _enqueue_delivery(mail.pk)
    return mail


def deliver(mail_id):
    """Send one mail if nobody has; returns what happened ("sent", "failed", "skipped").

    In one transaction: lock the row, record it as sent, hand it to the mail server, commit. So the
    only moment a crash can send a mail twice is between the server's acceptance and the COMMIT
    that follows it at once (one round trip to the database); a crash anywhere else rolls back the
    record with the lock, and the mail is sent later, once."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).pending().filter(pk=mail_id).first()
        if mail is None:
            return "skipped"  # sent already, given up on, or being sent by another worker right now
        now = timezone.now()
        message = mail_json.from_json(mail.message)
        mail.attempts += 1
        mail.sent_at = now
        mail.message = {}  # a password-reset link does not stay in the database once delivered
        mail.save(update_fields=["attempts", "sent_at", "message"])  # recorded, not yet committed
        try:
            with get_connection(settings.CAREERPATH_EMAIL_DELIVERY_BACKEND, fail_silently=False) as connection:
                connection.send_messages([message])
        except Exception as error:  # the mail server's refusal is recorded, never lost
            mail.sent_at = None
            mail.message = mail_json.to_json(message)
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            if mail.attempts >= settings.CAREERPATH_MAIL_MAX_ATTEMPTS:
                mail.gave_up_at = now
                logger.error("Gave up on mail %s after %s attempts: %s", mail.pk, mail.attempts, mail.last_error)
            else:
                mail.next_attempt_at = now + retry_delay(mail.attempts)
                _enqueue_delivery(mail.pk, run_after=mail.next_attempt_at)
                logger.warning("Mail %s not sent (attempt %s): %s", mail.pk, mail.attempts, mail.last_error)
            mail.save(update_fields=["sent_at", "message", "last_error", "gave_up_at", "next_attempt_at"])
            return "failed"
        return "sent"


@task()
def deliver_mail(mail_id):
    """The task a worker runs for each mail (and again for a retry or a requeue)."""
    return deliver(mail_id)


def prune_sent(*, now=None):
    """Remove rows of mail sent more than KEEP_SENT ago; returns how many."""
    now = now or timezone.now()
    return OutgoingMail.objects.filter(sent_at__lt=now - KEEP_SENT).delete()[0]


def requeue_stale(*, now=None, after=None):
    """Enqueue delivery again for every unsent mail whose attempt was due more than `after` ago
    (default STALE_AFTER: its worker died, or its task was lost); returns how many. Safe to repeat:
    a mail is sent once."""
    now = now or timezone.now()
    after = STALE_AFTER if after is None else after
    ids = list(OutgoingMail.objects.pending().filter(next_attempt_at__lte=now - after).values_list("pk", flat=True))
    with transaction.atomic():
        for mail_id in ids:
            _enqueue_delivery(mail_id)
    return len(ids)
