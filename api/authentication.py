"""Who calls the API: a personal access token (`Authorization: Bearer cpat_...`), or the browser's
session with its CSRF token. A token that is malformed, unknown, revoked or expired is a 401 in the
error shape (api/errors.py), never a fall-back to being a visitor."""

import re

from rest_framework import authentication, exceptions

from careerpath.tokens import find_by_token

from .models import PersonalAccessToken
from .services import PREFIX, record_use

TOKEN_PATTERN = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{43}")
REALM = 'Bearer realm="careerpath"'


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer cpat_...")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        if not TOKEN_PATTERN.fullmatch(token):
            raise exceptions.AuthenticationFailed("This is not a careerpath token: it starts with cpat_.")
        found = find_by_token(PersonalAccessToken.objects.select_related("user"), token)
        if found is None or not found.user.is_active:
            raise exceptions.AuthenticationFailed("Unknown token.")
        if found.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token was revoked.")
        if found.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired; make a new one on the API tokens page.")
        record_use(token=found)
        return found.user, found

    def authenticate_header(self, request):
        return REALM


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's login; writes need the CSRF token (X-CSRFToken), as on every page."""
