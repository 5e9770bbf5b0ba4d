"""Reads: a person's notices, unread count and preferences."""

from allauth.account.models import EmailAddress
from django.utils.html import format_html

from careerpath.owner import Owner

from .models import Delivery, Kind, Notice, NoticePreference, OutgoingMail

LIST_LENGTH = 100


def recent_notices(user):
    return list(
        Notice.objects.owned_by(Owner.of_user(user)).only("pk", "kind", "text", "url", "created_at", "read_at")[
            :LIST_LENGTH
        ]
    )


def unread_count(user):
    return Notice.objects.owned_by(Owner.of_user(user)).unread().count()


def preferences_for(user):
    """{kind: delivery} for every kind; kinds without a row are in the app only."""
    chosen = dict(NoticePreference.objects.owned_by(Owner.of_user(user)).values_list("kind", "delivery"))
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


def account_data(user):
    """ "Download my data": every notice, the notice settings, and the mail to this person's address
    that the outbox still holds (waiting, or sent in the last 30 days)."""
    addresses = {a.lower() for a in mail_addresses(user)}
    owner = Owner.of_user(user)
    return {
        "notices": [
            {
                "kind": n.kind,
                "text": n.text,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "delivery": n.delivery,
                "emailed_at": n.emailed_at,
            }
            for n in Notice.objects.owned_by(owner).order_by("created_at", "pk")
        ],
        "notice_settings": dict(NoticePreference.objects.owned_by(owner).values_list("kind", "delivery")),
        "mail": [
            {"subject": m.subject, "to": m.recipients, "queued_at": m.created_at, "sent_at": m.sent_at}
            for m in OutgoingMail.objects.filter(recipients__in=addresses).order_by("created_at", "pk")
        ]
        if addresses
        else [],
    }


def mail_addresses(user):
    """The addresses the account has verified: the only ones whose mail is provably this person's.

    Anyone may type someone else's address into their account (allauth keeps it unverified);
    that must neither show them the mail the site sent there nor, when they delete their account,
    take that mail away from its real owner."""
    return set(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
