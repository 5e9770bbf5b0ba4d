"""What a requester may open among assessments, plans and share links: one function per object,
each scoped to the requester through `objects.owned_by(Owner.of(request))`, anyone else's (or
nothing) a 404. The views load what they show through these, never through a bare queryset."""

from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404

from careerpath.owner import Owner

from .models import Assessment, PlanItem, ShareLink
from .plans import plan_for


def get_assessment_for_user(request, pk, *, related=True):
    """The requester's own assessment (a visitor's: the one in their session), else 404.

    `related=False` loads the assessment row alone (the autosave path needs only its ids), with
    its role's `is_published` as `role_is_published`.
    """
    qs = Assessment.objects.owned_by(Owner.of(request)).defer("snapshot")
    if related:
        qs = qs.select_related("role", "role__family")
    else:
        qs = qs.annotate(role_is_published=F("role__is_published"))
    return get_object_or_404(qs, pk=pk)


def get_submitted_for_user(request, pk, *, snapshot=False):
    """The requester's own submitted assessment (with its snapshot when asked), else 404."""
    qs = Assessment.objects.owned_by(Owner.of(request)).submitted().select_related("role", "current_role")
    return get_object_or_404(qs if snapshot else qs.defer("snapshot"), pk=pk)


def get_plan_for_user(request, pk):
    """The requester's plan for the role of their report `pk`, with the report it is addressed by:
    the plan is made from (and its page addressed by) the latest report it was brought up to date
    with. No such report or plan: 404."""
    report = get_submitted_for_user(request, pk)
    plan = plan_for(request.user, report.role_id)
    if plan is None:
        raise Http404("No plan for this role.")
    return plan.assessment, plan


def get_plan_item_for_user(request, plan, item_id):
    """An item of the requester's `plan`, else 404."""
    items = PlanItem.objects.owned_by(Owner.of(request)).select_related("skill")
    return get_object_or_404(items, pk=item_id, plan=plan)


def get_share_link_for_user(request, assessment, link_id):
    """An active share link of the requester's `assessment`, else 404."""
    links = ShareLink.objects.owned_by(Owner.of(request)).active()
    return get_object_or_404(links, pk=link_id, assessment=assessment)
