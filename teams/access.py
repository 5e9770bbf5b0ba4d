"""What a requester may open of a team: their own membership, and through it the team's pages,
invitations, members and cycles; a non-member (staff too) and a member without the right role get
a 404 like a stranger. The views load what they show through these."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from careerpath.owner import Owner

from .models import Invitation, Membership, ReviewCycle


def get_membership_for_user(request, slug):
    """The requester's own membership of team `slug`, else 404."""
    return get_object_or_404(Membership.objects.owned_by(Owner.of(request)).select_related("team"), team__slug=slug)


def get_managing_membership_for_user(request, slug):
    """The requester's membership of team `slug` as an owner or manager, else 404."""
    membership = get_membership_for_user(request, slug)
    if not membership.can_manage:
        raise Http404("No such team page.")
    return membership


def get_owner_membership_for_user(request, slug):
    """The requester's membership of team `slug` as an owner, else 404."""
    membership = get_membership_for_user(request, slug)
    if not membership.is_owner:
        raise Http404("No such team page.")
    return membership


def get_invitation_for_owner(membership, pk):
    """An invitation of the team of `membership` (from get_owner_membership_for_user), else 404."""
    return get_object_or_404(Invitation.objects.select_related("pending_by"), pk=pk, team=membership.team)


def get_member_for_owner(membership, pk):
    """A membership of the team of `membership` (from get_owner_membership_for_user), else 404."""
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, team=membership.team)


def get_cycle_for_manager(membership, pk):
    """A review cycle of the team of `membership` (from get_managing_membership_for_user), else 404."""
    return get_object_or_404(ReviewCycle.objects.select_related("role", "team"), pk=pk, team=membership.team)
