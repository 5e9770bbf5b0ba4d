"""Writes: reading notices, choosing how to be told, unsubscribing."""

from django.db import transaction
from django.utils import timezone

from careerpath.owner import Owner

from .models import Delivery, Notice, NoticePreference
from .unsubscribe import DIGEST


def mark_read(*, notice):
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_read(*, user):
    return Notice.objects.owned_by(Owner.of_user(user)).unread().update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, user, choices):
    """`choices` is {kind: delivery} (validated by the form); rows only for kinds that differ from
    the default, so "in the app only" is the absence of a choice."""
    for kind, delivery in choices.items():
        if delivery == Delivery.IN_APP:
            NoticePreference.objects.owned_by(Owner.of_user(user)).filter(kind=kind).delete()
        else:
            NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


@transaction.atomic
def unsubscribe(*, user, what):
    """Stop one kind's email (or the weekly digest: every kind set to it); nothing else changes.
    Notices already made keep the choice they were made with, except that their mail is not sent."""
    preferences = NoticePreference.objects.owned_by(Owner.of_user(user))
    pending = Notice.objects.owned_by(Owner.of_user(user)).filter(emailed_at__isnull=True)
    if what == DIGEST:
        preferences = preferences.filter(delivery=Delivery.DIGEST)
        pending = pending.filter(delivery=Delivery.DIGEST)
    else:
        preferences = preferences.filter(kind=what)
        pending = pending.filter(kind=what)
    changed = preferences.delete()[0]
    pending.exclude(delivery=Delivery.IN_APP).update(delivery=Delivery.IN_APP)
    return changed
