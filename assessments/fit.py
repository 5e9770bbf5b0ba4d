"""Role fit: which published roles a person is closest to, from their latest rating of each skill.

At scale a role has hundreds of skills and a person has rated a few hundred, shared by most roles,
so nothing here loops over role skills in Python. Two aggregate queries give whole-number sums per
role (`scoring_fit.RoleSums`; weights in hundredths, coverage in sixtieths of a target, so the
arithmetic is exact in SQL on PostgreSQL and SQLite alike):

- each published role's totals (skills, required skills, Σ weight), cached per content revision;
- over the rated skills only: shared skills, their Σ weight, Σ weight × min(rating, target) × 60 /
  target, and the required skills rated at or above target, the rating coming from a CASE over the
  user's levels.

A role is ranked only when its rated skills carry at least half its weight. For the others, a third
query counts their unrated skills per weight, so "rate N more skills" can take the heaviest first.

`scoring_fit.role_fit_from_sums` then gives exactly what `scoring_fit.role_fit` gives from the full skill
lists (a test checks the two agree), at a cost that does not grow with the roles' other skills.
"""

from collections import defaultdict

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Least

from roles.models import Role, RoleSkill, SkillKind
from roles.stats import WEIGHT_HUNDREDTHS, skill_totals

from . import scoring_fit
from .services import latest_ratings
from .stamps import user_stamp

CACHE_SECONDS = 60 * 60 * 24


def role_totals():
    """{role_id: (slug, title, skills, required skills, Σ weight in hundredths)} of published roles
    (their skill totals are cached per content revision, see roles.stats)."""
    totals = skill_totals()
    return {
        pk: (slug, title, totals[pk].skills, totals[pk].required, totals[pk].weight)
        for pk, slug, title in Role.objects.published().filter(pk__in=list(totals)).values_list("pk", "slug", "title")
    }


def rated_sums(levels, *, min_shared=1):
    """{role_id: (shared, covered, required_met, rated weight)} for published roles sharing >=
    min_shared rated skills.

    `levels` is {skill_id: latest rating}. One grouped query over the rated role skills only.
    """
    by_level = defaultdict(list)
    for skill_id, level in levels.items():
        by_level[level].append(skill_id)
    rating = Case(
        *[When(skill_id__in=ids, then=Value(level)) for level, ids in sorted(by_level.items())],
        default=Value(0),
        output_field=IntegerField(),
    )
    covered = WEIGHT_HUNDREDTHS * Least(rating, F("target")) * (Value(scoring_fit.COVERAGE_UNIT) / F("target"))
    rows = (
        RoleSkill.objects.filter(role__is_published=True, skill_id__in=list(levels))
        .order_by()
        .values("role_id")
        .annotate(
            shared=Count("id"),
            covered=Sum(covered, output_field=IntegerField()),
            required_met=Count("id", filter=Q(kind=SkillKind.REQUIRED, target__lte=rating)),
            rated_weight=Sum(WEIGHT_HUNDREDTHS, output_field=IntegerField()),
        )
        .filter(shared__gte=min_shared)
        .values_list("role_id", "shared", "covered", "required_met", "rated_weight")
    )
    return {role_id: tuple(sums) for role_id, *sums in rows}


def unrated_weights(role_ids, rated_skill_ids):
    """{role_id: ((weight in hundredths, how many), …)} of the roles' unrated skills, heaviest first:
    one grouped query (a role's skills take few distinct weights)."""
    rows = (
        RoleSkill.objects.filter(role_id__in=list(role_ids))
        .exclude(skill_id__in=list(rated_skill_ids))
        .order_by()
        .annotate(w=WEIGHT_HUNDREDTHS)
        .values("role_id", "w")
        .annotate(n=Count("id"))
        .values_list("role_id", "w", "n")
    )
    classes = defaultdict(list)
    for role_id, weight, count in rows:
        classes[role_id].append((weight, count))
    return {role_id: tuple(sorted(pairs, reverse=True)) for role_id, pairs in classes.items()}


def compute_role_fit(user, *, min_shared=1):
    """The user's role fit (`scoring_fit.FitList`): ranked roles, and the ones to rate more of."""
    latest = latest_ratings(user=user)
    if not latest:
        return scoring_fit.FitList((), ())
    totals = role_totals()
    rated = rated_sums({skill_id: rating.level for skill_id, rating in latest.items()}, min_shared=min_shared)
    rated = {role_id: sums for role_id, sums in rated.items() if role_id in totals}  # published meanwhile: next time
    short = [
        role_id for role_id, sums in rated.items() if 2 * sums[3] < totals[role_id][4]
    ]  # less than half the weight rated
    unrated = unrated_weights(short, latest) if short else {}
    sums = []
    for role_id, (shared, covered, required_met, rated_weight) in rated.items():
        slug, title, skills, required, weight = totals[role_id]
        sums.append(
            scoring_fit.RoleSums(
                slug,
                title,
                skills,
                required,
                weight,
                shared,
                covered,
                required_met,
                rated_weight,
                unrated.get(role_id, ()),
            )
        )
    return scoring_fit.role_fit_from_sums(sums, min_shared=min_shared)


def fit_data(fits):
    """The documented JSON of role fit (docs/report-format.md): ranked roles in order, then the others."""

    def entry(fit, ranked):
        return {
            "slug": fit.slug,
            "title": fit.title,
            "readiness": float(fit.readiness) if ranked else None,
            "rated_weight_share": round(float(fit.rated_weight_share), 3),
            "rated": fit.shared,
            "total": fit.total,
        }

    return {"ranked": [entry(f, True) for f in fits.ranked], "unranked": [entry(f, False) for f in fits.unranked]}


def role_fit_for(user, *, min_shared=1):
    """Cached per user under their stamp, which role content and any rating they give move."""
    key = f"fit:{user.pk}:{min_shared}:{user_stamp(user)}"
    fits = cache.get(key)
    if fits is None:
        fits = compute_role_fit(user, min_shared=min_shared)
        cache.set(key, fits, timeout=CACHE_SECONDS)
    return fits
