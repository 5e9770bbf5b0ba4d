"""Rate limits: one per client address (every request, counted before the token is even read, so
guessing tokens is throttled too) and one per token (or per signed-in person in a browser).
Over either: 429 with Retry-After. Rates: API_RATE_PER_ADDRESS and API_RATE_PER_TOKEN (settings)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.throttling import client_address

from .models import PersonalAccessToken


class _Throttle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)  # read per request, so a changed setting applies at once


class AddressThrottle(_Throttle):
    scope = "api-address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class TokenThrottle(_Throttle):
    scope = "api-token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PersonalAccessToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            return None  # visitors: the address limit
        return self.cache_format % {"scope": self.scope, "ident": ident}
