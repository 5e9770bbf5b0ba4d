"""Writes to teams. Views, tests and the account service all go through these functions.

Every function is keyword-only and runs in one transaction; a refused write raises `TeamError`
with a message for the person who tried, and changes nothing. Members' cached dashboards follow
every write through the models' `shown_on_pages_of` (teams/models.py), not through calls here.
"""

import hmac
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.emails import has_verified_email
from assessments.models import Assessment
from careerpath.owner import Owner
from careerpath.validators import validate_single_line

from . import selectors
from .matrix import aggregate_of, result_record
from .models import (
    Assignment,
    CycleParticipant,
    Invitation,
    Membership,
    ReviewCycle,
    Team,
    new_invitation_token,
    token_digest,
)

MAX_OPEN_INVITATIONS = 25  # per team: links waiting to be used or confirmed
MAX_CYCLE_DAYS = 90  # the furthest a review cycle may close
INVITATION_SUBJECT = "You are invited to a team on careerpath"


class TeamError(Exception):
    """A write the team's state does not allow; the message is shown to the user."""


class InvitationUnusable(TeamError):
    def __init__(self, status):
        self.status = status
        messages = {
            "used": "This invitation link has already been used. Ask the team's owner for a new one.",
            "revoked": "This invitation link was withdrawn by the team's owner.",
            "expired": "This invitation link has expired. Invitation links last 7 days: ask for a new one.",
            "pending": "Someone has already opened this invitation link; the team's owner is confirming who.",
        }
        super().__init__(messages[status])


def _check_name(name):
    try:
        validate_single_line(name)
    except ValidationError as exc:
        raise TeamError(exc.messages[0]) from exc


@transaction.atomic
def create_team(*, user, name, slug):
    """A new team, with `user` as its owner. A taken slug, or a name that is not one line of
    ordinary text (careerpath.validators), raises TeamError."""
    _check_name(name)
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
    """A single-use link valid for 7 days. Returns (invitation, token): the token is shown once.
    A team has at most MAX_OPEN_INVITATIONS open at once (TeamError beyond)."""
    Team.objects.select_for_update().filter(pk=team.pk).first()  # one creator at a time per team
    if Invitation.objects.filter(team=team).open().count() >= MAX_OPEN_INVITATIONS:
        raise TeamError(
            f"This team already has {MAX_OPEN_INVITATIONS} open invitations, the most it may have at once. "
            "Revoke some, or wait until they are used or expire."
        )
    token = new_invitation_token()
    invitation = Invitation.objects.create(
        team=team, token_digest=token_digest(token), email=email, role=role, created_by=by
    )
    return invitation, token


def invitation_path(token):
    return reverse("teams:join", kwargs={"token": token})


def send_invitation_email(*, invitation, token, base_url):
    """Email the link. The mail carries only the site's own fixed words and the link: nothing a
    user typed (team name, inviter's name) reaches a subject or a body, where it could pose as the
    site or smuggle a link; the join page shows, escaped, which team and who invited."""
    url = base_url.rstrip("/") + invitation_path(token)
    send_mail(
        subject=INVITATION_SUBJECT,
        message=(
            "Someone invited you to join a team on careerpath, the skill self-assessment site.\n\n"
            f"Open this link to see which team and who invited you, then accept if you want to:\n{url}\n\n"
            "The link works once and expires in 7 days. Joining shares nothing: you choose what the "
            "team may see. If you did not expect this invitation, ignore this email."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def find_invitation(token):
    """The invitation a token opens (any status), or None. Found by the token's digest and
    compared in constant time, so neither the lookup nor the comparison leaks the token."""
    digest = token_digest(token)
    invitation = Invitation.objects.select_related("team", "created_by").filter(token_digest=digest).first()
    if invitation is None or not hmac.compare_digest(invitation.token_digest, digest):
        return None
    return invitation


def needs_owner_confirmation(invitation, user):
    """A link that grants the manager role always does; one sent to an email address does unless
    `user` has that address verified (accounts.emails: nobody has, until allauth)."""
    if invitation.grants_manager:
        return True
    return bool(invitation.email) and not has_verified_email(user, invitation.email)


def _check_invitee(invitation, user):
    if Membership.objects.owned_by(Owner.of_user(user)).filter(team_id=invitation.team_id).exists():
        raise TeamError("You are already a member of this team; the invitation is left for someone else.")
    if invitation.email and invitation.email.casefold() != (user.email or "").casefold():
        raise TeamError(
            "This invitation was sent to another email address than your account's. Ask the team's owner "
            "to invite the address you signed up with, or to send you a link to pass on."
        )


@transaction.atomic
def accept_invitation(*, invitation, user):
    """`user` accepts. Returns their membership, or None when the owner must first confirm them
    (the invitation then waits, `pending`, and is used up for anyone else). Refused (nothing
    changes) when the link is used, revoked, expired or already opened, when `user` is already a
    member, or when it was sent to another email address than `user`'s."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationUnusable(invitation.status)
    _check_invitee(invitation, user)
    if needs_owner_confirmation(invitation, user):
        invitation.pending_by = user
        invitation.pending_at = timezone.now()
        invitation.save(update_fields=["pending_by", "pending_at"])
        return None
    return _use(invitation, user)


def _use(invitation, user):
    membership = Membership.objects.create(team_id=invitation.team_id, user=user, role=invitation.role)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return membership


@transaction.atomic
def confirm_invitation(*, team, invitation):
    """The owner confirms the person who opened an invitation waiting for them: they join with
    the invitation's role."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("pending_by").get(pk=invitation.pk)
    if invitation.team_id != team.pk:
        raise TeamError("That invitation is not for this team.")
    if not invitation.is_pending:
        raise TeamError("Only an invitation someone opened and is waiting on can be confirmed.")
    if Membership.objects.filter(team=team, user=invitation.pending_by).exists():
        raise TeamError("That person is already a member of this team.")
    return _use(invitation, invitation.pending_by)


@transaction.atomic
def revoke_invitation(*, invitation):
    """Withdraw a link, or decline the person waiting on it; either way it no longer works."""
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
    if consent == Membership.Consent.NOTHING:  # from aggregates, or from by-name after aggregates
        withdraw_results(user=membership.user, team=membership.team)
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
    """Before an account is deleted: every released cycle result that counted them is withdrawn;
    the email address is blanked on every invitation they used or opened (one waiting for the
    owner is withdrawn); where they are the last owner, the longest-standing manager (else
    member) becomes owner, and a team left empty is deleted. Then the memberships go."""
    withdraw_results(user=user)
    now = timezone.now()
    Invitation.objects.filter(pending_by=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    Invitation.objects.filter(Q(used_by=user) | Q(pending_by=user)).update(email="", pending_by=None)
    mine = Membership.objects.owned_by(Owner.of_user(user))
    for membership in mine.select_related("team").filter(role=Membership.Role.OWNER):
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
    mine.delete()


# --- review cycles ------------------------------------------------------------------------------


def cycle_end(closes_on):
    """A cycle chosen to close "on" a day closes as the next day begins (local time)."""
    return timezone.make_aware(datetime.combine(closes_on + timedelta(days=1), time.min))


@transaction.atomic
def open_cycle(*, team, role, by, closes_on):
    """A review cycle of an assigned, published role. Who takes part is fixed now: the members
    assigned the role. Refused when one is already open for the role, when nobody is assigned,
    or when `closes_on` is not between today and MAX_CYCLE_DAYS ahead."""
    if not role.is_published:
        raise TeamError("That role is no longer published, so no review cycle can be opened for it.")
    today = timezone.localdate()
    if closes_on < today:
        raise TeamError("Choose a closing day that is today or later.")
    if closes_on > today + timedelta(days=MAX_CYCLE_DAYS):
        raise TeamError(f"A review cycle lasts at most {MAX_CYCLE_DAYS} days: choose an earlier closing day.")
    members = selectors.team_members(team)
    since = selectors.assigned_since(team, role, members)
    if not since:
        raise TeamError("Nobody in the team is assigned this role: assign it first.")
    if ReviewCycle.objects.open().filter(team=team, role=role).exists():
        raise TeamError("A review cycle of this role is already open: close it before opening another.")
    try:
        with transaction.atomic():
            cycle = ReviewCycle.objects.create(team=team, role=role, opened_by=by, closes_at=cycle_end(closes_on))
    except IntegrityError as exc:  # a race with another manager opening one
        raise TeamError("A review cycle of this role is already open: close it before opening another.") from exc
    CycleParticipant.objects.bulk_create(
        [CycleParticipant(cycle=cycle, user_id=m.user_id) for m in members if m.pk in since]
    )
    return cycle


def _submissions_during(cycle, user_ids, until):
    """{user id: their latest assessment of the cycle's role submitted while it was open}."""
    found = {}
    rows = (
        Assessment.objects.submitted()
        .filter(role=cycle.role, user_id__in=user_ids, submitted_at__gte=cycle.opened_at, submitted_at__lte=until)
        .defer("snapshot")
        .order_by("submitted_at", "id")
    )
    for a in rows:
        found[a.user_id] = a
    return found


def _differs_too_little(cycle, contributors, skills, threshold):
    """The earlier released result (withdrawn since or not) of the team, sharing a skill, whose
    contributors differ from `contributors` by 1 to threshold - 1 people; or None."""
    earlier = (
        ReviewCycle.objects.released().filter(team=cycle.team).exclude(pk=cycle.pk).prefetch_related("participants")
    )
    for other in earlier.order_by("-closed_at"):
        if not set(other.skills) & set(skills):
            continue
        theirs = [p for p in other.participants.all() if p.contributed]
        known = {p.user_id for p in theirs if p.user_id is not None}
        gone = sum(1 for p in theirs if p.user_id is None)  # a deleted account is in no later cycle
        difference = len(known ^ contributors) + gone
        if 0 < difference < threshold:
            return other, difference
    return None


@transaction.atomic
def close_cycle(*, cycle, by=None, at=None):
    """Close a review cycle and freeze its result (docs/teams.md, "Threat model").

    Hidden contributors: participants who, now, are plain members of the team with consent
    "aggregates only" and submitted an assessment of the role while the cycle was open. The result
    is released when there are at least TEAM_MIN_AGGREGATE of them and they are the very same
    people as, or differ by at least that many from, every earlier released result of the team
    that shares a skill; otherwise the cycle closes without one and `withheld_reason` says why.
    Closing a closed cycle is refused and changes nothing."""
    cycle = ReviewCycle.objects.select_for_update(of=("self",)).select_related("role", "team").get(pk=cycle.pk)
    if not cycle.is_open:
        when = date_format(timezone.localtime(cycle.closed_at), "j M Y")
        raise TeamError(f"This review cycle was already closed on {when}.")
    now = timezone.now()
    closed_at = min(at or now, now)
    participants = list(cycle.participants.all())
    submissions = _submissions_during(cycle, [p.user_id for p in participants], closed_at)
    memberships = {m.user_id: m for m in Membership.objects.filter(team=cycle.team)}
    hidden = []
    for p in participants:
        m = memberships.get(p.user_id)
        p.submitted = p.user_id in submissions
        if (
            p.submitted
            and m is not None
            and m.role == Membership.Role.MEMBER
            and m.consent == Membership.Consent.AGGREGATES
        ):
            hidden.append(p)
    threshold = settings.TEAM_MIN_AGGREGATE
    columns = selectors.role_columns(cycle.role)
    cycle.skills = [c.slug for c in columns]
    cycle.closed_at, cycle.closed_by, cycle.contributors = closed_at, by, len(hidden)
    reason = ""
    if len(hidden) < threshold:
        reason = (
            f"Only {len(hidden)} of the people who submitted share aggregates only; a result needs at least "
            f"{threshold}, so that no one person's ratings can be worked out from it."
        )
    else:
        clash = _differs_too_little(cycle, {p.user_id for p in hidden}, cycle.skills, threshold)
        if clash is not None:
            other, difference = clash
            when = date_format(timezone.localtime(other.closed_at), "j M Y")
            reason = (
                f"Its contributors differ from those of the {other.role.title} result closed on {when} by only "
                f"{difference} {'person' if difference == 1 else 'people'}. Two results must come from the very "
                f"same people or differ by at least {threshold}, or comparing them would show those people's ratings."
            )
    if reason:
        cycle.withheld_reason = reason
    else:
        assessments = [submissions[p.user_id] for p in hidden]
        newest = max(assessments, key=lambda a: (a.submitted_at, a.pk))
        reports, (courses, certifications) = selectors.member_reports(assessments, newest)
        result = aggregate_of(
            columns, [reports[a.pk] for a in assessments], courses=courses, certifications=certifications
        )
        cycle.result = result_record(result)
        cycle.released_at = closed_at
        for p in hidden:
            p.contributed = True
    cycle.save()
    CycleParticipant.objects.bulk_update(participants, ["submitted", "contributed"])
    return cycle


def current_team_role_view(*, team, role, viewer):
    """selectors.team_role_view, after closing an open cycle whose last day has passed (as of its
    end): what the team page, matrix.json and the API show a manager."""
    view = selectors.team_role_view(team, role, viewer)
    if view["due"]:
        close_due_cycles(team=team)
        view = selectors.team_role_view(team, role, viewer)
    return view


def close_due_cycles(*, team=None):
    """Close every open cycle whose day has passed (of `team`, or all), each as of its own end:
    the team pages call this before reading, and `manage.py close_review_cycles` from cron.
    Returns the cycles closed."""
    due = ReviewCycle.objects.open().filter(closes_at__lte=timezone.now())
    if team is not None:
        due = due.filter(team=team)
    closed = []
    for cycle in due.order_by("closes_at", "id"):
        try:
            closed.append(close_cycle(cycle=cycle, at=cycle.closes_at))
        except TeamError:  # closed meanwhile by someone else
            continue
    return closed


@transaction.atomic
def withdraw_results(*, user, team=None):
    """Withdraw every released result that counted `user` (in `team`, or anywhere): its numbers
    are deleted, not recomputed without them. The cycle and who took part stay, so a later result
    is still compared with it."""
    cycles = ReviewCycle.objects.filter(
        participants__user=user, participants__contributed=True, result__isnull=False, withdrawn_at__isnull=True
    )
    if team is not None:
        cycles = cycles.filter(team=team)
    return cycles.update(result=None, withdrawn_at=timezone.now())
