"""The development plan's pages: one plan per person and role, made from a report and addressed
by the latest report it was brought up to date with (services.create_plan)."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from careerpath.owner import Owner

from . import services
from .access import get_plan_for_user, get_plan_item_for_user, get_submitted_for_user
from .calendar import plan_ics
from .forms import PlanItemForm
from .hooks import ratings_basis
from .models import PlanItem
from .plans import item_histories, plan_options
from .reports import report_for

SAVED_KEY = "plan-saved-{}"  # session: ids of the items the last whole-plan save changed


def _item_form(item, options, data=None):
    # The form validates a copy: a failed validation must not leave half-applied values on `item`.
    instance = copy.copy(item) if data is not None else item
    return PlanItemForm(data, instance=instance, options=options.get(item.skill.slug, []), prefix=f"item-{item.pk}")


def _posted_forms(data, items, options):
    """{item id: bound form} for the items whose fields the request carries; an item added to
    the plan after the page was loaded is not in the request, and is left as it is."""
    return {item.pk: _item_form(item, options, data) for item in items if f"item-{item.pk}-status" in data}


def _plan_page(request, assessment, plan, *, bound=None, saved=(), status=200):
    """The plan as one form. `bound`: {item id: bound form} to show again with their errors and
    what was typed; `saved`: ids of the items to mark "Saved"."""
    bound = bound or {}
    options = plan_options(report_for(assessment))
    items = list(plan.items.select_related("skill"))
    histories = item_histories(plan)
    rows = [
        {
            "item": item,
            "form": bound.get(item.pk) or _item_form(item, options),
            "history": histories.get(item.pk, []),
            "saved": item.pk in saved,
        }
        for item in items
    ]
    done = sum(1 for i in items if i.status == PlanItem.Status.DONE)
    errors = [row for row in rows if row["form"].is_bound and row["form"].errors]
    return render(
        request,
        "assessments/plan.html",
        {
            "assessment": assessment,
            "plan": plan,
            "rows": rows,
            "done": done,
            "total": len(items),
            "errors": errors,
            "basis_phrase": ratings_basis().plan_basis_phrase(assessment),
        },
        status=status,
    )


def _values(form):
    return {name: form.cleaned_data[name] for name in services.PLAN_ITEM_FIELDS}


def _past_dates(items):
    today = timezone.localdate()
    return [i.skill_name for i in items if i.target_date and i.target_date < today and i.status != PlanItem.Status.DONE]


@login_required
@require_POST
def plan_create(request, pk):
    assessment = get_submitted_for_user(request, pk)
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
    assessment, plan = get_plan_for_user(request, pk)
    if assessment.pk != pk:
        return redirect(plan.get_absolute_url())
    saved = request.session.pop(SAVED_KEY.format(plan.pk), [])
    return _plan_page(request, assessment, plan, saved=set(saved))


@never_cache
@login_required
@require_POST
def plan_save(request, pk):
    """The plan page's one form: every item's fields at once. The valid items are saved; an
    invalid one comes back with its error and exactly what was typed, beside the saved ones."""
    assessment, plan = get_plan_for_user(request, pk)
    items = list(plan.items.owned_by(Owner.of(request)).select_related("skill"))
    forms = _posted_forms(request.POST, items, plan_options(report_for(assessment)))
    by_id = {item.pk: item for item in items}
    valid = [(by_id[item_id], _values(form)) for item_id, form in forms.items() if form.is_valid()]
    changed = services.update_plan_items(updates=valid)
    invalid = {item_id: form for item_id, form in forms.items() if form.errors}
    if invalid:
        names = ", ".join(by_id[item_id].skill_name for item_id in invalid)
        saved_text = f"Saved {len(changed)} other item{pluralize(len(changed))}. " if changed else ""
        messages.error(request, f"{saved_text}Not saved yet: check {names} below (what you typed is kept).")
        return _plan_page(request, assessment, plan, bound=invalid, saved={i.pk for i in changed})
    past = _past_dates(changed)
    if not changed:
        messages.info(request, "Nothing had changed since your last save.")
    elif past:
        messages.warning(request, f"Saved. Note: the target date for {', '.join(past)} is in the past.")
    else:
        messages.success(request, f"Saved your plan ({len(changed)} item{pluralize(len(changed))} changed).")
    request.session[SAVED_KEY.format(plan.pk)] = [item.pk for item in changed]
    anchor = request.POST.get("from_item", "")
    fragment = f"#item-{anchor}" if anchor.isdigit() and int(anchor) in by_id else ""
    return redirect(f"{reverse('assessments:plan', args=[assessment.pk])}{fragment}")


@never_cache
@login_required
@require_POST
def plan_item(request, pk, item_id):
    """One item: the autosave endpoint of static/js/plan.js (answers JSON when it asks), and a
    plain form post otherwise."""
    assessment, plan = get_plan_for_user(request, pk)
    item = get_plan_item_for_user(request, plan, item_id)
    form = _item_form(item, plan_options(report_for(assessment)), request.POST)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    if not form.is_valid():
        if wants_json:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            message = " ".join(" ".join(errs) for errs in errors.values())
            return JsonResponse({"saved": False, "error": f"Not saved: {message}", "errors": errors}, status=400)
        messages.error(request, f"Not saved: check the {item.skill_name} item below.")
        return _plan_page(request, assessment, plan, bound={item.pk: form})
    services.update_plan_item(item=item, **_values(form))
    past = _past_dates([item])
    if wants_json:
        return JsonResponse(
            {
                "saved": True,
                "status": item.status,
                "status_label": item.get_status_display(),
                "warning": "The target date is in the past." if past else "",
            }
        )
    if past:
        messages.warning(request, f"Saved. Note: the target date for {item.skill_name} is in the past.")
    else:
        messages.success(request, f"Saved your plan for {item.skill_name}.")
    request.session[SAVED_KEY.format(plan.pk)] = [item.pk]
    return redirect(f"{reverse('assessments:plan', args=[assessment.pk])}#item-{item.pk}")


@never_cache
@login_required
@require_GET
def plan_calendar(request, pk):
    assessment, plan = get_plan_for_user(request, pk)
    response = HttpResponse(plan_ics(plan, host=request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="careerpath-plan-{assessment.pk}.ics"'
    return response
