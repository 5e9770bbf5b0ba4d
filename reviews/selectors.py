"""Reads for second opinions: what each person may see, and the ratings a report is computed on.

`ratings_on_basis(assessment, basis)` is the one place that says which level each skill has on a
basis (self, reviewer or calibrated); the report page, report.json and the plan read it through
`report_on_basis`, and role fit through `calibrated_levels`, which applies the same calibrations,
or, on the reviewer basis, `reviewer_rated_by`: the same review's ratings, alone.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.hooks import RatedBy
from assessments.models import Assessment, Plan, Rating
from assessments.plans import plan_data
from assessments.reports import build_report, report_data
from careerpath.owner import Owner
from roles.models import Skill

from . import calibration
from .models import Calibration, Review, ReviewRating, ReviewRequest


class Basis:
    SELF = "self"
    REVIEWER = "reviewer"
    CALIBRATED = "calibrated"
    ALL = (SELF, REVIEWER, CALIBRATED)
    LABELS = {SELF: "Your ratings", REVIEWER: "Reviewer's ratings", CALIBRATED: "Calibrated ratings"}
    PHRASES = {  # "every figure on this page is ..."
        SELF: "on your own ratings",
        REVIEWER: "on the reviewer's ratings (your own where they were not asked)",
        CALIBRATED: "on your calibrated ratings (your own where you did not calibrate)",
    }


def parse_basis(value):
    """A basis named in a query string, or "" (the default) for anything else."""
    return value if value in Basis.ALL else ""


# --- the ratings on each basis ---------------------------------------------------------------


def self_levels(assessment):
    ratings = assessment.snapshot.get("ratings", {})
    return {s["slug"]: int(ratings.get(s["slug"], {}).get("level", 0)) for s in assessment.snapshot["skills"]}


def submitted_reviews(assessment):
    """The assessment's submitted reviews, newest first, with their ratings."""
    return list(
        Review.objects.submitted()
        .filter(request__assessment=assessment)
        .select_related("request", "reviewer")
        .prefetch_related(Prefetch("ratings", queryset=ReviewRating.objects.order_by("id")))
        .order_by("-submitted_at", "-id")
    )


def newest_review(assessment):
    """The newest submitted review of the assessment (the reviewer basis's), or None."""
    return (
        Review.objects.submitted()
        .filter(request__assessment=assessment)
        .select_related("reviewer")
        .order_by("-submitted_at", "-id")
        .first()
    )


def reviewer_levels(assessment):
    """{slug: level} from the newest submitted review ({} without one). A skill the reviewer has
    not seen is left out: it keeps the self-rating, as a skill they were not asked about."""
    review = newest_review(assessment)
    if review is None:
        return {}
    return dict(review.ratings.filter(not_seen=False).values_list("skill_slug", "level"))


def reviewer_rated_by(assessment):
    """Role fit on the reviewer basis (`assessments.hooks.RatedBy`, None without a review): the
    skills the newest review rated, by skill id, and nothing else. A skill the reviewer has not seen
    is unrated here, as is every skill they were not asked about: other roles are compared on the
    reviewer's word alone, not topped up with the owner's. Keyed by the review. Two queries."""
    review = newest_review(assessment)
    if review is None:
        return None
    skill = Skill.objects.filter(slug=OuterRef("skill_slug")).order_by().values("pk")[:1]  # slugs are unique
    rows = review.ratings.filter(not_seen=False).annotate(skill_pk=Subquery(skill)).values_list("skill_pk", "level")
    levels = {skill_pk: level for skill_pk, level in rows if skill_pk is not None}
    return RatedBy(key=f"review-{review.pk}", name=reviewer_name(review), levels=levels)


def calibrations(assessment):
    """{slug: Calibration} the owner has set."""
    return {c.skill_slug: c for c in Calibration.objects.filter(assessment=assessment)}


def default_basis(assessment):
    """Calibrated once the owner has calibrated anything, else self."""
    return Basis.CALIBRATED if Calibration.objects.filter(assessment=assessment).exists() else Basis.SELF


def reports_on_default_basis(assessments):
    """{assessment pk: (report, basis)} for submitted assessments, each on the basis its report page
    opens on (calibrated once the owner calibrated anything, else self): one query for them all,
    so the dashboard and the home page say the same readiness as the report."""
    calibrated = {}
    for pk, slug, level in Calibration.objects.filter(assessment__in=[a.pk for a in assessments]).values_list(
        "assessment_id", "skill_slug", "level"
    ):
        calibrated.setdefault(pk, {})[slug] = level
    found = {}
    for assessment in assessments:
        overrides = calibrated.get(assessment.pk)
        if overrides is None:
            found[assessment.pk] = (build_report(assessment.snapshot), Basis.SELF)
        else:
            levels = _overridden(self_levels(assessment), overrides)
            found[assessment.pk] = (_report_from_levels(assessment, levels), Basis.CALIBRATED)
    return found


def ratings_on_basis(assessment, basis):
    """{skill slug: level} for every skill of the assessment on `basis`.

    self: the owner's submitted ratings. reviewer: the newest submitted review's, a skill the
    reviewer was not asked about keeping the self-rating. calibrated: the owner's calibrations,
    a skill not calibrated keeping the self-rating (so it equals self until the owner calibrates).
    """
    levels = self_levels(assessment)
    if basis == Basis.REVIEWER:
        overrides = reviewer_levels(assessment)
    elif basis == Basis.CALIBRATED:
        overrides = {slug: c.level for slug, c in calibrations(assessment).items()}
    elif basis == Basis.SELF:
        overrides = {}
    else:
        raise ValueError(f"Unknown ratings basis: {basis!r}")
    return _overridden(levels, overrides)


def _overridden(levels, overrides):
    """The self levels with the overrides of skills the assessment has (others are ignored)."""
    return {**levels, **{slug: level for slug, level in overrides.items() if slug in levels}}


def report_on_basis(assessment, basis):
    """The gap report computed on `basis` (the pure scoring, on the frozen snapshot's role)."""
    return _report_from_levels(assessment, ratings_on_basis(assessment, basis))


def _report_from_levels(assessment, levels):
    snapshot = assessment.snapshot
    ratings = snapshot.get("ratings", {})
    rebased = {
        **snapshot,
        "ratings": {slug: {**ratings.get(slug, {"evidence": ""}), "level": level} for slug, level in levels.items()},
    }
    return build_report(rebased)


def _review_counts(assessment):
    """(submitted reviews, open requests, calibrations) of the assessment, in one query."""
    now = timezone.now()

    def count(qs):
        return Coalesce(Subquery(qs.order_by().values("n")[:1]), 0)

    grouped = {"assessment_id": OuterRef("pk")}
    reviews = Review.objects.submitted().filter(request__assessment_id=OuterRef("pk")).values("request__assessment_id")
    opened = ReviewRequest.objects.filter(
        **grouped, revoked_at__isnull=True, expires_at__gt=now, reviewer__isnull=True, taken_at__isnull=True
    ).values("assessment_id")
    calibrated = Calibration.objects.filter(**grouped).values("assessment_id")
    return (
        Assessment.objects.filter(pk=assessment.pk)
        .annotate(
            reviews=count(reviews.annotate(n=Count("id"))),
            opened=count(opened.annotate(n=Count("id"))),
            calibrated=count(calibrated.annotate(n=Count("id"))),
        )
        .values_list("reviews", "opened", "calibrated")
        .get()
    )


def report_page_context(assessment, basis):
    """What the report page adds for reviews: the report on the chosen basis and the panel.
    One query on the self basis (the page's usual case), three more on another."""
    reviews, opened, calibrated = _review_counts(assessment)
    chosen = basis or (Basis.CALIBRATED if calibrated else Basis.SELF)
    if chosen == Basis.REVIEWER and not reviews:
        chosen = Basis.SELF
    bases = [{"key": b, "label": Basis.LABELS[b]} for b in Basis.ALL if b != Basis.REVIEWER or reviews]
    context = {
        "ratings_basis": chosen,
        "ratings_basis_label": Basis.LABELS[chosen],
        "ratings_basis_phrase": Basis.PHRASES[chosen],
        "ratings_bases": bases,
        "has_reviews": bool(reviews),
        "open_requests": opened,
    }
    if chosen != Basis.SELF:
        context["report"] = _report_from_levels(assessment, ratings_on_basis(assessment, chosen))
    return context


def ratings_basis_data(assessment, basis):
    """report.json's additions: `ratings_basis` and, per skill slug, the three ratings."""
    chosen = basis or default_basis(assessment)
    mine = self_levels(assessment)
    theirs = reviewer_levels(assessment)
    calibrated = {**mine, **{s: c.level for s, c in calibrations(assessment).items() if s in mine}}
    return chosen, {
        slug: {"self_rating": level, "reviewer_rating": theirs.get(slug), "calibrated_rating": calibrated[slug]}
        for slug, level in mine.items()
    }


def add_ratings_basis(data, assessment, basis):
    """Put the basis and the three ratings into report.json's data (see docs/report-format.md)."""
    chosen, per_skill = ratings_basis_data(assessment, basis)
    data["ratings_basis"] = chosen
    for skill in data["skills"]:
        skill.update(per_skill.get(skill["slug"], {}))
    return data


def report_document(assessment, basis):
    """report.json (docs/report-format.md) of a submitted assessment on `basis` ("" for the default:
    calibrated once the owner calibrated anything, else self), with the owner's plan when it has one.
    The report.json download and the API (api/) both answer with this."""
    chosen = basis or default_basis(assessment)
    data = add_ratings_basis(report_data(assessment, report_on_basis(assessment, chosen)), assessment, chosen)
    plan = Plan.objects.filter(assessment=assessment).first()
    data["plan"] = None if plan is None else plan_data(plan)
    return data


def calibrated_levels(latest):
    """{skill_id: level} from `latest` ({skill_id: Rating}, the person's latest rating of each
    skill), a rating whose assessment the owner calibrated for that skill taking the calibrated
    level. One query."""
    levels = {skill_id: rating.level for skill_id, rating in latest.items()}
    if not levels:
        return levels
    rows = Rating.objects.filter(
        pk__in=[r.pk for r in latest.values()], assessment__calibrations__skill_slug=F("skill__slug")
    ).values_list("skill_id", "assessment__calibrations__level")
    levels.update(dict(rows))
    return levels


# --- comparing ---------------------------------------------------------------------------------


def _skill_meta(assessment):
    return {s["slug"]: s for s in assessment.snapshot["skills"]}


def pairs_for(review, assessment=None):
    """The review's ratings paired with the owner's self-ratings, as `calibration.Pair`s. A skill
    the reviewer has not seen is no opinion: it makes no pair, so it counts in no agreement."""
    assessment = assessment or review.request.assessment
    meta, mine = _skill_meta(assessment), self_levels(assessment)
    return [
        calibration.Pair(
            skill=r.skill_slug,
            category=meta[r.skill_slug].get("category", ""),
            self_level=mine[r.skill_slug],
            reviewer_level=r.level,
        )
        for r in review.ratings.all()
        if r.skill_slug in meta and not r.not_seen
    ]


def comparison(review):
    """Rows for the compare page, with agreement overall and per category: the disagreements
    (`calibration.FLAG_AT` levels apart or more) first, largest first, then the agreements, each
    group in the role's order; and the skills the reviewer has not seen (no opinion)."""
    assessment = review.request.assessment
    meta = _skill_meta(assessment)
    evidence = assessment.snapshot.get("ratings", {})
    calibrated = calibrations(assessment)
    comments = {r.skill_slug: r.comment for r in review.ratings.all()}
    pairs = pairs_for(review, assessment)
    rows = [
        {
            "pair": p,
            "name": meta[p.skill]["name"],
            "target": int(meta[p.skill]["target"]),
            "evidence": evidence.get(p.skill, {}).get("evidence", ""),
            "comment": comments.get(p.skill, ""),
            "calibration": calibrated.get(p.skill),
            "calibrated_level": calibrated[p.skill].level if p.skill in calibrated else p.self_level,
        }
        for p in pairs
    ]
    order = {slug: i for i, slug in enumerate(meta)}
    rows.sort(key=lambda row: (-row["pair"].distance if row["pair"].flagged else 0, order[row["pair"].skill]))
    disagreements = [row for row in rows if row["pair"].flagged]
    unseen = sorted((r.skill_slug for r in review.ratings.all() if r.not_seen and r.skill_slug in meta), key=order.get)
    return {
        "rows": rows,
        "disagreements": disagreements,
        "agreements": rows[len(disagreements) :],
        "not_seen": [meta[slug]["name"] for slug in unseen],
        "agreement": calibration.agreement(pairs),
        "by_category": calibration.agreement_by_category(pairs),
        "flagged": calibration.flagged(pairs),
    }


def tendencies_for(user):
    """Per-category tendencies over every submitted review of the user's assessments."""
    reviews = (
        Review.objects.submitted()
        .owned_by(Owner.of_user(user))
        .select_related("request__assessment")
        .prefetch_related("ratings")
        .order_by("submitted_at", "id")
    )
    reviews = list(reviews)
    return len(reviews), calibration.tendencies([pairs_for(r) for r in reviews])


def reviewer_name(review):
    """How a reviewer is named to the owner, who asked them."""
    return review.reviewer.get_username()


def shared_opinions(assessment):
    """The submitted reviews of `assessment` for a shared report whose owner ticked "Show the second
    opinions": each with the reviewer's label, overall comment and, per reviewed skill in the role's
    order, the self-rating beside the reviewer's rating and comment. A reviewer is "Reviewer 1",
    "Reviewer 2"... (oldest first) unless they agreed to be named on share links. Two queries."""
    meta, mine = _skill_meta(assessment), self_levels(assessment)
    order = {slug: i for i, slug in enumerate(meta)}
    opinions = []
    reviews = sorted(submitted_reviews(assessment), key=lambda r: (r.submitted_at, r.pk))  # Reviewer 1 first
    numbers = {r.pk: n for n, r in enumerate(reviews, start=1)}
    for review in reviews:
        ratings = sorted((r for r in review.ratings.all() if r.skill_slug in meta), key=lambda r: order[r.skill_slug])
        opinions.append(
            {
                "reviewer": reviewer_name(review) if review.named_on_share_links else f"Reviewer {numbers[review.pk]}",
                "named": review.named_on_share_links,
                "submitted_at": review.submitted_at,
                "overall_comment": review.overall_comment,
                "rows": [
                    {
                        "slug": r.skill_slug,
                        "name": meta[r.skill_slug]["name"],
                        "self_level": mine[r.skill_slug],
                        "reviewer_level": r.level,
                        "not_seen": r.not_seen,
                        "comment": r.comment,
                    }
                    for r in ratings
                ],
            }
        )
    return opinions


# --- lists ---------------------------------------------------------------------------------------


def requests_of(assessment):
    return list(
        ReviewRequest.objects.filter(assessment=assessment)
        .select_related("review", "invitee")
        .order_by("-created_at", "-id")
    )


def reviews_given(user):
    return list(
        Review.objects.given_by(user)
        .filter(request__revoked_at__isnull=True)
        .select_related("request__assessment__role")
        .order_by("-updated_at", "-id")
    )


ARRIVED_DAYS = 14  # the dashboard shows a review that arrived for this many days (whole days: it is cached per day)


def reviews_arrived(user):
    """Second opinions on `user`'s assessments submitted in the last ARRIVED_DAYS days (counted in
    whole local days, as the dashboard is cached per day), newest first: the dashboard's notice."""
    since = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=ARRIVED_DAYS - 1), time.min))
    return list(
        Review.objects.submitted()
        .owned_by(Owner.of_user(user))
        .filter(submitted_at__gte=since)
        .select_related("reviewer", "request__assessment__role")
        .defer("request__assessment__snapshot")
        .order_by("-submitted_at", "-id")
    )


def invitations_for(user):
    """Open requests addressed to `user` by name (the teammate path)."""
    return list(
        ReviewRequest.objects.open()
        .filter(invitee=user, assessment__status=Assessment.Status.SUBMITTED)
        .select_related("assessment__role")
        .defer("assessment__snapshot")
        .order_by("expires_at", "id")
    )


# --- download my data --------------------------------------------------------------------------


def _ratings_data(review, names):
    return [
        {
            "skill": r.skill_slug,
            "skill_name": names.get(r.skill_slug, r.skill_slug),
            "level": r.level,  # None when not seen
            "not_seen": r.not_seen,
            "comment": r.comment,
        }
        for r in review.ratings.all()
    ]


def export_reviews(user):
    """Reviews in a person's data download: the ratings they received and the ratings they gave.

    Received: the reviewer is named only by what they rated and wrote (no account details).
    Given: the role and the skills, never the owner's ratings, evidence or account.
    """
    received = (
        Review.objects.submitted()
        .owned_by(Owner.of_user(user))
        .select_related("request__assessment__role")
        .prefetch_related("ratings")
        .order_by("submitted_at", "id")
    )
    given = Review.objects.given_by(user).select_related("request__assessment__role").prefetch_related("ratings")
    out = {"requested": [], "received": [], "given": [], "calibrations": []}
    for r in ReviewRequest.objects.owned_by(Owner.of_user(user)).select_related("invitee").order_by("created_at", "id"):
        out["requested"].append(
            {
                "assessment": r.assessment_id,
                "sent_to": r.invitee.get_username() if r.invitee else None,  # a teammate; None: a link
                "skills": list(r.skills),
                "show_evidence": r.show_evidence,
                "created_at": r.created_at,
                "expires_at": r.expires_at,
                "revoked_at": r.revoked_at,
                "taken": r.taken_at is not None,
            }
        )
    for review in received:
        assessment = review.request.assessment
        names = {s["slug"]: s["name"] for s in assessment.snapshot["skills"]}
        out["received"].append(
            {
                "assessment": assessment.pk,
                "role": assessment.role.title,
                "submitted_at": review.submitted_at,
                "overall_comment": review.overall_comment,
                "ratings": _ratings_data(review, names),
            }
        )
    for review in given.order_by("created_at", "id"):
        assessment = review.request.assessment
        names = {s["slug"]: s["name"] for s in assessment.snapshot["skills"]}
        out["given"].append(
            {
                "role": assessment.role.title,
                "for": review.request.display_name,
                "status": review.status,
                "named_on_share_links": review.named_on_share_links,
                "submitted_at": review.submitted_at,
                "overall_comment": review.overall_comment,
                "ratings": _ratings_data(review, names),
            }
        )
    for c in Calibration.objects.owned_by(Owner.of_user(user)).order_by("assessment_id", "id"):
        out["calibrations"].append(
            {"assessment": c.assessment_id, "skill": c.skill_slug, "level": c.level, "note": c.note}
        )
    return out
