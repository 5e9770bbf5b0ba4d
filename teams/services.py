"""Writes to teams. Views, tests and the account service all go through these functions.

Every function is keyword-only and runs in one transaction; a refused write raises `TeamError`
with a message for the person who tried, and changes nothing. Members' cached dashboards follow
every write through the models' `owner_paths` (teams/models.py), not through calls here.
"""

import hmac

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import Assignment, Invitation, Membership, Team, new_invitation_token, token_digest


class TeamError(Exception):
    """A write the team's state does not allow; the message is shown to the user."""


class InvitationUnusable(TeamError):
    def __init__(self, status):
        self.status = status
        messages = {
            "used": "This invitation link has already been used. Ask the team's owner for a new one.",
            "revoked": "This invitation link was withdrawn by the team's owner.",
            "expired": "This invitation link has expired. Invitation links last 7 days: ask for a new one.",
        }
        super().__init__(messages[status])


@transaction.atomic
def create_team(*, user, name, slug):
    """A new team, with `user` as its owner. A taken slug raises TeamError."""
    if Team.objects.filter(slug=slug).exists():
        raise TeamError("That address is taken: choose another slug.")
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, slug=slug)
    except IntegrityError as exc:  # a race with another creator
        raise TeamError("That address is taken: choose another slug.") from exc
    Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
    return team


@transaction.atomic
def create_invitation(*, team, by, email="", role=Membership.Role.MEMBER):
    """A single-use link valid for 7 days. Returns (invitation, token): the token is shown once."""
    token = new_invitation_token()
    invitation = Invitation.objects.create(
        team=team, token_digest=token_digest(token), email=email, role=role, created_by=by
    )
    return invitation, token


def invitation_path(token):
    return reverse("teams:join", kwargs={"token": token})


def send_invitation_email(*, invitation, token, base_url):
    """Email the link (Django's email: the console backend unless EMAIL_HOST is set)."""
    url = base_url.rstrip("/") + invitation_path(token)
    send_mail(
        subject=f"You are invited to join {invitation.team.name} on careerpath",
        message=(
            f"{invitation.created_by} invited you to join the team {invitation.team.name} on careerpath.\n\n"
            f"Open this link, sign in or create an account, and accept:\n{url}\n\n"
            "The link works once and expires in 7 days. Your ratings stay private until you choose "
            "what the team may see."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def find_invitation(token):
    """The invitation a token opens (any status), or None. Found by the token's digest and
    compared in constant time, so neither the lookup nor the comparison leaks the token."""
    digest = token_digest(token)
    invitation = Invitation.objects.select_related("team").filter(token_digest=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_digest, digest):
        return None
    return invitation


@transaction.atomic
def accept_invitation(*, invitation, user):
    """`user` joins the team; the link is used up. Refused (nothing changes) when the link is
    used, revoked or expired, or when `user` is already a member."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationUnusable(invitation.status)
    if Membership.objects.filter(team_id=invitation.team_id, user=user).exists():
        raise TeamError("You are already a member of this team; the invitation is left for someone else.")
    membership = Membership.objects.create(team_id=invitation.team_id, user=user, role=invitation.role)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return membership


@transaction.atomic
def revoke_invitation(*, invitation):
    if invitation.used_at:
        raise TeamError("That invitation was already used; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _lock_owners(team):
    return list(Membership.objects.select_for_update().filter(team=team, role=Membership.Role.OWNER))


@transaction.atomic
def leave_team(*, membership):
    """A member leaves. The last owner cannot: they transfer ownership first."""
    owners = _lock_owners(membership.team)
    if membership.is_owner and len(owners) <= 1:
        raise TeamError("You are the team's only owner: transfer ownership to another member before leaving.")
    membership.delete()


@transaction.atomic
def remove_member(*, team, membership):
    """An owner removes a member; their data leaves every team view at once (it was never copied)."""
    if membership.team_id != team.pk:
        raise TeamError("That person is not in this team.")
    if membership.is_owner:
        raise TeamError("An owner cannot be removed; they can leave once someone else owns the team.")
    membership.delete()


@transaction.atomic
def set_member_role(*, team, membership, role):
    """Owners make members managers and back; ownership moves only by transfer."""
    if membership.team_id != team.pk:
        raise TeamError("That person is not in this team.")
    if role not in (Membership.Role.MANAGER, Membership.Role.MEMBER):
        raise TeamError("Choose manager or member.")
    if membership.is_owner:
        raise TeamError("The owner's role changes only by transferring ownership.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def transfer_ownership(*, team, from_membership, to_membership):
    """The new owner takes over; the old owner stays on as a manager."""
    if to_membership.team_id != team.pk or from_membership.team_id != team.pk:
        raise TeamError("That person is not in this team.")
    if to_membership.pk == from_membership.pk:
        raise TeamError("You already own this team.")
    if not from_membership.is_owner:
        raise TeamError("Only an owner can transfer ownership.")
    to_membership.role = Membership.Role.OWNER
    to_membership.save(update_fields=["role"])
    from_membership.role = Membership.Role.MANAGER
    from_membership.save(update_fields=["role"])
    return to_membership


@transaction.atomic
def set_consent(*, membership, consent, share_evidence=False, share_plan=False):
    """What the team may see of this member, effective on the next request (team pages are not cached)."""
    if consent not in Membership.Consent.values:
        raise TeamError("Choose what the team may see.")
    individual = consent == Membership.Consent.INDIVIDUAL
    membership.consent = consent
    membership.share_evidence = individual and share_evidence
    membership.share_plan = individual and share_plan
    membership.consent_updated_at = timezone.now()
    membership.save(update_fields=["consent", "share_evidence", "share_plan", "consent_updated_at"])
    return membership


@transaction.atomic
def assign_role(*, team, by, role, members=None, due_date=None):
    """Assign `role` to the whole team (`members` None) or to chosen memberships of this team.
    An unpublished role, or a member of another team, is refused."""
    if not role.is_published:
        raise TeamError("That role is not published, so it cannot be assigned.")
    if members is not None:
        members = list(members)
        if not members:
            raise TeamError("Choose at least one member, or assign the role to the whole team.")
        if any(m.team_id != team.pk for m in members):
            raise TeamError("Only members of this team can be assigned.")
    assignment = Assignment.objects.create(
        team=team, role=role, everyone=members is None, due_date=due_date, created_by=by
    )
    if members:
        assignment.targets.set(members)
    return assignment


@transaction.atomic
def remove_user_from_all_teams(*, user):
    """Before an account is deleted: where the user is the last owner, the longest-standing
    manager (else member) becomes owner; a team left empty is deleted. Then the memberships go."""
    for membership in Membership.objects.select_related("team").filter(user=user, role=Membership.Role.OWNER):
        team = membership.team
        if Membership.objects.owners().filter(team=team).exclude(user=user).exists():
            continue
        others = Membership.objects.filter(team=team).exclude(user=user)
        heir = others.filter(role=Membership.Role.MANAGER).first() or others.first()
        if heir is None:
            team.delete()
        else:
            heir.role = Membership.Role.OWNER
            heir.save(update_fields=["role"])
    Membership.objects.filter(user=user).delete()
