"""The periodic scan (cron, every 5 minutes; docs/deploy.md "Scheduled clean-up"). Idempotent:
running it twice, or two at once, tells nobody anything twice."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from notices.scan import run_scan


class Command(BaseCommand):
    help = "Record new notices (due dates, reviews, teams, guides), queue their mail and digests, requeue stuck mail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--requeue-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Requeue unsent mail whose delivery was due this long ago (default 600: a worker died mid-send).",
        )

    def handle(self, *args, requeue_after, **options):
        after = None if requeue_after is None else timedelta(seconds=requeue_after)
        report = run_scan(requeue_after=after)
        self.stdout.write(str(report))
