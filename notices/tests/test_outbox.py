"""Every mail leaves through the outbox and a worker: never from inside the request, once each."""

import importlib
import smtplib
from datetime import timedelta
from email.mime.text import MIMEText

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notices import outbox
from notices.messages import UnqueueableMessage
from notices.models import OutgoingMail

from .conftest import run_worker

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_the_sites_mail_backend_is_the_queue():
    settings_module = importlib.import_module("careerpath.settings")  # as configured, before the tests' locmem
    assert settings_module.EMAIL_BACKEND == "notices.mail.QueuedEmailBackend"
    assert settings_module.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_send_mail_queues_the_mail_and_the_worker_delivers_it(queued_mail):
    assert send_mail("Hello", "Body", "site@example.com", ["carol@example.com"]) == 1
    assert mail.outbox == []  # nothing sent from the caller
    queued = OutgoingMail.objects.get()
    assert queued.recipients == "carol@example.com" and queued.sent_at is None
    assert DBTaskResult.objects.count() == 1

    run_worker()

    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello", ["carol@example.com"])]
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 1
    assert queued.message == {}  # a one-time link does not outlive its delivery


def test_a_write_that_rolls_back_sends_nothing(queued_mail):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Hello", "Body", "site@example.com", ["carol@example.com"])
        raise RuntimeError("the write failed")
    run_worker()
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists() and not DBTaskResult.objects.exists()


def test_delivering_a_mail_twice_sends_it_once(queued_mail):
    send_mail("Hello", "Body", "site@example.com", ["carol@example.com"])
    mail_id = OutgoingMail.objects.get().pk
    assert outbox.deliver(mail_id) == "sent"
    assert outbox.deliver(mail_id) == "skipped"
    assert len(mail.outbox) == 1


def test_a_refused_mail_is_recorded_and_retried_later_then_given_up(queued_mail, settings):
    settings.CAREERPATH_EMAIL_DELIVERY_BACKEND = "notices.tests.test_outbox.RefusingBackend"
    settings.CAREERPATH_MAIL_MAX_ATTEMPTS = 2
    send_mail("Hello", "Body", "site@example.com", ["carol@example.com"])
    queued = OutgoingMail.objects.get()

    assert outbox.deliver(queued.pk) == "failed"
    queued.refresh_from_db()
    assert queued.attempts == 1 and "SMTPServerDisconnected" in queued.last_error
    assert queued.next_attempt_at > timezone.now() + timedelta(seconds=50)  # a minute later
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.run_after == queued.next_attempt_at  # the retry is scheduled, not run at once

    assert outbox.deliver(queued.pk) == "failed"
    queued.refresh_from_db()
    assert queued.gave_up_at is not None and queued.sent_at is None
    assert outbox.deliver(queued.pk) == "skipped"
    assert mail.outbox == []


def test_requeue_stale_enqueues_only_mail_whose_delivery_is_overdue(queued_mail):
    send_mail("Old", "Body", "site@example.com", ["carol@example.com"])
    send_mail("New", "Body", "site@example.com", ["dan@example.com"])
    old = OutgoingMail.objects.get(subject="Old")
    OutgoingMail.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=11))
    DBTaskResult.objects.all().delete()  # as if the worker that claimed them was killed

    assert outbox.requeue_stale() == 1
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Old"]


def test_a_keyed_mail_is_stored_once(queued_mail):
    message = EmailMultiAlternatives("Due soon", "Body", "site@example.com", ["carol@example.com"])
    assert outbox.enqueue(message, key="u1:due:7") is not None
    assert outbox.enqueue(message, key="u1:due:7") is None
    assert OutgoingMail.objects.count() == 1


def test_html_parts_attachments_and_headers_survive_the_queue(queued_mail):
    message = EmailMultiAlternatives(
        "Report", "Plain", "site@example.com", ["carol@example.com"], headers={"List-Unsubscribe": "<https://x/u/>"}
    )
    message.attach_alternative("<p>Rich</p>", "text/html")
    message.attach("plan.ics", "BEGIN:VCALENDAR", "text/calendar")
    message.attach("data.bin", b"\x00\x01\xff", "application/octet-stream")
    message.send()
    run_worker()

    (sent,) = mail.outbox
    assert sent.alternatives[0][0] == "<p>Rich</p>" and sent.alternatives[0][1] == "text/html"
    assert [a[0] for a in sent.attachments] == ["plan.ics", "data.bin"]
    assert sent.attachments[1][1] == b"\x00\x01\xff"
    assert sent.extra_headers["List-Unsubscribe"] == "<https://x/u/>"
    assert sent.extra_headers["Message-ID"].endswith(">")


def test_a_mime_part_attachment_is_refused_where_it_is_sent(queued_mail):
    message = EmailMultiAlternatives("X", "Y", "site@example.com", ["carol@example.com"])
    message.attach(MIMEText("part"))
    with pytest.raises(UnqueueableMessage, match="cannot be queued"):
        message.send()
    assert not OutgoingMail.objects.exists()


def test_a_deleted_account_leaves_no_mail_behind(queued_mail, alice, bob):
    send_mail("For alice", "Body", "site@example.com", [alice.email])
    send_mail("For bob", "Body", "site@example.com", [bob.email])
    alice.delete()
    assert list(OutgoingMail.objects.values_list("subject", flat=True)) == ["For bob"]


def test_an_address_typed_in_but_never_verified_neither_shows_nor_loses_its_owners_mail(queued_mail, alice, client):
    """mallory adds carol's address to her account (allauth keeps it unverified), downloads her data,
    then deletes her account: carol's waiting invitation is neither listed for mallory nor deleted."""
    from allauth.account.models import EmailAddress

    from accounts.tests.factories import UserFactory

    mallory = UserFactory(username="mallory")
    EmailAddress.objects.create(user=mallory, email="carol@example.com", verified=False, primary=False)
    send_mail("You are invited to a team", "Body", "site@example.com", ["carol@example.com"])
    client.force_login(mallory)

    downloaded = client.get(reverse("accounts:export")).json()

    assert "carol@example.com" not in str(downloaded.get("mail", downloaded))
    mallory.delete()
    assert list(OutgoingMail.objects.values_list("subject", flat=True)) == ["You are invited to a team"]


def test_sent_mail_rows_are_forgotten_after_30_days(queued_mail):
    send_mail("Old", "Body", "site@example.com", ["carol@example.com"])
    send_mail("Recent", "Body", "site@example.com", ["dan@example.com"])
    run_worker()
    OutgoingMail.objects.filter(subject="Old").update(sent_at=timezone.now() - timedelta(days=31))
    assert outbox.prune_sent() == 1
    assert list(OutgoingMail.objects.values_list("subject", flat=True)) == ["Recent"]


def test_allauths_password_reset_mail_leaves_through_the_queue(queued_mail, alice, client):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    assert mail.outbox == []  # not sent inside the request
    queued = OutgoingMail.objects.get()
    assert queued.recipients == alice.email
    run_worker()
    (sent,) = mail.outbox
    assert sent.to == [alice.email] and "/accounts/password/reset/key/" in sent.body
