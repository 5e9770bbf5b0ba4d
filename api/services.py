"""Writes to personal access tokens: make one (the token is returned once), revoke one, note its use.

Keyword-only, each in one transaction; a refused write raises `TokenError` with a message for the
person, and changes nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from careerpath.owner import Owner
from careerpath.tokens import new_token, token_digest

from .models import PersonalAccessToken, Scope

PREFIX = "cpat_"  # "careerpath access token": secret scanners and people can tell what it is
EXPIRY_CHOICES = (7, 30, 90, 365)  # days
USE_RECORDED_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per token


class TokenError(Exception):
    pass


@transaction.atomic
def create_token(*, user, name, scopes, days):
    """(token row, the token itself): the only time the token is known; only its digest is kept."""
    name = name.strip()
    unknown = sorted(set(scopes) - set(Scope.values))
    if not name:
        raise TokenError("Give the token a name, so you know what it is for when you revoke it.")
    if not scopes or unknown:
        raise TokenError("Choose at least one scope from the list.")
    if days not in EXPIRY_CHOICES:
        raise TokenError(f"Choose an expiry of {', '.join(map(str, EXPIRY_CHOICES))} days.")
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one maker at a time per person
    active = PersonalAccessToken.objects.owned_by(Owner.of_user(user)).usable().count()
    if active >= settings.API_TOKEN_LIMIT:
        raise TokenError(f"You have {active} tokens; revoke one you no longer use before making another.")
    token = PREFIX + new_token()
    row = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        token_digest=token_digest(token),
        scopes=" ".join(s for s in Scope.values if s in scopes),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return row, token


@transaction.atomic
def revoke_token(*, token):
    """Revoke `token` (a PersonalAccessToken) from now on; revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def record_use(*, token):
    """Note when the token was last used (shown on the tokens page), at most every few minutes."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
