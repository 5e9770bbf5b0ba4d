"""Share links: the owner makes and revokes them; anyone with a live link reads the report, with
only what the owner ticked (plan, current role, evidence, second opinions). A link's token is
shown once, when it is made; only its SHA-256 is kept (careerpath/tokens.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careerpath.owner import Owner
from careerpath.tokens import find_by_token

from . import services
from .access import get_share_link_for_user, get_submitted_for_user
from .forms import ShareLinkForm
from .hooks import ratings_basis
from .models import Assessment, Plan, ShareLink, shared_report_path
from .views import report_context


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def shares(request, pk):
    """Make share links (each shown once, as it is made: only its digest is kept) and revoke them."""
    assessment = get_submitted_for_user(request, pk)
    initial = {"display_name": request.user.get_short_name() or ""}
    form = ShareLinkForm(request.POST or None, initial=initial)
    new_link = made = None
    if request.method == "POST" and form.is_valid():
        made, token = services.share_report(assessment=assessment, **form.cleaned_data)
        new_link = request.build_absolute_uri(shared_report_path(token))
        form = ShareLinkForm(initial=initial)
    context = {
        "assessment": assessment,
        "form": form,
        "links": assessment.share_links.all(),
        "new_link": new_link,
        "new_link_id": made and made.pk,
    }
    return render(request, "assessments/shares.html", context)


@login_required
@require_POST
def revoke_share(request, pk, link_id):
    assessment = get_submitted_for_user(request, pk)
    link = get_share_link_for_user(request, assessment, link_id)
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    messages.success(request, "Link revoked: it no longer opens the report.")
    return redirect("assessments:shares", pk=assessment.pk)


@never_cache
@require_GET
def shared_report(request, token):
    live = ShareLink.objects.active().filter(assessment__status=Assessment.Status.SUBMITTED)
    link = find_by_token(live.select_related("assessment", "assessment__role", "assessment__current_role"), token)
    if link is None:
        # Revoked, unknown or mistyped: one page for all, so it confirms nothing about the token.
        response = render(request, "assessments/shared_link_dead.html", status=404)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    context = report_context(link.assessment, share_link=link)
    context["share_link"] = link
    if link.include_plan:
        context["plan"] = (
            Plan.objects.owned_by(Owner.of_assessment(link.assessment))
            .for_role(link.assessment.role_id)
            .prefetch_related("items")
            .first()
        )
    context.update(ratings_basis().shared_report_context(link))
    response = render(request, "assessments/shared_report.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
