"""Taking an assessment, the dashboard, the report, its exports and share links.

Each view loads what the requester may see through one scoped helper (someone else's
assessment is a 404), calls one service or reader, and renders or redirects.
"""

import csv
import functools
import json
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import SESSION_KEY as SHOW_TARGETS
from accounts.models import show_targets_while_rating
from accounts.throttling import VISITOR_DRAFTS, count, over_limit, too_many
from careerpath.middleware import RETRY_AFTER_SECONDS, database_unavailable
from careerpath.owner import Owner
from careerpath.pagecache import cached_page, get_or_post
from roles.levels import scale as level_scale
from roles.models import DEFAULT_WEIGHTS, Role, RoleSkill
from roles.selectors import changed_since

from . import scoring, scoring_fit, services
from .access import get_assessment_for_user, get_submitted_for_user
from .dashboard import dashboard_context
from .explain import worked_example
from .fit import fit_data, role_fit_for
from .forms import (
    RateForm,
    StepForm,
    SubmitForm,
    evidence_field_name,
    level_field_name,
)
from .hooks import SELF, ratings_basis
from .models import Assessment, Plan, PlanItem, Rating, ShareLink
from .plans import finished_item_outcomes
from .reports import change_since, report_for, report_rows
from .steps import build_steps, first_unrated_step, step_states, time_left

# --- a draft of a role that was unpublished -------------------------------------------------


def _withdrawn(request, assessment):
    """True when `assessment` is a draft of a role no longer offered to the requester: the role was
    unpublished after the draft began, and the requester is not staff (staff keep their preview)."""
    if not assessment.is_draft:
        return False
    # get_assessment_for_user(related=False) reads the flag with the row instead of the whole role
    cached = Assessment.role.is_cached(assessment)
    published = assessment.role.is_published if cached else assessment.role_is_published
    user = request.user if request.user.is_authenticated else None
    return not services.is_offered(published=published, user=user)


def _withdrawn_page(request, assessment):
    """The draft's own saved ratings, and nothing of the role's content since (410 Gone)."""
    ratings = Rating.objects.filter(assessment=assessment).select_related("skill").order_by("skill__name", "id")
    context = {"assessment": assessment, "ratings": ratings}
    return render(request, "assessments/withdrawn.html", context, status=410)


def draft_view(*, say_submitted=False):
    """A view of one of the requester's drafts, called with the assessment instead of its pk.

    Someone else's is a 404; a submitted one opens its report (saying it is read-only when
    `say_submitted`); a draft of a role no longer offered gets the 410 page of its own ratings."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            assessment = get_assessment_for_user(request, pk)
            if assessment.is_submitted:
                if say_submitted:
                    messages.info(request, services.AlreadySubmitted().args[0])
                return redirect("assessments:report", pk=assessment.pk)
            if _withdrawn(request, assessment):
                return _withdrawn_page(request, assessment)
            return view(request, assessment, *args, **kwargs)

        return wrapper

    return decorator


# --- taking ------------------------------------------------------------------------------


def _role_skills(assessment):
    return list(RoleSkill.objects.filter(role_id=assessment.role_id).select_related("skill").order_by("order", "id"))


def _ratings_by_skill(assessment):
    return {r.skill_id: r for r in Rating.objects.filter(assessment=assessment)}


@require_POST
def start(request, slug):
    """Start (or go back to) a draft of the role. A visitor without an account starts at most
    VISITOR_DRAFTS new drafts per client address (each is a session and rows kept until clean-up)."""
    role = get_object_or_404(Role.objects.visible_to(request.user), slug=slug)
    visitor = not request.user.is_authenticated
    if (
        visitor
        and not _has_draft_of(request, role)
        and (wait := over_limit(request, [VISITOR_DRAFTS], increment=False))
    ):
        return too_many(request, "assessments/start_throttled.html", wait)
    if visitor:
        if not request.session.session_key:
            request.session.save()
        owner = {"session_key": request.session.session_key}
    else:
        owner = {"user": request.user}
    try:
        assessment, created = services.start_assessment(role=role, **owner)
    except services.RoleNotOffered:
        raise Http404("No such role.") from None  # unpublished a moment ago
    if created and visitor:
        count(request, [VISITOR_DRAFTS])
    if not created:
        messages.info(request, "Welcome back: you are continuing your assessment where you left off.")
    return redirect("assessments:take", pk=assessment.pk)


def _has_draft_of(request, role):
    return Assessment.objects.owned_by(Owner.of(request)).drafts().filter(role=role).exists()


@never_cache
@require_GET
@draft_view()
def resume(request, assessment):
    """Open the first step that has an unrated skill (or the review page when all are rated)."""
    steps = build_steps(_role_skills(assessment))
    number = first_unrated_step(steps, set(_ratings_by_skill(assessment)))
    if number is None:
        return redirect("assessments:review", pk=assessment.pk)
    return redirect("assessments:step", pk=assessment.pk, number=number)


def _progress(role_skills, ratings):
    rated = sum(1 for rs in role_skills if rs.skill_id in ratings)
    total = len(role_skills)
    return {"rated": rated, "total": total, "percent": round(100 * rated / total) if total else 0}


def _plan_items_for(assessment, skill_ids):
    """The plan items of the user's earlier plan for this role, so a retake is made with the plan in view."""
    if assessment.user_id is None:
        return {}
    items = (
        PlanItem.objects.owned_by(Owner.of_assessment(assessment))
        .filter(plan__assessment__role_id=assessment.role_id, skill_id__in=skill_ids)
        .exclude(plan__assessment=assessment)
        .order_by("plan__created_at", "id")
    )
    return {item.skill_id: item for item in items}  # the latest plan wins


def _confirmed(ratings):
    """The skills rated and confirmed (a carried-over rating still waits for its confirmation)."""
    return {skill_id for skill_id, rating in ratings.items() if not rating.is_prefilled}


def _to_do(role_skills, ratings):
    """How many of the role's skills are still to rate or to confirm."""
    confirmed = _confirmed(ratings)
    return sum(1 for rs in role_skills if rs.skill_id not in confirmed)


def _nudges(ratings):
    levels = [r.level for r in ratings.values() if not r.is_prefilled]
    if len(levels) < 4:
        return []
    if all(level == 5 for level in levels):
        return [
            "Every rating so far is 5 — Expert. Expert means others follow the standard you set; "
            "check each skill's level descriptions to keep the report useful."
        ]
    if len(set(levels)) == 1:
        return [
            "Every rating so far is the same level. Skills usually differ: the level descriptions "
            "beside each skill can help you tell them apart."
        ]
    return []


class _NoSteps(Exception):
    """The role has no skills (yet): there is nothing to rate, so the review page is next."""


class _StepGone(Exception):
    """A step number the role no longer has (its steps were regrouped, or the guide lost skills):
    the first step still to do is next. Answers posted from such a page are saved first."""


class _Step(NamedTuple):
    number: int
    steps: list
    current: object  # steps.Step
    role_skills: list
    ratings: dict  # {skill id: Rating}
    form: StepForm


def _load_step(assessment, number, *, data=None):
    """The step `number` of the assessment, with its form (bound to `data`, a POST's).

    A POST's form also takes any other skill of the role it carries an answer for: a page loaded
    before the steps were regrouped keeps every answer it sends. 404 for step 0; _StepGone for a
    number past the last step (a POST's answers are saved first); _NoSteps when the role has no skills."""
    role_skills = _role_skills(assessment)
    steps = build_steps(role_skills)
    if not steps:
        raise _NoSteps()
    if number < 1:
        raise Http404("No such step.")
    if number > len(steps) and data is None:
        raise _StepGone()
    gone = number > len(steps)
    current = steps[min(number, len(steps)) - 1]  # past the last step: the last one, to show again
    shown = () if gone else current.items
    posted = [rs for rs in role_skills if rs not in shown and data and level_field_name(rs.skill) in data]
    ratings = _ratings_by_skill(assessment)
    initial = {}
    for rs in shown:
        rating = ratings.get(rs.skill_id)
        if rating is not None:
            initial[level_field_name(rs.skill)] = rating.level
            initial[evidence_field_name(rs.skill)] = rating.evidence
    form = StepForm(data, role_skills=[*shown, *posted], initial=initial)
    return _Step(number, steps, current, role_skills, ratings, form)


def _render_step(request, assessment, step, *, status=200):
    context = _step_page_context(assessment, step) | {"show_targets": show_targets_while_rating(request)}
    return render(request, "assessments/step.html", context, status=status)


def _step_page_context(assessment, step):
    plan_items = _plan_items_for(assessment, [rs.skill_id for rs in step.current.items])
    rows = [
        {
            "role_skill": rs,
            "skill": rs.skill,
            "level_field": step.form[level_field_name(rs.skill)],
            "evidence_field": step.form[evidence_field_name(rs.skill)],
            "rating": step.ratings.get(rs.skill_id),
            "plan_item": plan_items.get(rs.skill_id),
        }
        for rs in step.current.items
    ]
    return {
        "assessment": assessment,
        "role": assessment.role,
        "steps": step_states(step.steps, _confirmed(step.ratings), step.number),
        "step": step.current,
        "rows": rows,
        "form": step.form,
        "progress": _progress(step.role_skills, step.ratings),
        "time_left": time_left(_to_do(step.role_skills, step.ratings)),
        "scale": level_scale(),
        "nudges": _nudges(step.ratings),
        "guide_changed_since": changed_since(assessment.role, assessment.created_at),
        "is_last": step.number == len(step.steps),
    }


@cached_page(owner=True, content=True, session=[SHOW_TARGETS], timeout=settings.PAGE_CACHE_DRAFT_SECONDS)
@draft_view(say_submitted=True)
def step_page(request, assessment, number):
    """A step's page, cached per owner, content revision and "show targets" choice (from the session)."""
    try:
        step = _load_step(assessment, number)
    except _NoSteps:
        return redirect("assessments:review", pk=assessment.pk)
    except _StepGone:
        return redirect("assessments:take", pk=assessment.pk)
    return _render_step(request, assessment, step)


@draft_view(say_submitted=True)
def save_step(request, assessment, number):
    """Save a step's answers and move on (or back, or out); wrong answers come back on the page."""
    try:
        step = _load_step(assessment, number, data=request.POST or None)
    except _NoSteps:
        return redirect("assessments:review", pk=assessment.pk)
    form, steps = step.form, step.steps
    gone = number > len(steps)  # posted from a step the role no longer has
    if gone and not form.is_valid():
        messages.error(request, "This guide's steps have changed; check your answers on this step again.")
        return redirect("assessments:take", pk=assessment.pk)
    if form.is_valid():
        try:
            services.save_ratings(assessment=assessment, ratings=form.ratings())
        except services.AssessmentError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:take", pk=assessment.pk)
        except DatabaseError as exc:
            if not database_unavailable(exc):  # read-only, disk full, restarting: say so, keep the answers
                raise
            form.add_error(None, "We couldn't save this right now; your answers are still on this page.")
            response = _render_step(request, assessment, step, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if "exit" in request.POST:
            if request.user.is_authenticated:
                messages.success(request, "Saved. You can pick up where you left off from your dashboard.")
                return redirect("assessments:dashboard")
            messages.success(
                request,
                "Saved in this browser. To continue, come back to this guide in this browser and press "
                "“Assess yourself”, or sign up (free) to keep your answers in an account.",
            )
            return redirect(assessment.role.get_absolute_url())
        if gone:
            messages.info(
                request, "This guide's steps have changed; your answers are saved. This is the next step to do."
            )
            return redirect("assessments:take", pk=assessment.pk)
        if "back" in request.POST and number > 1:
            return redirect("assessments:step", pk=assessment.pk, number=number - 1)
        if number < len(steps):
            return redirect("assessments:step", pk=assessment.pk, number=number + 1)
        return redirect("assessments:review", pk=assessment.pk)
    messages.error(request, "Some answers need another look; nothing on this step was saved yet.")
    return _render_step(request, assessment, step)


step = require_http_methods(["GET", "POST"])(get_or_post(step_page, save_step))


@never_cache
@require_POST
def rate(request, pk):
    """Autosave one rating (sent by static/js/assessment.js). Answers JSON."""
    assessment = get_assessment_for_user(request, pk, related=False)
    if _withdrawn(request, assessment):
        return JsonResponse({"saved": False, "error": services.RoleNotOffered().args[0]}, status=410)
    form = RateForm(request.POST)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"saved": False, "error": "Not saved: check this answer.", "errors": errors}, status=400)
    try:
        services.autosave_rating(
            assessment=assessment,
            skill_slug=form.cleaned_data["skill"],
            level=form.cleaned_data["level"],
            evidence=form.cleaned_data["evidence"],
        )
    except services.UnknownSkill as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=400)
    except services.AlreadySubmitted as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=409)
    rated, total = services.progress_counts(assessment)
    return JsonResponse({"saved": True, "rated": rated, "total": total, "saved_at": timezone.now().isoformat()})


@never_cache
@require_GET
@draft_view()
def review(request, assessment):
    role_skills = _role_skills(assessment)
    ratings = _ratings_by_skill(assessment)
    steps = build_steps(role_skills)
    progress = _progress(role_skills, ratings)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "role": assessment.role,
            "steps": step_states(steps, _confirmed(ratings)),
            "time_left": time_left(_to_do(role_skills, ratings)),
            "ratings": ratings,
            "progress": progress,
            "carried_over": sum(
                1 for rs in role_skills if rs.skill_id in ratings and ratings[rs.skill_id].is_prefilled
            ),
            "complete": progress["rated"] == progress["total"] and progress["total"] > 0,
            "submit_form": SubmitForm(role=assessment.role),
        },
    )


@require_POST
@draft_view(say_submitted=True)
def confirm_carried_over(request, assessment):
    try:
        count = services.confirm_prefilled(assessment=assessment)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:take", pk=assessment.pk)
    messages.success(request, f"Confirmed {count} carried-over rating{'s' if count != 1 else ''}.")
    return redirect("assessments:review", pk=assessment.pk)


@login_required
@require_POST
@draft_view()
def submit(request, assessment):
    form = SubmitForm(request.POST, role=assessment.role)
    if not form.is_valid():
        messages.error(request, "Choose your current role from the list, or leave it blank.")
        return redirect("assessments:review", pk=assessment.pk)
    try:
        assessment, submitted = services.submit_assessment(
            assessment=assessment, current_role=form.cleaned_data["current_role"]
        )
    except services.NotComplete as exc:
        messages.error(request, str(exc))
        return redirect("assessments:take", pk=assessment.pk)
    if submitted:
        messages.success(request, "Submitted. Here is your gap report.")
    return redirect("assessments:report", pk=assessment.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    assessment = get_assessment_for_user(request, pk)
    if request.method == "POST":
        services.delete_assessment(assessment=assessment)
        messages.success(
            request, f"Deleted your {assessment.get_status_display().lower()} assessment of {assessment.role}."
        )
        return redirect("assessments:dashboard")
    return render(request, "assessments/delete.html", {"assessment": assessment})


@login_required
@require_POST
def retake(request, pk):
    assessment = get_submitted_for_user(request, pk)
    try:
        draft, created = services.retake_assessment(assessment=assessment)
    except services.RoleNotOffered:
        raise Http404("No such role.") from None  # as /roles/<slug>/ and start answer for it
    calibrated = draft.ratings.filter(prefilled_calibrated=True).count() if created else 0
    if calibrated:
        messages.info(
            request,
            f"Your earlier ratings are filled in, {calibrated} of them the level{pluralize(calibrated)} you "
            "calibrated after a second opinion. Confirm or change each one.",
        )
    elif created:
        messages.info(request, "Your earlier ratings are filled in. Confirm or change each one.")
    else:
        messages.info(request, "You already have a draft of this role: continuing it.")
    return redirect("assessments:take", pk=draft.pk)


# --- dashboard ---------------------------------------------------------------------------


@login_required
@require_GET
@cached_page(owner=True, content=True, per_day=True)  # per day: plan items become overdue
def dashboard(request):
    return render(request, "assessments/dashboard.html", dashboard_context(request.user))


# --- report ------------------------------------------------------------------------------


def report_context(assessment, *, share_link=None):
    """What the report body shows. A shared report shows the owner's current role and evidence
    notes only when the owner ticked them on the share link."""
    report = report_for(assessment)
    shared = share_link is not None
    context = {
        "assessment": assessment,
        "report": report,
        "shared": shared,
        "scale": level_scale(),
        "show_evidence": not shared or share_link.include_evidence,
    }
    if assessment.current_role_id and (not shared or share_link.include_current_role):
        context["current_role"] = assessment.current_role
        context["transition_path"] = report.transition_path_from(assessment.current_role.slug)
    context["time_estimates"] = report.time_estimates(
        context["current_role"].slug if "current_role" in context else None
    )
    return context


def _earlier_submitted(assessment):
    return (
        Assessment.objects.owned_by(Owner.of_assessment(assessment))
        .submitted()
        .filter(role_id=assessment.role_id, submitted_at__lt=assessment.submitted_at)
        .order_by("-submitted_at")
        .first()
    )


def _report_page_context(request, pk):
    """Every number on the page on one ratings basis (the reviews' choice: calibrated once the owner
    calibrated, else self, or ?basis=) and the report's own snapshot: the header, "Start here", the
    change since the earlier report (that report on the same basis) and this role's role fit."""
    assessment = get_submitted_for_user(request, pk, snapshot=True)
    context = report_context(assessment)
    basis_hook = ratings_basis()
    context.update(basis_hook.report_page_context(assessment, request.GET.get("basis")))  # reviews: ratings basis
    report = context["report"]
    earlier = _earlier_submitted(assessment)
    if earlier is not None:
        before = basis_hook.report_on(earlier, context.get("ratings_basis", SELF))
        context["earlier"] = earlier
        if before is None:  # the earlier report has no ratings on this basis: no change across bases
            context["earlier_off_basis"] = True
        else:
            context["progress"] = scoring.progress(before.scored, report.scored)
            context["change"] = change_since(context["progress"])
    context.update(_report_fit_context(request, assessment, report, context.get("ratings_basis", SELF)))
    context["share_links"] = ShareLink.objects.owned_by(Owner.of(request)).active().filter(assessment=assessment)
    context["plan"] = Plan.objects.owned_by(Owner.of(request)).filter(assessment=assessment).first()
    context["outcomes"] = finished_item_outcomes(assessment, report)
    context["guide_changed_since"] = changed_since(assessment.role, assessment.submitted_at)
    return context


def _report_fit_context(request, assessment, report, basis):
    """ "Which role are you closest to?" on the page's basis: this role at the report's figure, the
    others on the owner's latest ratings (their own only on the self basis), or on a reviewer's
    ratings alone (`fit_rated_by`: the reviews' hook) when the report is opened on those."""
    basis_hook = ratings_basis()
    rated_by = basis_hook.fit_rated_by(assessment, basis)
    own_only = basis == SELF
    fits = scoring_fit.with_report(
        role_fit_for(request.user, own_only=own_only, rated_by=rated_by),
        slug=report.role_slug,
        readiness=report.readiness.overall,
        meets_required_bar=report.readiness.meets_required_bar,
    )
    return {
        "fits": fits.ranked[:3],
        "fit_rated_by": rated_by,
        "fit_basis_phrase": "" if own_only or rated_by else basis_hook.fit_basis_phrase(),
        "unranked_count": len(fits.unranked),
    }


@login_required
@require_GET
@cached_page(owner=True, content=True, per_day=True, query=["basis"])  # per day: review requests expire at midnight
def report(request, pk):
    return render(request, "assessments/report.html", _report_page_context(request, pk))


@never_cache
@login_required
@require_GET
def report_json(request, pk):
    assessment = get_submitted_for_user(request, pk, snapshot=True)
    data = ratings_basis().report_document(assessment, request.GET.get("basis"))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="careerpath-report-{assessment.pk}.json"'
    return response


@never_cache
@login_required
@require_GET
def report_csv(request, pk):
    assessment = get_submitted_for_user(request, pk, snapshot=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="careerpath-report-{assessment.pk}.csv"'
    writer = csv.writer(response)
    writer.writerows(report_rows(report_for(assessment)))
    return response


@login_required
@require_GET
@cached_page(owner=True, content=True)
def role_fit(request):
    return render(
        request,
        "assessments/fit.html",
        {"fits": role_fit_for(request.user), "basis_phrase": ratings_basis().fit_basis_phrase()},
    )


@never_cache
@login_required
@require_GET
def role_fit_json(request):
    """Role fit as JSON: {"ranked": [...], "unranked": [...]} (docs/report-format.md)."""
    return JsonResponse(fit_data(role_fit_for(request.user)), json_dumps_params={"ensure_ascii": False})


@require_GET
def how_scored(request):
    """How the gap report is scored, with one worked example computed by the scoring code itself."""
    return render(
        request,
        "assessments/scoring.html",
        {
            "example": worked_example(),
            "default_weights": {kind.label: weight for kind, weight in DEFAULT_WEIGHTS.items()},
            "course_limit": scoring.COURSE_LIMIT,
            "certification_limit": scoring.CERTIFICATION_LIMIT,
        },
    )
