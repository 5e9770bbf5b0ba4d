"""Team pages. Each view loads the requester's own membership of the team (a non-member, staff
included, gets a 404; a member where a manager's page is asked for, a 404 too), calls one
selector or service, and renders or redirects.

Team pages are never cached: consent and membership take effect on the next request. The pages
of a role taken off the site since it was assigned answer 410 and say so.
"""

import csv
import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateformat import format as date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careerpath.owner import Owner

from . import access, selectors, services
from .forms import AssignmentForm, ConsentForm, CycleForm, InvitationForm, MemberRoleForm, TeamForm
from .matrix import matrix_data, matrix_rows
from .models import Membership
from .throttling import invitation_mail_throttled

log = logging.getLogger(__name__)


@never_cache
@login_required
@require_GET
def team_list(request):
    context = {
        "memberships": selectors.memberships_of(request.user),
        "pending": selectors.pending_requests_of(request.user),
    }
    return render(request, "teams/list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    form = TeamForm(request.POST or None)
    if form.is_valid():
        try:
            team = services.create_team(user=request.user, **form.cleaned_data)
        except services.TeamError as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(request, f"Team {team.name} created. Invite people from its page.")
            return redirect(team)
    return render(request, "teams/create.html", {"form": form})


@never_cache
@login_required
@require_GET
def detail(request, slug):
    membership = access.get_membership_for_user(request, slug)
    team = membership.team
    context = {
        "membership": membership,
        "team": team,
        "assignments": selectors.assignments_of(team),
        "open_cycles": selectors.open_cycles_of(team),
    }
    if membership.can_manage:
        context["members"] = selectors.team_members(team)
        context["role_form"] = MemberRoleForm()
    return render(request, "teams/detail.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request, slug):
    membership = access.get_membership_for_user(request, slug)
    initial = {
        "consent": membership.consent,
        "share_evidence": membership.share_evidence,
        "share_plan": membership.share_plan,
    }
    form = ConsentForm(request.POST or None, initial=initial)
    if form.is_valid():
        services.set_consent(membership=membership, **form.cleaned_data)
        messages.success(request, "Saved. The team sees your choice from its next page view.")
        return redirect(membership.team)
    context = {
        "membership": membership,
        "team": membership.team,
        "form": form,
        "min_aggregate": selectors.min_aggregate(),
    }
    return render(request, "teams/consent.html", context)


@login_required
@require_POST
def leave(request, slug):
    membership = access.get_membership_for_user(request, slug)
    try:
        services.leave_team(membership=membership)
    except services.TeamError as exc:
        messages.error(request, str(exc))
        return redirect(membership.team)
    messages.success(request, f"You left {membership.team.name}. It no longer sees anything new of yours.")
    return redirect("teams:list")


def _invite(request, team, form):
    """Make the invitation the valid `form` asks for, email it if it names an address (counted
    against the throttle first), and return (response or None, the link to show or None)."""
    email = form.cleaned_data["email"]
    if email and (throttled := invitation_mail_throttled(request, team)):
        return throttled, None
    try:
        invitation, token = services.create_invitation(team=team, by=request.user, **form.cleaned_data)
    except services.TeamError as exc:
        form.add_error(None, str(exc))
        return None, None
    link = request.build_absolute_uri(services.invitation_path(token))
    if email:
        try:
            services.send_invitation_email(invitation=invitation, token=token, base_url=request.build_absolute_uri("/"))
        except (OSError, ValueError):  # SMTP down or refusing (OSError), a bad header (ValueError)
            log.warning("Invitation email to team %s could not be sent", team.slug, exc_info=True)
            messages.warning(
                request,
                f"The email to {email} could not be sent. The invitation is made: copy its link below and send "
                "it yourself, or revoke it.",
            )
        else:
            messages.success(request, f"Invitation emailed to {email}. You confirm whoever opens it.")
    return None, link


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, slug):
    membership = access.get_owner_membership_for_user(request, slug)
    team = membership.team
    form = InvitationForm(request.POST or None)
    new_link = None
    if form.is_valid():
        response, new_link = _invite(request, team, form)
        if response is not None:
            return response
        if new_link:
            form = InvitationForm()
    context = {
        "team": team,
        "membership": membership,
        "form": form,
        "new_link": new_link,
        "invitations": team.invitations.select_related("used_by", "created_by", "pending_by").all(),
        "max_open": services.MAX_OPEN_INVITATIONS,
    }
    return render(request, "teams/invitations.html", context)


@login_required
@require_POST
def revoke(request, slug, pk):
    membership = access.get_owner_membership_for_user(request, slug)
    invitation = access.get_invitation_for_owner(membership, pk)
    was_pending = invitation.is_pending
    try:
        services.revoke_invitation(invitation=invitation)
    except services.TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Declined: they do not join." if was_pending else "Invitation withdrawn.")
    return redirect("teams:invitations", slug=slug)


@login_required
@require_POST
def confirm(request, slug, pk):
    membership = access.get_owner_membership_for_user(request, slug)
    invitation = access.get_invitation_for_owner(membership, pk)
    try:
        joined = services.confirm_invitation(team=membership.team, invitation=invitation)
    except services.TeamError as exc:
        messages.error(request, str(exc))
    else:
        name = selectors.display_name(joined.user)
        messages.success(request, f"{name} joined as a {joined.get_role_display().lower()}.")
    return redirect("teams:invitations", slug=slug)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token):
    """An invitation link. A visitor is asked to log in or sign up and comes back here; a
    signed-in person sees which team and who invited them, and accepts explicitly (a POST)."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "teams/join.html", {"error": "This invitation link is not valid."}, status=404)
    if invitation.is_pending and invitation.pending_by_id == request.user.pk:
        messages.info(request, f"You asked to join {invitation.team.name}: you join once its owner confirms you.")
        return redirect("teams:list")
    if not invitation.is_open:
        error = str(services.InvitationUnusable(invitation.status))
        return render(request, "teams/join.html", {"error": error}, status=410)
    context = {
        "invitation": invitation,
        "team": invitation.team,
        "inviter": selectors.display_name(invitation.created_by) if invitation.created_by else None,
        "here": request.path,
    }
    if not request.user.is_authenticated:
        return render(request, "teams/join.html", context)
    context["needs_confirmation"] = services.needs_owner_confirmation(invitation, request.user)
    # Sent to their address, which they have not verified: verifying it first lets them join at once.
    context["verify_first"] = context["needs_confirmation"] and bool(invitation.email) and not invitation.grants_manager
    if request.method == "POST":
        try:
            joined = services.accept_invitation(invitation=invitation, user=request.user)
        except services.TeamError as exc:
            context["error"] = str(exc)
            return render(request, "teams/join.html", context, status=409)
        if joined is None:
            messages.info(request, f"Asked to join {invitation.team.name}: you join once its owner confirms you.")
            return redirect("teams:list")
        messages.success(request, f"You joined {invitation.team.name}. Choose what the team may see of you.")
        return redirect("teams:consent", slug=invitation.team.slug)
    context["already"] = Membership.objects.owned_by(Owner.of(request)).filter(team=invitation.team).exists()
    return render(request, "teams/join.html", context)


def _owner_target(request, slug, pk):
    owner = access.get_owner_membership_for_user(request, slug)
    target = access.get_member_for_owner(owner, pk)
    return owner, target


def _done(request, action):
    try:
        action()
    except services.TeamError as exc:
        messages.error(request, str(exc))
        return False
    return True


@login_required
@require_POST
def remove(request, slug, pk):
    owner, target = _owner_target(request, slug, pk)
    if _done(request, lambda: services.remove_member(team=owner.team, membership=target)):
        messages.success(request, f"{selectors.display_name(target.user)} was removed from the team.")
    return redirect(owner.team)


@login_required
@require_POST
def member_role(request, slug, pk):
    owner, target = _owner_target(request, slug, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose manager or member.")
    elif _done(
        request, lambda: services.set_member_role(team=owner.team, membership=target, role=form.cleaned_data["role"])
    ):
        messages.success(request, f"{selectors.display_name(target.user)} is now a {form.cleaned_data['role']}.")
    return redirect(owner.team)


@login_required
@require_POST
def transfer(request, slug, pk):
    owner, target = _owner_target(request, slug, pk)
    if _done(
        request,
        lambda: services.transfer_ownership(team=owner.team, from_membership=owner, to_membership=target),
    ):
        messages.success(request, f"{selectors.display_name(target.user)} now owns the team; you are a manager.")
    return redirect(owner.team)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assign(request, slug):
    membership = access.get_managing_membership_for_user(request, slug)
    team = membership.team
    form = AssignmentForm(request.POST or None, team=team)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assign_role(
                team=team, by=request.user, role=data["role"], members=form.chosen_members(), due_date=data["due_date"]
            )
        except services.TeamError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{assignment.role.title} assigned.")
            return redirect(team)
    return render(request, "teams/assign.html", {"team": team, "membership": membership, "form": form})


# --- the team's view of a role ------------------------------------------------------------------


def _withdrawn(request, team, role):
    return render(request, "teams/role_withdrawn.html", {"team": team, "role": role}, status=410)


def _role_of(request, slug, role_slug):
    """(managing membership, role): 404 outside the team's managers or for a role not assigned."""
    membership = access.get_managing_membership_for_user(request, slug)
    return membership, selectors.assigned_role_or_404(membership.team, role_slug)


def _team_view(request, team, role):
    return services.current_team_role_view(team=team, role=role, viewer=request.user)


def _role_page(request, membership, role, *, cycle_form=None):
    view = _team_view(request, membership.team, role)
    context = {"team": membership.team, "membership": membership, "role": role, "cycle_form": cycle_form or CycleForm()}
    context.update(view)
    return render(request, "teams/role.html", context)


@never_cache
@login_required
@require_GET
def role_page(request, slug, role_slug):
    membership, role = _role_of(request, slug, role_slug)
    if not role.is_published:
        return _withdrawn(request, membership.team, role)
    return _role_page(request, membership, role)


def _export(request, slug, role_slug):
    membership, role = _role_of(request, slug, role_slug)
    if not role.is_published:
        return membership.team, role, None
    view = _team_view(request, membership.team, role)
    return membership.team, role, matrix_data(role, view["members_submitted"], view)


@never_cache
@login_required
@require_GET
def matrix_json(request, slug, role_slug):
    team, role, data = _export(request, slug, role_slug)
    if data is None:
        body = {"error": f"{role.title} was withdrawn from the site; its team view is gone."}
        return HttpResponse(json.dumps(body), content_type="application/json", status=410)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="careerpath-{team.slug}-{role.slug}.json"'
    return response


@never_cache
@login_required
@require_GET
def matrix_csv(request, slug, role_slug):
    team, role, data = _export(request, slug, role_slug)
    if data is None:
        return _withdrawn(request, team, role)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="careerpath-{team.slug}-{role.slug}.csv"'
    csv.writer(response).writerows(matrix_rows(data))
    return response


@never_cache
@login_required
@require_POST
def open_cycle(request, slug, role_slug):
    membership, role = _role_of(request, slug, role_slug)
    if not role.is_published:
        return _withdrawn(request, membership.team, role)
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.open_cycle(
                team=membership.team, role=role, by=request.user, closes_on=form.cleaned_data["closes_on"]
            )
        except services.TeamError as exc:
            form.add_error("closes_on", str(exc))
        else:
            messages.success(request, f"Review cycle open until the end of {date_format(cycle.closes_on, 'j F Y')}.")
            return redirect("teams:role", slug=slug, role_slug=role.slug)
    messages.error(request, "No review cycle was opened: see the form below.")
    return _role_page(request, membership, role, cycle_form=form)


@login_required
@require_POST
def close_cycle(request, slug, pk):
    membership = access.get_managing_membership_for_user(request, slug)
    cycle = access.get_cycle_for_manager(membership, pk)
    if not cycle.role.is_published:
        return _withdrawn(request, membership.team, cycle.role)
    try:
        cycle = services.close_cycle(cycle=cycle, by=request.user)
    except services.TeamError as exc:
        messages.error(request, str(exc))
    else:
        if cycle.released_at:
            messages.success(request, f"Review cycle closed: its result, from {cycle.contributors} people, is below.")
        else:
            messages.info(request, f"Review cycle closed without a result. {cycle.withheld_reason}")
    return redirect("teams:role", slug=slug, role_slug=cycle.role.slug)
