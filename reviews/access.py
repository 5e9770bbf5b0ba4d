"""What a requester may open among second opinions: one function per object, each scoped to the
requester (an owner's assessment, a reviewer's review, an invitee's request), anyone else's a 404.
The views load what they show through these, never through a bare queryset."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import Assessment
from careerpath.owner import Owner
from careerpath.tokens import find_by_token

from .models import Review, ReviewRequest


def get_submitted_for_user(request, pk):
    """The requester's own submitted assessment, else 404 (a visitor owns none here)."""
    if not request.user.is_authenticated:
        raise Http404("No such assessment.")
    assessments = Assessment.objects.owned_by(Owner.of(request)).submitted().select_related("role")
    return get_object_or_404(assessments, pk=pk)


def get_request_for_owner(assessment, request_id):
    """A review request of the requester's `assessment` (from get_submitted_for_user), else 404."""
    return get_object_or_404(ReviewRequest, pk=request_id, assessment=assessment)


def get_review_for_reviewer(request, pk):
    """A review the requester gives (draft or submitted), else 404."""
    return get_object_or_404(
        Review.objects.select_related("request", "request__assessment", "request__assessment__role"),
        pk=pk,
        reviewer=request.user,
        request__revoked_at__isnull=True,
    )


def get_review_for_owner(request, pk):
    """A submitted review of one of the requester's assessments, else 404 (drafts stay private)."""
    return get_object_or_404(
        Review.objects.owned_by(Owner.of(request))
        .submitted()
        .select_related("request", "request__assessment", "request__assessment__role"),
        pk=pk,
    )


def get_request_for_invitee(request, request_id):
    """A request addressed to the requester by name (a teammate's), else 404."""
    return get_object_or_404(
        ReviewRequest.objects.select_related("assessment", "assessment__role"),
        pk=request_id,
        invitee=request.user,
        assessment__status=Assessment.Status.SUBMITTED,
    )


def get_request_for_link(token):
    """The request a review link's token opens (found by the token's digest), else 404: whoever
    holds the link may open it, signed in or not."""
    requests = ReviewRequest.objects.select_related("assessment", "assessment__role")
    found = find_by_token(requests.filter(assessment__status=Assessment.Status.SUBMITTED), token)
    if found is None:
        raise Http404("No such review link.")
    return found
