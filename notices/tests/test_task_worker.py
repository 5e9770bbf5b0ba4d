"""The task worker waits out a database outage instead of exiting (bench/faults.py restarts
PostgreSQL under a real one)."""

from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker

from notices.management.commands import task_worker


def test_the_worker_tries_again_after_the_database_went_away_and_then_runs():
    calls = []

    def run_once(self):
        calls.append("run")
        if len(calls) == 1:
            raise OperationalError('connection to server at "127.0.0.1" failed: Connection refused')

    worker = task_worker.ResilientWorker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="w", excluded_queue_names=[],
    )  # fmt: skip
    with (
        mock.patch.object(db_worker.Worker, "run", run_once),
        mock.patch.object(task_worker.time, "sleep") as sleep,
        mock.patch.object(task_worker.connections, "close_all") as close_all,
    ):
        worker.run()
    assert calls == ["run", "run"]
    sleep.assert_called_once_with(1.0)
    close_all.assert_called_once()


def test_an_error_that_is_not_the_database_still_stops_the_worker():
    worker = task_worker.ResilientWorker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="w", excluded_queue_names=[],
    )  # fmt: skip
    with mock.patch.object(db_worker.Worker, "run", side_effect=RuntimeError("a bug")), pytest.raises(RuntimeError):
        worker.run()


@pytest.mark.django_db
def test_the_command_runs_the_queue_in_batch_mode(settings):
    settings.EMAIL_BACKEND = "notices.mail.QueuedEmailBackend"
    settings.CAREERPATH_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_mail("Hello", "Body", "site@example.com", ["carol@example.com"])
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("task_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Hello"]
