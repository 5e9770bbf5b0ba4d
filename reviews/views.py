"""Second opinions: asking, rating blind, comparing and calibrating.

Each view loads what the requester may see through one scoped selector (someone else's request
or review is a 404), calls one service, and renders or redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.emails import has_any_verified_email
from assessments.steps import SECONDS_PER_SKILL, build_steps, first_unrated_step, step_states
from roles.levels import Level
from roles.levels import scale as level_scale
from teams.selectors import memberships_of, teammates_of

from . import access, selectors, services
from .forms import (
    NOT_SEEN,
    CalibrationForm,
    RateForm,
    RequestForm,
    ReviewForm,
    TeammateRequestForm,
    comment_field_name,
    level_field_name,
    teammate_label,
)
from .models import REQUEST_DAYS, review_link_path

# --- the owner -------------------------------------------------------------------------------


def _request_forms(request, assessment, *, data=None, teammate_data=None):
    skills = [(s["slug"], s["name"]) for s in assessment.snapshot["skills"]]
    initial = {"display_name": request.user.get_short_name() or ""}
    teammates = list(teammates_of(request.user))
    return (
        RequestForm(data, skills=skills, initial=dict(initial)),
        TeammateRequestForm(
            teammate_data, skills=skills, owner=request.user, teammates=teammates, initial=dict(initial)
        ),
    )


def _make_request(assessment, form, *, invitee=False):
    """(request, token) for the request a form asks for (to the teammate it names, with `invitee`:
    no token), or None when the form is invalid or the service refuses (its reason then joins the
    form's errors)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.request_review(
            assessment=assessment,
            display_name=data["display_name"],
            skills=data["skills"],
            show_evidence=data["show_evidence"],
            invitee=data["invitee"] if invitee else None,
        )
    except services.ReviewError as exc:
        form.add_error(None, str(exc))
        return None


def _manage_page(request, assessment, form, teammate_form, *, new_link=None):
    count, tendencies = selectors.tendencies_for(request.user)
    has_teammates = bool(teammate_form.teammates)
    return render(
        request,
        "reviews/manage.html",
        {
            "assessment": assessment,
            "form": form,
            "teammate_form": teammate_form,
            "has_teammates": has_teammates,
            "has_team": has_teammates or memberships_of(request.user).exists(),
            "requests": selectors.requests_of(assessment),
            "reviews": selectors.submitted_reviews(assessment),
            "new_link": new_link,
            "review_count": count,
            "tendencies": tendencies,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request, pk):
    """Ask for a second opinion on a submitted assessment (by link here, or a teammate: `ask_teammate`);
    see and revoke requests; reviews received."""
    assessment = access.get_submitted_for_user(request, pk)
    form, teammate_form = _request_forms(request, assessment, data=request.POST or None)
    new_link = None
    if request.method == "POST":
        made = _make_request(assessment, form)
        if made is None:
            messages.error(request, "Not made: check the form below.")
        else:  # shown now, once: only the token's digest is kept
            new_link = request.build_absolute_uri(review_link_path(made[1]))
            form, teammate_form = _request_forms(request, assessment)
    return _manage_page(request, assessment, form, teammate_form, new_link=new_link)


@never_cache
@login_required
@require_POST
def ask_teammate(request, pk):
    """Ask one teammate by name: only they can take the request, from their dashboard or their reviews."""
    assessment = access.get_submitted_for_user(request, pk)
    form, teammate_form = _request_forms(request, assessment, teammate_data=request.POST)
    made = _make_request(assessment, teammate_form, invitee=True)
    if made is not None:
        review_request, _no_token = made
        messages.success(
            request,
            f"Asked {teammate_label(review_request.invitee)}: the request is on their dashboard until they "
            f"start it (it expires in {REQUEST_DAYS} days).",
        )
        return redirect(f"{reverse('reviews:manage', args=[assessment.pk])}#request-{review_request.pk}")
    messages.error(request, "Not asked: check the teammate form below.")
    return _manage_page(request, assessment, form, teammate_form)


@login_required
@require_POST
def revoke(request, pk, request_id):
    assessment = access.get_submitted_for_user(request, pk)
    review_request = access.get_request_for_owner(assessment, request_id)
    try:
        services.revoke_request(review_request=review_request)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Request revoked: the link no longer opens.")
    return redirect("reviews:manage", pk=assessment.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def compare(request, pk):
    """Self and reviewer side by side; the owner sets a calibrated level per skill."""
    review = access.get_review_for_owner(request, pk)
    data = selectors.comparison(review)
    form = CalibrationForm(request.POST or None, rows=data["rows"])
    if request.method == "POST":
        if form.is_valid():
            changed = [
                c
                for c, row in zip(form.calibrations(), data["rows"], strict=True)
                if c.level != row["pair"].self_level or c.note or row["calibration"] is not None
            ]
            services.save_calibrations(assessment=review.request.assessment, calibrations=changed)
            messages.success(request, "Calibrated ratings saved. Your report, plan and role fit now use them.")
            return redirect("reviews:compare", pk=review.pk)
        messages.error(request, "Not saved: check the highlighted skills.")
    for row in data["rows"]:
        row["level_field"] = form[level_field_name(row["pair"].skill)]
        row["note_field"] = form[f"note-{row['pair'].skill}"]
    return render(
        request,
        "reviews/compare.html",
        {"review": review, "assessment": review.request.assessment, **data, "form": form},
    )


@login_required
@require_POST
def delete(request, pk):
    review = access.get_review_for_owner(request, pk)
    services.delete_review(review=review)
    messages.success(request, "Review deleted: its ratings and comments are gone. Your calibrations stay.")
    return redirect("reviews:manage", pk=review.request.assessment_id)


@never_cache
@login_required
@require_GET
def calibration(request):
    """How the person's self-ratings compare with their reviewers' over time, per category."""
    count, tendencies = selectors.tendencies_for(request.user)
    return render(request, "reviews/calibration.html", {"review_count": count, "tendencies": tendencies})


# --- the reviewer ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token):
    """A review link: who sent it and what it covers; the button takes it (single use).

    A visitor sees who asks and why (the name the owner chose, the role, what a second opinion is
    and about how long it takes: never a rating or evidence) and logs in or signs up to come back
    here; a withdrawn or expired link says so. The owner, a used, expired or revoked link, or a link
    meant for someone else gets a clear page saying so, and nothing changes.
    """
    review_request = access.get_request_for_link(token)
    if not request.user.is_authenticated:
        return _invite_visitor(request, review_request)
    return _open_request(request, review_request)


def _invite_visitor(request, review_request):
    if request.method == "POST":
        return redirect_to_login(request.get_full_path())
    if review_request.revoked_at is not None or (review_request.taken_at is None and review_request.is_expired):
        refusal = services.LinkRevoked() if review_request.revoked_at is not None else services.LinkExpired()
        return render(request, "reviews/link_refused.html", {"error": str(refusal)}, status=410)
    return render(request, "reviews/open.html", _invitation(review_request) | {"visitor": True})


def _invitation(review_request):
    """What the invitation page says about a request: who asks, for which role, how much."""
    count = len(review_request.skills)
    return {
        "review_request": review_request,
        "role_title": review_request.assessment.snapshot["role"]["title"],
        "skill_count": count,
        "minutes": max(1, round(count * SECONDS_PER_SKILL / 60)),
        "seconds_per_skill": SECONDS_PER_SKILL,
        "started": review_request.taken_at is not None,
    }


@never_cache
@login_required
@require_POST
def take_asked(request, request_id):
    """A teammate takes a request addressed to them by name (it has no link): from their
    dashboard or their reviews page. Anyone else's request is a 404.

    Being asked by name vouches for who the reviewer is, so the reviewer needs a verified email
    address first; until then they get a page that says so and sends the link, and nothing changes.
    """
    review_request = access.get_request_for_invitee(request, request_id)
    if not has_any_verified_email(request.user) and getattr(review_request, "review", None) is None:
        return render(request, "reviews/verify_first.html", {"review_request": review_request})
    return _open_request(request, review_request)


def _open_request(request, review_request):
    """The reviewer's own review if they took it already; a refusal page when they may not take
    it; else (GET) who asks and for what, or (POST) the request taken and the review begun."""
    if review_request.reviewer_id == request.user.pk and review_request.revoked_at is None:
        review = getattr(review_request, "review", None)
        if review is not None:
            return redirect("reviews:review", pk=review.pk)
    try:
        services.check_link(review_request=review_request, user=request.user)
    except services.ReviewError as exc:
        status = 400 if isinstance(exc, services.OwnAssessment) else 410
        return render(request, "reviews/link_refused.html", {"error": str(exc)}, status=status)
    if request.method == "POST":
        try:
            review, _ = services.take_request(review_request=review_request, user=request.user)
        except services.ReviewError as exc:
            return render(request, "reviews/link_refused.html", {"error": str(exc)}, status=410)
        return redirect("reviews:review", pk=review.pk)
    return render(request, "reviews/open.html", _invitation(review_request))


def _skills_of(review):
    """The requested skills as the snapshot has them, in the role's order: (slug, meta) pairs."""
    snapshot = review.request.assessment.snapshot
    chosen = set(review.request.skills)
    return [(s["slug"], s) for s in snapshot["skills"] if s["slug"] in chosen]


class SnapshotSkill:
    """A skill of the frozen role, shaped for includes/skill_rating.html."""

    def __init__(self, meta):
        self.slug, self.name = meta["slug"], meta["name"]
        self.category, self.description = meta.get("category", ""), ""
        self.commonly_missing, self.note = meta.get("commonly_missing", False), meta.get("note", "")
        self.target, self._descriptors = int(meta["target"]), meta.get("descriptors", {})

    def descriptor(self, level):
        return self._descriptors.get(str(level), "")

    def get_target_display(self):
        return Level(self.target).label


class StepItem:
    """A requested skill as assessments.steps groups it (kind, skill.category; `skill_id` is its slug)."""

    def __init__(self, meta):
        self.kind, self.skill, self.skill_id = meta.get("kind", "required"), SnapshotSkill(meta), meta["slug"]


def _steps_of(review):
    """The review's steps, grouped as the self-assessment groups the role's skills (assessments.steps)."""
    return build_steps([StepItem(meta) for _, meta in _skills_of(review)])


def _step_number(request, steps, answered):
    """The step the query asks for (`?step=N`), else the first with an unanswered skill (else the
    last). A step the review does not have is a 404."""
    asked = request.GET.get("step")
    if asked is None:
        return first_unrated_step(steps, answered) or len(steps)
    if not asked.isdigit() or not 1 <= int(asked) <= len(steps):
        raise Http404("No such step.")
    return int(asked)


def step_url(review, number, anchor=""):
    return f"{reverse('reviews:review', args=[review.pk])}?step={number}{anchor}"


def _unanswered(review, steps, answered):
    """The skills still unanswered, each with the URL of its place in its step."""
    return [
        {"name": item.skill.name, "url": step_url(review, step.number, f"#skill-{item.skill_id}")}
        for step in steps
        for item in step.items
        if item.skill_id not in answered
    ]


def _review_page(request, review, *, steps=None, number=None, form=None, status=200):
    saved = {r.skill_slug: r for r in review.ratings.all()}
    evidence = review.request.assessment.snapshot.get("ratings", {}) if review.request.show_evidence else {}
    if review.is_submitted:
        items = [StepItem(meta) for _, meta in _skills_of(review)]
        mine = selectors.self_levels(review.request.assessment)
    else:
        items, mine = steps[number - 1].items, {}
    rows = [
        {
            "skill": item.skill,
            "role_skill": item.skill,
            "level_field": form[level_field_name(item.skill_id)] if form else None,
            "evidence_field": form[comment_field_name(item.skill_id)] if form else None,
            "evidence_label": "Comment (optional): what you have seen that shows this",
            "shared_evidence": evidence.get(item.skill_id, {}).get("evidence", ""),
            "saved": saved.get(item.skill_id),
            "owner_level": mine.get(item.skill_id),
        }
        for item in items
    ]
    total = len(review.request.skills)
    answered = sum(1 for slug in review.request.skills if slug in saved)
    context = {
        "review": review,
        "review_request": review.request,
        "role_title": review.request.assessment.snapshot["role"]["title"],
        "rows": rows,
        "form": form,
        "progress": {"rated": answered, "total": total, "percent": round(100 * answered / total) if total else 0},
        "scale": level_scale(),
    }
    if not review.is_submitted:
        context |= {
            "steps": step_states(steps, set(saved), number),
            "step": steps[number - 1],
            "is_last": number == len(steps),
            "unanswered": _unanswered(review, steps, set(saved)),
        }
    return render(request, "reviews/review.html", context, status=status)


def _step_form(review, step, *, data=None, is_last=False):
    skills = [(item.skill_id, item.skill.name) for item in step.items]
    saved = {r.skill_slug: r for r in review.ratings.all()}
    initial = {"overall_comment": review.overall_comment, "named_on_share_links": review.named_on_share_links}
    for slug, _ in skills:
        if slug in saved:
            rating = saved[slug]
            initial[level_field_name(slug)] = NOT_SEEN if rating.not_seen else rating.level
            initial[comment_field_name(slug)] = rating.comment
    return ReviewForm(data, skills=skills, finish=is_last, initial=initial)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """The reviewer rates blind, one step at a time (the self-assessment's steps), each answer
    autosaved (or saved by the step's buttons without JavaScript); the last step holds the overall
    comment and Submit. Once submitted the page is read-only and shows the owner's own ratings."""
    review = access.get_review_for_reviewer(request, pk)
    if review.is_submitted:
        if request.method == "POST":
            messages.info(request, "This review is submitted and read-only.")
            return redirect("reviews:review", pk=review.pk)
        return _review_page(request, review)
    steps = _steps_of(review)
    answered = set(review.ratings.values_list("skill_slug", flat=True))
    number = _step_number(request, steps, answered)
    is_last = number == len(steps)
    form = _step_form(review, steps[number - 1], data=request.POST or None, is_last=is_last)
    if request.method == "GET":
        return _review_page(request, review, steps=steps, number=number, form=form)
    if not form.is_valid():
        messages.error(request, "Some answers need another look; nothing on this step was saved yet.")
        return _review_page(request, review, steps=steps, number=number, form=form)
    try:
        services.save_review(
            review=review,
            ratings=form.ratings(),
            overall_comment=form.cleaned_data.get("overall_comment"),
            named_on_share_links=form.cleaned_data.get("named_on_share_links"),
        )
        if "submit" in request.POST:
            services.submit_review(review=review)
            messages.success(request, "Review submitted. Thank you: here is how they rated themselves.")
            return redirect("reviews:review", pk=review.pk)
    except services.ReviewNotComplete as exc:
        messages.error(request, f"{exc} Your answers are saved.")
        return redirect(step_url(review, len(steps), "#unanswered"))
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:review", pk=review.pk)
    if "back" in request.POST and number > 1:
        return redirect(step_url(review, number - 1))
    if "continue" in request.POST and not is_last:
        return redirect(step_url(review, number + 1))
    messages.success(request, "Draft saved. You can come back to it from your reviews.")
    return redirect(step_url(review, number))


@never_cache
@login_required
@require_POST
def rate(request, pk):
    """Autosave one answer of a draft review (sent by static/js/assessment.js). Answers JSON."""
    review = access.get_review_for_reviewer(request, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"saved": False, "error": "Not saved: check this answer.", "errors": errors}, status=400)
    try:
        services.save_review(review=review, ratings=[form.rating()])
    except services.UnknownSkill as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=400)
    except services.ReviewError as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=409)
    rated = review.ratings.count()
    return JsonResponse(
        {"saved": True, "rated": rated, "total": len(review.request.skills), "saved_at": timezone.now().isoformat()}
    )


@never_cache
@login_required
@require_GET
def mine(request):
    """The reviews a person gives (drafts to finish, submitted ones) and requests sent to them."""
    return render(
        request,
        "reviews/mine.html",
        {"reviews": selectors.reviews_given(request.user), "invitations": selectors.invitations_for(request.user)},
    )
