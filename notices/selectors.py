"""Reads: a person's notices, unread count and preferences."""

from django.utils.html import format_html

from .models import Delivery, Kind, Notice, NoticePreference

LIST_LENGTH = 100


def recent_notices(user):
    return list(
        Notice.objects.filter(user=user).only("pk", "kind", "text", "url", "created_at", "read_at")[:LIST_LENGTH]
    )


def unread_count(user):
    return Notice.objects.filter(user=user).unread().count()


def preferences_for(user):
    """{kind: delivery} for every kind; kinds without a row are in the app only."""
    chosen = dict(NoticePreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IN_APP) for kind in Kind.values}


def navbar_badge(request):
    """The navbar's unread count (one query; nothing for visitors or when all is read)."""
    if not request.user.is_authenticated:
        return ""
    count = unread_count(request.user)
    if not count:
        return ""
    return format_html(
        '<span class="badge rounded-pill text-bg-warning ms-1" data-testid="unread-count">{}'
        '<span class="visually-hidden"> unread</span></span>',
        count if count < 100 else "99+",
    )
