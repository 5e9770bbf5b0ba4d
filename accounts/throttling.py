"""Throttling: which address a request comes from; log-in lockouts (django-axes) and sign-up limits
(django-ratelimit), both counted against that one address, each with its own clear 429 page.

- `client_address(request)`: the address failures are counted against. Directly exposed, that is
  REMOTE_ADDR. Behind N trusted reverse proxies (settings.TRUSTED_PROXY_COUNT, from
  DJANGO_TRUSTED_PROXY_COUNT), it is the address the outermost trusted proxy appended to
  X-Forwarded-For: the N-th entry from the right. Entries further left are whatever the client sent,
  so they are never used. Anything missing or not an IP address falls back to REMOTE_ADDR.
- `lockout_response(request, ...)`: the "too many attempts" page, saying in words how long to wait.
- `signup_throttled(request)`: counts a sign-up attempt (every POST, made or refused) against the
  client address and, past `settings.SIGNUP_RATE_LIMIT` (default 10 an hour), returns the "too many
  sign-ups" page (429, with Retry-After); otherwise None. The counters live in the default cache:
  with several worker processes, set DJANGO_CACHE_URL to Redis so they share one count.
"""

import ipaddress
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

SIGNUP_RATE_LIMIT = "10/h"


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


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    context = {"cooloff_time": in_words(cool_off) if cool_off else None}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _signup_rate(group, request):
    return getattr(settings, "SIGNUP_RATE_LIMIT", SIGNUP_RATE_LIMIT)


def _client_key(group, request):
    return client_address(request)


def signup_throttled(request):
    """Count this sign-up POST against the client address; the 429 page once past the limit, else None."""
    usage = get_usage(
        request, group="accounts.signup", key=_client_key, rate=_signup_rate, method="POST", increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    wait = max(usage["time_left"], 1)
    response = render(
        request, "registration/signup_throttled.html", {"wait": in_words(timedelta(seconds=wait))}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
