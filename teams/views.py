"""Team pages. Each view loads the requester's own membership of the team (a non-member, staff
included, gets a 404; a member where a manager's page is asked for, a 404 too), calls one
selector or service, and renders or redirects.

Team pages are never cached: consent and membership take effect on the next request.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import AssignmentForm, ConsentForm, InvitationForm, MemberRoleForm, TeamForm
from .heatmap import heatmap_svg, individual_table
from .matrix import matrix_data, matrix_rows
from .models import Invitation, Membership


@never_cache
@login_required
@require_GET
def team_list(request):
    return render(request, "teams/list.html", {"memberships": selectors.memberships_of(request.user)})


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
    membership = selectors.get_membership_or_404(request.user, slug)
    team = membership.team
    context = {"membership": membership, "team": team, "assignments": selectors.assignments_of(team)}
    if membership.can_manage:
        context["members"] = selectors.team_members(team)
        context["role_form"] = MemberRoleForm()
    return render(request, "teams/detail.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request, slug):
    membership = selectors.get_membership_or_404(request.user, slug)
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
    membership = selectors.get_membership_or_404(request.user, slug)
    try:
        services.leave_team(membership=membership)
    except services.TeamError as exc:
        messages.error(request, str(exc))
        return redirect(membership.team)
    messages.success(request, f"You left {membership.team.name}. It no longer sees anything of yours.")
    return redirect("teams:list")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, slug):
    membership = selectors.get_owner_membership_or_404(request.user, slug)
    team = membership.team
    form = InvitationForm(request.POST or None)
    new_link = None
    if form.is_valid():
        invitation, token = services.create_invitation(team=team, by=request.user, **form.cleaned_data)
        new_link = request.build_absolute_uri(services.invitation_path(token))
        if invitation.email:
            services.send_invitation_email(invitation=invitation, token=token, base_url=request.build_absolute_uri("/"))
            messages.success(request, f"Invitation emailed to {invitation.email}.")
        form = InvitationForm()
    context = {
        "team": team,
        "membership": membership,
        "form": form,
        "new_link": new_link,
        "invitations": team.invitations.select_related("used_by").all(),
    }
    return render(request, "teams/invitations.html", context)


@login_required
@require_POST
def revoke(request, slug, pk):
    membership = selectors.get_owner_membership_or_404(request.user, slug)
    invitation = get_object_or_404(Invitation, pk=pk, team=membership.team)
    try:
        services.revoke_invitation(invitation=invitation)
    except services.TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Invitation withdrawn: the link no longer works.")
    return redirect("teams:invitations", slug=slug)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token):
    """An invitation link. A visitor is asked to log in or sign up and comes back here; a
    signed-in person accepts explicitly (a POST)."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "teams/join.html", {"error": "This invitation link is not valid."}, status=404)
    if not invitation.is_open:
        error = str(services.InvitationUnusable(invitation.status))
        return render(request, "teams/join.html", {"error": error}, status=410)
    context = {"invitation": invitation, "team": invitation.team, "here": request.path}
    if not request.user.is_authenticated:
        return render(request, "teams/join.html", context)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except services.TeamError as exc:
            context["error"] = str(exc)
            return render(request, "teams/join.html", context, status=409)
        messages.success(request, f"You joined {invitation.team.name}. Choose what the team may see of you.")
        return redirect("teams:consent", slug=invitation.team.slug)
    context["already"] = Membership.objects.filter(team=invitation.team, user=request.user).exists()
    return render(request, "teams/join.html", context)


def _owner_target(request, slug, pk):
    owner = selectors.get_owner_membership_or_404(request.user, slug)
    target = get_object_or_404(Membership.objects.select_related("user"), pk=pk, team=owner.team)
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
    membership = selectors.get_managing_membership_or_404(request.user, slug)
    team = membership.team
    form = AssignmentForm(request.POST or None, team=team)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assign_role(
                team=team,
                by=request.user,
                role=data["role"],
                members=None if data["everyone"] else data["members"],
                due_date=data["due_date"],
            )
        except services.TeamError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{assignment.role.title} assigned.")
            return redirect(team)
    return render(request, "teams/assign.html", {"team": team, "membership": membership, "form": form})


def _role_view(request, slug, role_slug):
    membership = selectors.get_managing_membership_or_404(request.user, slug)
    role = selectors.assigned_role_or_404(membership.team, role_slug)
    return membership.team, role, selectors.team_role_view(membership.team, role)


@never_cache
@login_required
@require_GET
def role_page(request, slug, role_slug):
    team, role, view = _role_view(request, slug, role_slug)
    matrix = view["matrix"]
    context = {
        "team": team,
        "role": role,
        "heatmap_svg": heatmap_svg(matrix),
        "individual_table": individual_table(matrix),
    }
    context.update(view)
    return render(request, "teams/role.html", context)


@never_cache
@login_required
@require_GET
def matrix_json(request, slug, role_slug):
    team, role, view = _role_view(request, slug, role_slug)
    return JsonResponse(matrix_data(role, view["members_submitted"], view["matrix"]))


@never_cache
@login_required
@require_GET
def matrix_csv(request, slug, role_slug):
    team, role, view = _role_view(request, slug, role_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="careerpath-{team.slug}-{role.slug}.csv"'
    writer = csv.writer(response)
    writer.writerows(matrix_rows(matrix_data(role, view["members_submitted"], view["matrix"])))
    return response
