"""Role fit: which published roles a person is closest to, from their latest rating of each skill
(or, on a report opened on a reviewer's ratings, from the skills that reviewer rated alone).

At scale a role has hundreds of skills and a person has rated a few hundred, shared by most roles,
so nothing here loops over role skills in Python. Two aggregate queries give whole-number sums per
role (`scoring_fit.RoleSums`; weights in hundredths, coverage in sixtieths of a target, so the
arithmetic is exact in SQL on PostgreSQL and SQLite alike):

- each published role's totals (skills, required skills, Σ weight), cached per content revision;
- over the rated skills only: shared skills, their Σ weight, Σ weight × min(rating, target) × 60 /
  target, the required skills rated and those rated at or above target, the rating coming from a
  CASE over the user's levels.

A role is ranked only when every required skill is rated and its rated skills carry at least half
its weight. For the others, "rate N more skills" takes the unrated required skills, then the
heaviest unrated others: their count per kind and weight is the role's skills per kind and weight
(per content revision, roles.stats.weight_classes) less the rated ones, which the rated-skills
query gives by grouping on role, kind and weight.

`scoring_fit.role_fit_from_sums` then gives exactly what `scoring_fit.role_fit` gives from the full skill
lists (a test checks the two agree), at a cost that does not grow with the roles' other skills.
"""

from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Least

from careerpath.owner import Owner
from careerpath.pagecache import cached_value, content_revision
from roles.models import Role, RoleSkill, SkillKind
from roles.stats import WEIGHT_HUNDREDTHS, skill_totals, weight_classes

from . import scoring_fit
from .hooks import SelfRatings, ratings_basis
from .services import latest_ratings


def role_totals(content_revision=None):
    """{role_id: (slug, title, skills, required skills, Σ weight in hundredths)} of published roles
    (their skill totals are cached per content revision, see roles.stats)."""
    totals = skill_totals(content_revision)
    return {
        pk: (slug, title, totals[pk].skills, totals[pk].required, totals[pk].weight)
        for pk, slug, title in Role.objects.published().filter(pk__in=list(totals)).values_list("pk", "slug", "title")
    }


def rated_sums(levels, *, min_shared=1):
    """{role_id: (shared, covered, required_met, rated weight, {(kind, weight): rated skills})} for
    published roles sharing >= min_shared rated skills.

    `levels` is {skill_id: latest rating}. One query over the rated role skills only, grouped by
    role, kind and weight (a role's skills carry few distinct weights), added up per role here.
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
        .annotate(w=WEIGHT_HUNDREDTHS)
        .values("role_id", "kind", "w")
        .annotate(
            shared=Count("id"),
            covered=Sum(covered, output_field=IntegerField()),
            required_met=Count("id", filter=Q(kind=SkillKind.REQUIRED, target__lte=rating)),
        )
        .values_list("role_id", "kind", "w", "shared", "covered", "required_met")
    )
    sums = {}
    for role_id, kind, weight, shared, covered_units, required_met in rows:
        total = sums.setdefault(role_id, [0, 0, 0, 0, {}])
        total[0] += shared
        total[1] += covered_units
        total[2] += required_met
        total[3] += weight * shared
        total[4][kind, weight] = shared
    return {role_id: tuple(total) for role_id, total in sums.items() if total[0] >= min_shared}


def unrated_classes(all_classes, rated):
    """(weight, how many) of a role's unrated skills that are not required, heaviest first, and the
    Σ weight of its unrated required ones: its (kind, weight, count) classes less the rated ones."""
    others, required_weight = [], 0
    for kind, weight, count in all_classes:
        left = count - rated.get((kind, weight), 0)
        if left <= 0:
            continue
        if kind == SkillKind.REQUIRED:
            required_weight += weight * left
        else:
            others.append((weight, left))
    return tuple(others), required_weight


def _required_rated(rated_by_class):
    return sum(n for (kind, _weight), n in rated_by_class.items() if kind == SkillKind.REQUIRED)


def compute_role_fit(user, *, min_shared=1, own_only=False, rated_by=None):
    """The user's role fit (`scoring_fit.FitList`): ranked roles, and the ones to rate more of, on
    the latest level of each skill as the ratings basis gives it (a calibrated level wins), or on
    their own ratings only (`own_only`: a report opened on the owner's own ratings), or on someone
    else's ratings alone (`rated_by`, a `hooks.RatedBy`: a report opened on a reviewer's).

    Four queries cold (the latest ratings, their calibrations, the rated sums, the published
    roles; two on `rated_by`), plus the per-revision skill totals and weight classes when the
    content changed."""
    if rated_by is not None:
        levels = rated_by.levels
    else:
        basis = SelfRatings() if own_only else ratings_basis()
        levels = basis.latest_levels(latest_ratings(user=user))
    return role_fit_on_levels(levels, min_shared=min_shared)


def role_fit_on_levels(levels, *, min_shared=1):
    """Role fit on `levels` ({skill id: level}, the skills rated), as `compute_role_fit` describes."""
    if not levels:
        return scoring_fit.FitList((), ())
    current_revision = content_revision()
    totals = role_totals(current_revision)
    rated = rated_sums(levels, min_shared=min_shared)
    rated = {role_id: sums for role_id, sums in rated.items() if role_id in totals}  # published meanwhile: next time
    short = {
        role_id
        for role_id, sums in rated.items()
        if 2 * sums[3] < totals[role_id][4] or _required_rated(sums[4]) < totals[role_id][3]
    }
    classes = weight_classes(current_revision) if short else {}
    sums = []
    for role_id, (shared, covered, required_met, rated_weight, rated_by_weight) in rated.items():
        slug, title, skills, required, weight = totals[role_id]
        unrated, unrated_required_weight = (
            ((), 0) if role_id not in short else unrated_classes(classes.get(role_id, ()), rated_by_weight)
        )
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
                unrated,
                _required_rated(rated_by_weight),
                unrated_required_weight,
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
            "required_unrated": fit.required_unrated,
            "rated": fit.shared,
            "total": fit.total,
        }

    return {"ranked": [entry(f, True) for f in fits.ranked], "unranked": [entry(f, False) for f in fits.unranked]}


def role_fit_for(user, *, min_shared=1, own_only=False, rated_by=None):
    """Cached per owner (any change of their data replaces the owner key), content revision and
    basis (own only, or whose ratings: `rated_by.key`, a review): the report and the role-fit page
    both show it, and a cold computation at the benchmark's scale costs 0.2-0.3 s
    (docs/performance.md)."""
    return cached_value(
        "role-fit-core",  # ranked only when the core (required) skills are rated
        (min_shared, own_only, None if rated_by is None else rated_by.key, content_revision()),
        lambda: compute_role_fit(user, min_shared=min_shared, own_only=own_only, rated_by=rated_by),
        owner_scope=Owner.of_user(user).scope,
    )
