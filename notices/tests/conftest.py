from unittest import mock

import pytest
from django_tasks_db.management.commands.db_worker import Worker


@pytest.fixture
def queued_mail(settings):
    """Mail as production sends it: queued by the site, delivered by a worker into mail.outbox."""
    settings.EMAIL_BACKEND = "notices.mail.QueuedEmailBackend"
    settings.CAREERPATH_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def run_worker():
    """What `manage.py db_worker --batch` does: run every task that is due, then return. (Inside a
    test's transaction the worker must not close the connection, as it does between tasks.)"""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
