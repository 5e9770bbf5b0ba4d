"""Teams: people who assess together, the roles a manager assigns them, and what each member consents to show.

A member's ratings never reach the team by default. `Membership.consent` says what the team may
see: nothing, aggregates only, or the member's report of each assigned role (evidence and plan
only with their own ticks). Aggregates come only from review cycles (`ReviewCycle`): membership
fixed when a cycle opens, the result computed and frozen when it closes (docs/teams.md, "Threat
model").
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
from careerpath.validators import validate_single_line
from roles.models import Role

INVITATION_DAYS = 7


class TeamQuerySet(OwnedQuerySet):
    owner_path = None  # nobody's alone: a member reads it through their membership
    shown_on_pages_of = ("memberships__user",)  # members' dashboards name the team


class Team(models.Model):
    name = models.CharField(max_length=80, validators=[validate_single_line])
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
    owner_path = "user"

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
        INDIVIDUAL = "individual", "My report of each assigned role, by name"

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


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Not used, not revoked, not expired: what counts towards a team's cap (a link waiting
        for the owner's confirmation included)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use link to join a team. A link to pass on makes its opener a member at once; a
    link that grants the manager role, or one sent to an email address, is held for the owner to
    confirm who opened it (`pending_by`) unless the account has that address verified."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Where the link was sent (blank: a link to pass on).")
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who opened the link and asked to join, waiting for the owner to confirm them.",
    )
    pending_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["manager", "member"]), name="invitation_role_not_owner"),
            models.CheckConstraint(
                condition=Q(pending_by__isnull=True) | Q(pending_at__isnull=False), name="invitation_pending_has_time"
            ),
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
        if self.pending_at:
            return "pending"
        return "open"

    @property
    def is_open(self):
        return self.status == "open"

    @property
    def is_pending(self):
        return self.status == "pending"

    @property
    def grants_manager(self):
        return self.role == Membership.Role.MANAGER


class AssignmentQuerySet(OwnedQuerySet):
    owner_path = None  # the team's
    shown_on_pages_of = ("team__memberships__user",)  # members' dashboards list the team's assignments


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


class ReviewCycleQuerySet(OwnedQuerySet):
    owner_path = None  # the team's
    shown_on_pages_of = ("participants__user",)  # participants' dashboards say a cycle is open

    def open(self):
        return self.filter(closed_at__isnull=True)

    def released(self):
        """Cycles that released a result at close, withdrawn since or not: what a viewer may have
        downloaded, so what a new result must not be differenced against."""
        return self.filter(released_at__isnull=False)


class ReviewCycle(models.Model):
    """A round of assessments of one assigned role in one team.

    Who takes part is fixed when it opens (`participants`: the members assigned the role then).
    Members submit an assessment of the role while it is open; it closes by hand or at
    `closes_at`. At close the team's result is computed from its hidden contributors (plain
    members who chose aggregates only and submitted during the cycle) and stored in `result`,
    frozen; or none is released and `withheld_reason` says why. A contributor who withdraws
    consent or deletes their account withdraws the result (`withdrawn_at`; the numbers go).
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Result released"
        WITHHELD = "withheld", "Closed without a result"
        WITHDRAWN = "withdrawn", "Result withdrawn"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cycles")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(help_text="When it closes by itself: midnight after the chosen day.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who closed it by hand (blank: it closed on its date, or that account is gone).",
    )
    skills = models.JSONField(default=list, blank=True, help_text="The role's skill slugs at close.")
    contributors = models.PositiveIntegerField(default=0, help_text="Hidden contributors counted at close.")
    result = models.JSONField(null=True, blank=True, help_text="The frozen result (teams.matrix.AggregateResult).")
    released_at = models.DateTimeField(null=True, blank=True)
    withheld_reason = models.CharField(max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "role"], condition=Q(closed_at__isnull=True), name="reviewcycle_one_open_per_role"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opened_at")), name="reviewcycle_closes_later"),
            models.CheckConstraint(
                condition=Q(result__isnull=True) | Q(released_at__isnull=False, withdrawn_at__isnull=True),
                name="reviewcycle_result_only_released",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(closed_at__isnull=False),
                name="reviewcycle_released_when_closed",
            ),
        ]

    def __str__(self):
        return f"{self.role} cycle in {self.team} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("teams:role", kwargs={"slug": self.team.slug, "role_slug": self.role.slug})

    @property
    def state(self):
        if self.closed_at is None:
            return self.State.OPEN
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if self.released_at is not None:
            return self.State.RELEASED
        return self.State.WITHHELD

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def closes_on(self):
        """The last day members can submit (the cycle closes as the next day begins)."""
        return timezone.localtime(self.closes_at - timedelta(microseconds=1)).date()


class CycleParticipantQuerySet(OwnedQuerySet):
    owner_path = "user"


class CycleParticipant(models.Model):
    """One person in a cycle's fixed membership. `user` is blank once their account is deleted;
    the row stays, so the people a released result was computed from are still counted when a
    later result is compared with it (docs/teams.md, "No differencing")."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycle_participations"
    )
    submitted = models.BooleanField(default=False, help_text="Submitted an assessment of the role while it was open.")
    contributed = models.BooleanField(default=False, help_text="Counted, hidden, in the released result.")

    objects = CycleParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="cycleparticipant_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(contributed=False) | Q(submitted=True), name="cycleparticipant_contributed_submitted"
            ),
        ]

    def __str__(self):
        return f"{self.user or 'A deleted account'} in {self.cycle}"
