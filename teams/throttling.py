"""How many invitation emails the site sends for one account and one client address.

Counted with django-ratelimit like sign-up (accounts/throttling.py), against the same client
address (`client_address`: REMOTE_ADDR, or the one the outermost trusted proxy saw). Every
invitation that asks for an email counts, whether or not the mail then goes out; a link to pass
on sends no mail and does not count (the cap on a team's open invitations, teams.services,
bounds those). Past either limit the owner gets the "too many invitations" page (429, with
Retry-After) and nothing is made.

Rates (settings override them; reasoning in docs/teams.md):
- TEAM_INVITE_MAIL_RATE_ACCOUNT, default 20 an hour: a team lead inviting a team of 15 in one
  sitting fits; a spammer's account sends at most 20 mails an hour.
- TEAM_INVITE_MAIL_RATE_ADDRESS, default 40 an hour: two busy owners behind one office address fit;
  one address with many fresh accounts (sign-up allows 10 an hour) still sends at most 40.
The counters live in the default cache: with several workers, DJANGO_CACHE_URL must be Redis.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from accounts.throttling import client_address, in_words

RATE_ACCOUNT = "20/h"
RATE_ADDRESS = "40/h"


def _rate_account(group, request):
    return getattr(settings, "TEAM_INVITE_MAIL_RATE_ACCOUNT", RATE_ACCOUNT)


def _rate_address(group, request):
    return getattr(settings, "TEAM_INVITE_MAIL_RATE_ADDRESS", RATE_ADDRESS)


def _account_key(group, request):
    return str(request.user.pk)


def _address_key(group, request):
    return client_address(request)


LIMITS = (
    ("teams.invite_mail.account", _account_key, _rate_account),
    ("teams.invite_mail.address", _address_key, _rate_address),
)


def invitation_mail_throttled(request, team):
    """Count one invitation email against the account and the client address; the 429 page once
    either is past its limit, else None."""
    waits = []
    for group, key, rate in LIMITS:
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
        if usage is not None and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    if not waits:
        return None
    wait = max(waits)
    context = {"team": team, "wait": in_words(timedelta(seconds=wait))}
    response = render(request, "teams/invite_throttled.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response
