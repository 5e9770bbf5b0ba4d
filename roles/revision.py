"""The role-content revision: exact invalidation for caches derived from role guides.

`current()` is one indexed read; `bump()` adds one UPDATE after the surrounding transaction
commits (once per transaction, however many rows changed). Model signals for every content model
call `bump()` (see apps.py), and so does every content model's queryset on `update` and
`bulk_create` (models.ContentQuerySet). Writers beyond the ORM models call it themselves: the
benchmark seeder (COPY) and the importer (many-to-many rows written in bulk).
"""

from django.db import connection, transaction
from django.db.models import F

from careerpath.sql import table

from .models import ContentRevision

ROW_ID = 1


def current():
    """The revision number (0 before the first change). Plain SQL: every public page reads it, and
    the ORM's query building costs several times the query itself."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table(ContentRevision)} WHERE id = %s", [ROW_ID])
        row = cursor.fetchone()
    return row[0] if row else 0


def _increment():
    if not ContentRevision.objects.filter(pk=ROW_ID).update(number=F("number") + 1):
        ContentRevision.objects.get_or_create(pk=ROW_ID, defaults={"number": 1})


_increment.careerpath_revision = True


def bump(**_signal_kwargs):
    """Count one change of role content, when the current transaction commits."""
    if connection.in_atomic_block and any(
        getattr(entry[1], "careerpath_revision", False) for entry in connection.run_on_commit
    ):
        return  # already counted for this transaction
    transaction.on_commit(_increment)
