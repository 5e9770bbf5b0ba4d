"""Throttling: which address a request comes from; log-in lockouts (django-axes) and rate limits
(django-ratelimit) on what costs us or someone else something, each with its own clear 429 page.

- `client_address(request)`: the address failures are counted against. Directly exposed, that is
  REMOTE_ADDR. Behind N trusted reverse proxies (settings.TRUSTED_PROXY_COUNT, from
  DJANGO_TRUSTED_PROXY_COUNT), it is the address the outermost trusted proxy appended to
  X-Forwarded-For: the N-th entry from the right. Entries further left are whatever the client sent,
  so they are never used. Anything missing or not an IP address falls back to REMOTE_ADDR.
- `lockout_response(request, ...)`: the "too many attempts" page, saying in words how long to wait.
- `Limit`s, each a rate read from settings (the defaults below; docs/deploy.md says why each is what
  it is) counted per client address or per email address typed in: sign-ups, password resets, and
  the drafts a visitor without an account starts. `over_limit(request, limits)` counts a request
  and says how long to wait once any limit is past; `too_many(...)` is the 429 page with Retry-After.
  `signup_throttled` and `password_reset_throttled` are the two account pages' checks.

The counters live in the default cache: with several worker processes, set DJANGO_CACHE_URL to
Redis so they share one count. When the cache does not answer, nothing is throttled
(RATELIMIT_FAIL_OPEN): Redis is never a dependency (docs/reliability.md).
"""

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django_ratelimit.core import get_usage


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < proxies:
        return remote
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def in_words(delta):
    """A duration as people say it: "15 minutes", "1 hour", "30 seconds"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    if seconds >= 60:
        minutes = -(-seconds // 60)  # round up: never promise a shorter wait than the real one
        return f"{minutes} minutes"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def typed_username(request, credentials=None):
    """The username a log-in attempt is for (django-axes' AXES_USERNAME_CALLABLE): allauth's form
    posts it as "login" and hands it to authenticate() as "username"; Django's admin posts "username"."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    return request.POST.get("login") or request.POST.get("username") or None


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {"cooloff_time": in_words(cool_off) if cool_off else None}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


SIGNUP_RATE_LIMIT = "10/h"  # sign-up attempts (made or refused) per client address
PASSWORD_RESET_RATE_LIMIT = "10/h"  # password reset requests per client address
PASSWORD_RESET_EMAIL_RATE_LIMIT = "3/h"  # password reset mails to one email address, whoever asks
VISITOR_DRAFT_RATE_LIMIT = "10/h"  # drafts started without an account per client address


def typed_email(request):
    return request.POST.get("email", "").strip().lower()


@dataclass(frozen=True)
class Limit:
    """`settings.<setting>` (else `default`) requests an interval, counted under `group` per `key`."""

    group: str
    setting: str
    default: str
    key: Callable[[HttpRequest], str] = client_address

    def usage(self, request, *, increment):
        rate = getattr(settings, self.setting, self.default)
        return get_usage(request, group=self.group, key=lambda _group, r: self.key(r), rate=rate, increment=increment)


SIGNUP = Limit("accounts.signup", "SIGNUP_RATE_LIMIT", SIGNUP_RATE_LIMIT)
PASSWORD_RESET = Limit("accounts.password_reset", "PASSWORD_RESET_RATE_LIMIT", PASSWORD_RESET_RATE_LIMIT)
PASSWORD_RESET_EMAIL = Limit(
    "accounts.password_reset.email", "PASSWORD_RESET_EMAIL_RATE_LIMIT", PASSWORD_RESET_EMAIL_RATE_LIMIT, typed_email
)
VISITOR_DRAFTS = Limit("assessments.visitor_drafts", "VISITOR_DRAFT_RATE_LIMIT", VISITOR_DRAFT_RATE_LIMIT)


def over_limit(request, limits, *, increment=True):
    """Count this request against each limit; the seconds to wait when any is past it, else None.

    With `increment=False` nothing is counted and a limit already reached counts as past: the check
    before something that is counted only once it happened (`count(request, limits)`)."""
    waits = []
    for limit in limits:
        usage = limit.usage(request, increment=increment)
        if usage is None:  # the cache did not answer: let it through
            continue
        if usage["should_limit"] or (not increment and usage["count"] >= usage["limit"]):
            waits.append(max(usage["time_left"], 1))
    return max(waits, default=None)


def count(request, limits):
    over_limit(request, limits)


def too_many(request, template, wait):
    """The 429 page `template`, saying how long to wait in words, with Retry-After."""
    response = render(request, template, {"wait": in_words(timedelta(seconds=wait))}, status=429)
    response["Retry-After"] = str(wait)
    return response


def signup_throttled(request):
    """Count this sign-up POST against the client address; the 429 page once past the limit, else None."""
    wait = over_limit(request, [SIGNUP])
    return None if wait is None else too_many(request, "account/signup_throttled.html", wait)


def password_reset_throttled(request):
    """Count this reset POST against the client address and the email address typed in (whether or
    not an account uses it, so the answer tells nothing); the 429 page once past either, else None."""
    limits = [PASSWORD_RESET, PASSWORD_RESET_EMAIL] if typed_email(request) else [PASSWORD_RESET]
    wait = over_limit(request, limits)
    return None if wait is None else too_many(request, "account/password_reset_throttled.html", wait)
