"""Role fit: which published roles a person is closest to, from their latest rating of each skill.

At scale a role has hundreds of skills and a person has rated a few hundred, shared by most roles,
so nothing here loops over role skills in Python. Two aggregate queries give whole-number sums per
role (`scoring.RoleSums`; weights in hundredths, coverage in sixtieths of a target, so the
arithmetic is exact in SQL on PostgreSQL and SQLite alike):

- each published role's totals (skills, required skills, Σ weight), cached per content revision;
- over the rated skills only: shared skills, Σ weight × min(rating, target) × 60 / target, and the
  required skills rated at or above target, the rating coming from a CASE over the user's levels.

`scoring.role_fit_from_sums` then gives exactly what `scoring.role_fit` gives from the full skill
lists (a test checks the two agree), at a cost that does not grow with the roles' other skills.
"""

from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Least

from careerpath.pagecache import cached_value, content_revision
from roles.models import Role, RoleSkill, SkillKind
from roles.stats import WEIGHT_HUNDREDTHS, skill_totals

from . import scoring
from .owners import Owner
from .services import latest_ratings


def role_totals():
    """{role_id: (slug, title, skills, required skills, Σ weight in hundredths)} of published roles
    (their skill totals are cached per content revision, see roles.stats)."""
    totals = skill_totals()
    return {
        pk: (slug, title, totals[pk].skills, totals[pk].required, totals[pk].weight)
        for pk, slug, title in Role.objects.published().filter(pk__in=list(totals)).values_list("pk", "slug", "title")
    }


def rated_sums(levels, *, min_shared=3):
    """{role_id: (shared, covered, required_met)} for published roles sharing >= min_shared rated skills.

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
    covered = WEIGHT_HUNDREDTHS * Least(rating, F("target")) * (Value(scoring.COVERAGE_UNIT) / F("target"))
    rows = (
        RoleSkill.objects.filter(role__is_published=True, skill_id__in=list(levels))
        .order_by()
        .values("role_id")
        .annotate(
            shared=Count("id"),
            covered=Sum(covered, output_field=IntegerField()),
            required_met=Count("id", filter=Q(kind=SkillKind.REQUIRED, target__lte=rating)),
        )
        .filter(shared__gte=min_shared)
        .values_list("role_id", "shared", "covered", "required_met")
    )
    return {role_id: (shared, covered, met) for role_id, shared, covered, met in rows}


def compute_role_fit(user, *, min_shared=3):
    from reviews.selectors import calibrated_levels

    latest = latest_ratings(user=user)
    if not latest:
        return []
    totals = role_totals()
    sums = []
    for role_id, (shared, covered, required_met) in rated_sums(
        calibrated_levels(latest),
        min_shared=min_shared,  # reviews: a calibrated level wins over its self-rating
    ).items():
        if role_id not in totals:  # published while the totals were read; the next revision has it
            continue
        slug, title, skills, required, weight = totals[role_id]
        sums.append(scoring.RoleSums(slug, title, skills, required, weight, shared, covered, required_met))
    return scoring.role_fit_from_sums(sums, min_shared=min_shared)


def role_fit_for(user, *, min_shared=3):
    """Cached per owner (any change of their data replaces the owner key) and content revision:
    the report and the role-fit page both show it, and a cold computation at the benchmark's scale
    costs 0.2-0.3 s (docs/performance.md)."""
    return cached_value(
        "role-fit",
        (min_shared, content_revision()),
        lambda: compute_role_fit(user, min_shared=min_shared),
        owner_scope=Owner.coerce(user).scope,
    )
