"""Personal access tokens for the API: named, scoped, expiring, revocable; kept as digests.

The token itself (`cpat_` and 43 URL-safe characters, 256 random bits) is shown to its owner once,
when it is made; only its SHA-256 is stored (careerpath/tokens.py), so a copy of the database, a
backup or an admin page lets no one call the API. A token does only what its scopes allow, and only
what its owner could do in the browser.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.owners import OwnedByQuerySet


class Scope(models.TextChoices):
    READ_ROLES = "read:roles", "Read role guides and skills"
    READ_REPORTS = "read:reports", "Read my assessments, reports and plans"
    WRITE_PLAN = "write:plan", "Change the status and action of my plan items"
    READ_TEAMS = "read:teams", "Read completion and the matrix of the teams I manage"


class TokenQuerySet(OwnedByQuerySet):
    owner_path = "user"  # owned_by(owner); on no cached page, so its writes retire none (not an OwnedQuerySet)

    def usable(self):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PersonalAccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, in its owner's words.")
    token_digest = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=200, help_text="Space-separated scopes, e.g. read:roles read:reports.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "personal access token"

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def scope_set(self):
        return frozenset(self.scopes.split())

    @property
    def scope_labels(self):
        return [Scope(s).label for s in self.scopes.split() if s in Scope.values]

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired
