"""The task worker: django-tasks-db's `db_worker`, kept alive through a database outage.

`db_worker` exits on the first database error it meets between tasks (a PostgreSQL restart: the
connection is refused), leaving the queue unserved until something restarts it. This worker takes
the same options and runs the same loop, but when the database goes away it closes its connections,
logs one line, waits (1 s, doubling to at most 30 s) and tries again, so it resumes by itself when
the database is back (docs/reliability.md, "Faults"). A task interrupted by the outage rolls back;
its mail is sent once, later (notices/outbox.py).
"""

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("notices.worker")

MAX_PAUSE = 30.0


class ResilientWorker(db_worker.Worker):
    def run(self):
        pause = 1.0
        while self.running:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                connections.close_all()
                logger.warning("The database is unavailable (%s); trying again in %.0f s.", error, pause)
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
        return None


class Command(db_worker.Command):
    help = "Run a task worker (mail, notices) that waits out a database outage instead of exiting."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        if not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stdout))
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
