"""Teams: people who assess together, the roles a manager assigns them, and what each member consents to show.

A member's ratings never reach the team by default. `Membership.consent` says what the team may
see: nothing, aggregates only, or the member's latest submitted report of each assigned role
(evidence and plan only with their own ticks).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assessments.owners import OwnedQuerySet
from roles.models import Role

INVITATION_DAYS = 7


class TeamQuerySet(OwnedQuerySet):
    owner_paths = ("memberships__user",)  # members' dashboards name the team


class Team(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("teams:detail", kwargs={"slug": self.slug})


class MembershipQuerySet(OwnedQuerySet):
    owner_paths = ("user",)

    def managing(self):
        """Memberships that may see the team's pages: owners and managers."""
        return self.filter(role__in=[Membership.Role.OWNER, Membership.Role.MANAGER])

    def owners(self):
        return self.filter(role=Membership.Role.OWNER)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"
        MEMBER = "member", "Member"

    class Consent(models.TextChoices):
        NOTHING = "nothing", "Nothing"
        AGGREGATES = "aggregates", "Aggregates only"
        INDIVIDUAL = "individual", "My latest submitted report of each assigned role"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    consent = models.CharField(max_length=12, choices=Consent.choices, default=Consent.NOTHING)
    share_evidence = models.BooleanField(default=False, help_text="With an individual report: the evidence too.")
    share_plan = models.BooleanField(default=False, help_text="With an individual report: the plan too.")
    joined_at = models.DateTimeField(auto_now_add=True)
    consent_updated_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_once_per_team"),
            models.CheckConstraint(condition=Q(role__in=["owner", "manager", "member"]), name="membership_role_valid"),
            models.CheckConstraint(
                condition=Q(consent__in=["nothing", "aggregates", "individual"]), name="membership_consent_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent="individual") | Q(share_evidence=False, share_plan=False),
                name="membership_extras_need_individual_consent",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.get_role_display()})"

    @property
    def can_manage(self):
        return self.role in (self.Role.OWNER, self.Role.MANAGER)

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER

    @property
    def contributes_aggregates(self):
        return self.consent in (self.Consent.AGGREGATES, self.Consent.INDIVIDUAL)

    @property
    def shares_individually(self):
        return self.consent == self.Consent.INDIVIDUAL


def new_invitation_token():
    return secrets.token_urlsafe(32)  # 256 bits


def token_digest(token):
    """Invitations are found by the SHA-256 of their token; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Where the link was sent (blank: a link to pass on).")
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["manager", "member"]), name="invitation_role_not_owner"),
        ]

    def __str__(self):
        return f"Invitation to {self.team} ({self.status})"

    @property
    def status(self):
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    @property
    def is_open(self):
        return self.status == "open"


class AssignmentQuerySet(OwnedQuerySet):
    owner_paths = ("team__memberships__user",)  # members' dashboards list the team's assignments


class Assignment(models.Model):
    """A target role for the whole team (`everyone`) or for chosen members (`targets`)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="team_assignments")
    everyone = models.BooleanField(default=True, help_text="The whole team, including people who join later.")
    targets = models.ManyToManyField(Membership, blank=True, related_name="assignments")
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.role} for {self.team}"

    def get_absolute_url(self):
        return reverse("teams:role", kwargs={"slug": self.team.slug, "role_slug": self.role.slug})
