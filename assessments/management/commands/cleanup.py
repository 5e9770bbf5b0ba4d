"""python manage.py cleanup: remove visitors' drafts whose session has expired, then expired sessions.

A visitor's draft belongs to their session until they sign up or log in. Once the session has
expired (or is gone), nobody can ever open the draft again, so it is removed with its ratings.
Safe to run from cron as often as you like: it only deletes what is already unreachable, and a
draft saved in the last `--grace-minutes` (default 60) is kept whatever its session says, so a
visitor who is signing up at that moment (their session key changes on log-in) never loses it.
Members' drafts and every submitted assessment are never touched.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment
from careerpath.models import OwnerKey
from careerpath.owner import Owner

DATABASE_SESSIONS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


def dead_visitor_drafts(*, now, grace):
    """Visitors' drafts whose session is expired or gone, not saved within `grace` of `now`."""
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    return (
        Assessment.objects.drafts().filter(user__isnull=True, updated_at__lt=now - grace).exclude(session_key__in=live)
    )


def dead_session_owner_keys():
    """Page-cache keys of visitors whose session is gone (careerpath/pagecache.py): nothing of
    theirs can be opened again, so their cached pages need no key."""
    live = Session.objects.annotate(scope=Owner.session_scope_sql("session_key")).values("scope")
    return OwnerKey.objects.filter(scope__startswith=Owner.SESSION_SCOPE).exclude(scope__in=live)


class Command(BaseCommand):
    help = (
        "Remove visitors' draft assessments whose session has expired (with their ratings), then expired "
        "sessions. Members' drafts and submitted assessments are never touched. Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="keep drafts saved within this many minutes, whatever their session (default 60)",
        )
        parser.add_argument("--dry-run", action="store_true", help="count what would be removed, remove nothing")

    def handle(self, *args, grace_minutes, dry_run, **options):
        if settings.SESSION_ENGINE not in DATABASE_SESSIONS:
            raise CommandError(
                f"cleanup reads sessions from the database, but SESSION_ENGINE is {settings.SESSION_ENGINE!r}: "
                "it cannot tell which visitors' drafts are still reachable, so it removes nothing."
            )
        if grace_minutes < 0:
            raise CommandError("--grace-minutes must be 0 or more.")
        drafts = dead_visitor_drafts(now=timezone.now(), grace=timedelta(minutes=grace_minutes))
        if dry_run:
            self.stdout.write(f"Dry run, nothing removed: {drafts.count()} visitor drafts have an expired session.")
            return
        with transaction.atomic():
            removed = drafts.delete()[1].get(Assessment._meta.label, 0)
        call_command("clearsessions")
        dead_session_owner_keys().delete()
        self.stdout.write(f"Removed {removed} visitor draft{'s' if removed != 1 else ''} whose session had expired.")
