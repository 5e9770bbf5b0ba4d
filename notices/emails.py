"""The notices' mails. Like the invitation mail (teams/services.py), a mail carries only the site's
own fixed words and links: nothing a person typed (a team's name, a reviewer's name) reaches a
subject or a body, where it could pose as the site. The notice itself, with its names, is on the
site behind the link."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from .models import Kind
from .unsubscribe import DIGEST, make_token


def site_url(path):
    return settings.CAREERPATH_SITE_URL.rstrip("/") + path


def unsubscribe_headers(url):
    """RFC 2369's List-Unsubscribe with RFC 8058's one-click POST."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _unsubscribe_url(user_id, what):
    return site_url(reverse("notices:unsubscribe", kwargs={"token": make_token(user_id, what)}))


def notice_message(notice, *, to):
    label = Kind(notice.kind).label
    unsubscribe = _unsubscribe_url(notice.user_id, notice.kind)
    body = (
        f"{label}.\n\n"
        f"See it on careerpath:\n{site_url(notice.url)}\n\n"
        f"You get this email because you asked for an email at once about this kind of notice.\n"
        f"Stop these emails (one click, no sign-in): {unsubscribe}\n"
        f"All your notice settings: {site_url(reverse('notices:preferences'))}\n"
    )
    return EmailMessage(
        subject=f"careerpath: {label}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=unsubscribe_headers(unsubscribe),
    )


def digest_message(user_id, notices, *, to):
    counts = {}
    for notice in notices:
        counts[notice.kind] = counts.get(notice.kind, 0) + 1
    lines = [f"- {Kind(kind).label}: {count}" for kind, count in counts.items()]
    unsubscribe = _unsubscribe_url(user_id, DIGEST)
    body = (
        "Your week on careerpath:\n\n" + "\n".join(lines) + f"\n\nSee them all: {site_url(reverse('notices:list'))}\n\n"
        "You get this weekly digest because you chose it for these kinds of notice.\n"
        f"Stop the digest (one click, no sign-in): {unsubscribe}\n"
        f"All your notice settings: {site_url(reverse('notices:preferences'))}\n"
    )
    return EmailMessage(
        subject="careerpath: your weekly digest",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=unsubscribe_headers(unsubscribe),
    )
