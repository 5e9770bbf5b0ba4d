from datetime import timedelta

from django.utils import timezone

from api import services
from api.models import Scope


def token_for(user, *scopes, days=30, name="Script"):
    """(row, token) made through the service production uses; every scope unless some are given."""
    return services.create_token(user=user, name=name, scopes=list(scopes or Scope.values), days=days)


def expired_token_for(user, *scopes):
    row, token = token_for(user, *scopes, name="Old script")
    row.expires_at = timezone.now() - timedelta(seconds=1)
    row.save(update_fields=["expires_at"])
    return row, token


def revoked_token_for(user, *scopes):
    row, token = token_for(user, *scopes, name="Leaked script")
    services.revoke_token(token=row)
    return row, token


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
