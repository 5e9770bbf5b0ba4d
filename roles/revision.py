"""The role-content revision: exact invalidation for caches derived from role guides.

`current()` is one indexed read. `bump()` counts one change of role content when the surrounding
transaction commits (`transaction.on_commit`), once per commit however many rows changed: every call
registers the thread's pending `_Count`, and only the first of its callbacks writes. A rolled-back
transaction discards its callbacks, so it counts nothing and the pending count waits for the next
commit. Model signals for every content model call `bump()` (see apps.py), and so does every content
model's queryset on `update` and `bulk_create` (models.ContentQuerySet).

The model is looked up through the app registry (`apps.get_model`) because models.py imports this
module for its querysets.
"""

import threading

from django.apps import apps
from django.db import transaction
from django.db.models import F

from careerpath import pagecache

ROW_ID = 1


def _model():
    return apps.get_model("roles", "ContentRevision")


def declare():
    """Tell the page cache which row counts the changes of role content (RolesConfig.ready)."""
    pagecache.count_content_in(_model(), ROW_ID)


def current():
    """The revision number (0 before the first change)."""
    return pagecache.content_revision()


def _increment():
    model = _model()
    if not model.objects.filter(pk=ROW_ID).update(number=F("number") + 1):
        model.objects.get_or_create(pk=ROW_ID, defaults={"number": 1})


class _Count:
    """One change to count at the next commit: the first of its callbacks to run counts it."""

    done = False

    def __call__(self):
        if not self.done:
            self.done = True
            _increment()


_pending = threading.local()  # each thread has its own database connection, so its own transaction


def bump(**_signal_kwargs):
    """Count one change of role content, when the current transaction commits."""
    count = getattr(_pending, "count", None)
    if count is None or count.done:
        count = _pending.count = _Count()
    transaction.on_commit(count)
