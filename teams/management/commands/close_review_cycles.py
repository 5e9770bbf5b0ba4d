"""Close every team review cycle whose last day has passed (docs/deploy.md, "Scheduled clean-up").

Team pages close a due cycle themselves before they show it; this command does it for cycles
nobody looks at, so their members' dashboards stop saying "open". Safe to run as often as you like.
"""

from django.core.management.base import BaseCommand

from teams.services import close_due_cycles


class Command(BaseCommand):
    help = "Close the team review cycles whose closing day has passed, and freeze their results."

    def handle(self, *args, **options):
        closed = close_due_cycles()
        released = sum(1 for c in closed if c.released_at)
        self.stdout.write(f"Closed {len(closed)} review cycle(s); {released} released a result.")
