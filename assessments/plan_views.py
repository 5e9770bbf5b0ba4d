"""The development plan's pages: one plan per person and role, made from a report and addressed
by the latest report it was brought up to date with (services.create_plan)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import services
from .calendar import plan_ics
from .forms import PlanItemForm
from .models import PlanItem
from .plans import item_histories, plan_for, plan_options
from .reports import report_for
from .views import get_submitted_or_404


def _get_plan_or_404(request, pk):
    """The requester's plan for the role of their report `pk`: the plan is made from (and its page
    addressed by) the latest report it was brought up to date with, which is returned with it."""
    report = get_submitted_or_404(request, pk)
    plan = plan_for(request.user, report.role_id)
    if plan is None:
        raise Http404("No plan for this role.")
    return plan.assessment, plan


def _plan_page(request, assessment, plan, *, bound=None):
    report_view = report_for(assessment)
    options = plan_options(report_view)
    items = list(plan.items.select_related("skill"))
    histories = item_histories(plan)
    rows = []
    for item in items:
        if bound is not None and bound.instance.pk == item.pk:
            form = bound
        else:
            form = PlanItemForm(instance=item, options=options.get(item.skill.slug, []), prefix=f"item-{item.pk}")
        rows.append({"item": item, "form": form, "history": histories.get(item.pk, [])})
    done = sum(1 for i in items if i.status == PlanItem.Status.DONE)
    return render(
        request,
        "assessments/plan.html",
        {"assessment": assessment, "plan": plan, "rows": rows, "done": done, "total": len(items)},
    )


@login_required
@require_POST
def plan_create(request, pk):
    assessment = get_submitted_or_404(request, pk)
    plan, created = services.create_plan(assessment=assessment)
    if created:
        messages.success(request, "Your plan is ready: choose what you will do about each gap and by when.")
    elif plan.assessment_id == assessment.pk:
        messages.success(request, "Your plan now follows this report: open items carried forward, closed gaps done.")
    else:
        messages.info(request, "Your plan follows your latest report of this role.")
    return redirect(plan.get_absolute_url())


@never_cache
@login_required
@require_GET
def plan(request, pk):
    assessment, plan = _get_plan_or_404(request, pk)
    if assessment.pk != pk:
        return redirect(plan.get_absolute_url())
    return _plan_page(request, assessment, plan)


@never_cache
@login_required
@require_POST
def plan_item(request, pk, item_id):
    assessment, plan = _get_plan_or_404(request, pk)
    item = get_object_or_404(PlanItem.objects.owned_by(request.user).select_related("skill"), pk=item_id, plan=plan)
    options = plan_options(report_for(assessment)).get(item.skill.slug, [])
    # The form validates a copy: a failed validation must not leave half-applied values on `item`.
    form = PlanItemForm(
        request.POST, instance=PlanItem.objects.get(pk=item.pk), options=options, prefix=f"item-{item.pk}"
    )
    if not form.is_valid():
        messages.error(request, f"Not saved: check the {item.skill_name} item below.")
        return _plan_page(request, assessment, plan, bound=form)
    services.update_plan_item(
        item=item,
        action=form.cleaned_data["action"],
        target_date=form.cleaned_data["target_date"],
        notes=form.cleaned_data["notes"],
        status=form.cleaned_data["status"],
    )
    if item.target_date and item.target_date < timezone.localdate() and item.status != PlanItem.Status.DONE:
        messages.warning(request, f"Saved. Note: the target date for {item.skill_name} is in the past.")
    else:
        messages.success(request, f"Saved your plan for {item.skill_name}.")
    return redirect(f"{reverse('assessments:plan', args=[assessment.pk])}#item-{item.pk}")


@never_cache
@login_required
@require_GET
def plan_calendar(request, pk):
    assessment, plan = _get_plan_or_404(request, pk)
    response = HttpResponse(plan_ics(plan, host=request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="careerpath-plan-{assessment.pk}.ics"'
    return response
