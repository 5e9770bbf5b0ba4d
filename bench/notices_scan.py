"""How long the notices scan takes on the benchmark data (issue 31, item 7; docs/performance.md).

    DATABASE_URL=postgres://... .venv/bin/python bench/notices_scan.py          # after bench/seed_benchmark.py

Runs `notices.scan.run_scan` twice in a row in this process, on the weekday of the digest (so the
weekly digests are built too), and prints for each run the seconds, the queries, and what it found,
recorded and queued. The first run finds the week's plan items (due within 3 days, overdue within
7) of 50,000 and queues the mails of those who asked for them; the second must find nothing new and
queue nothing (idempotence, timed). `--reset` first removes what earlier runs made (the scan's
notices, the outbox, the queued tasks, the scan's memory of role targets), keeping the seeded rows.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from assessments.models import PlanItem
    from notices.models import Notice, OutgoingMail, RoleTargets
    from notices.scan import run_scan

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="remove what earlier scans made first")
    args = parser.parse_args(argv)
    if args.reset:
        Notice.objects.exclude(subject_key__startswith="review:bench-").delete()
        OutgoingMail.objects.all().delete()
        DBTaskResult.objects.filter(task_path__startswith="notices.").delete()
        RoleTargets.objects.all().delete()
    settings.CAREERPATH_DIGEST_WEEKDAY = timezone.localdate().weekday()
    print(
        f"{connection.vendor}: {get_users()} users, {PlanItem.objects.count():,} plan items, "
        f"{Notice.objects.count():,} notices before; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    for run in (1, 2):
        queries[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            report = run_scan()
            seconds = time.perf_counter() - started
        print(f"run {run}: {seconds:.2f} s, {queries[0]:,} queries: {report}")


def get_users():
    from django.contrib.auth import get_user_model

    return f"{get_user_model().objects.count():,}"


if __name__ == "__main__":
    main()
