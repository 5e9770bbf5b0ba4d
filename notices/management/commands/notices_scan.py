"""The periodic scan (cron, every few minutes; docs/deploy.md "Scheduled clean-up"). Idempotent:
running it twice, or two at once, sends nothing twice."""

from django.core.management.base import BaseCommand

from notices import outbox


class Command(BaseCommand):
    help = "Requeue mail whose delivery is overdue (a worker died mid-send)."

    def handle(self, *args, **options):
        requeued = outbox.requeue_stale()
        self.stdout.write(f"requeued {requeued} overdue mail(s)")
