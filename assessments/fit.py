"""Role fit: which published roles a person is closest to, from their latest rating of each skill.

At scale a role has hundreds of skills and a person has rated a few dozen, so only the role skills
the person rated are read; each role's other skills are summed by the database into one
"not rated" stand-in skill (rating 0) that carries their total weight. Readiness, the required
bar and the order then come from the pure `scoring.role_fit`, exactly as if every skill were read.
"""

import dataclasses
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, DecimalField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from roles import revision
from roles.models import Role, RoleSkill

from . import scoring
from .models import Rating
from .services import latest_ratings

UNRATED = "__not-rated__"
EFFECTIVE_WEIGHT = Coalesce(
    "role_skills__weight",
    Case(When(role_skills__kind="required", then=Value(Decimal("1.0"))), default=Value(Decimal("0.5"))),
    output_field=DecimalField(max_digits=12, decimal_places=2),
)


def _default_weight(kind):
    return Decimal("1.0") if kind == scoring.REQUIRED else Decimal("0.5")


def role_specs(rated_skill_ids, *, min_shared=3):
    """The published roles sharing at least `min_shared` rated skills, as scoring.RoleSpec, and their skill counts."""
    candidates = (
        RoleSkill.objects.filter(role__is_published=True, skill_id__in=rated_skill_ids)
        .order_by()
        .values("role_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_shared)
        .values("role_id")
    )
    roles = {
        pk: (slug, title, total, weight, required)
        for pk, slug, title, total, weight, required in Role.objects.filter(pk__in=candidates)
        .annotate(
            total=Count("role_skills"),
            weight=Sum(EFFECTIVE_WEIGHT),
            required=Count("role_skills", filter=Q(role_skills__kind="required")),
        )
        .values_list("pk", "slug", "title", "total", "weight", "required")
    }
    rated = {}
    rows = (
        RoleSkill.objects.filter(role_id__in=list(roles), skill_id__in=rated_skill_ids)
        .values_list("role_id", "skill__slug", "skill__name", "kind", "target", "weight")
        .order_by("role_id", "order", "id")
    )
    for role_id, slug, name, kind, target, weight in rows:
        weight = weight if weight is not None else _default_weight(kind)
        rated.setdefault(role_id, []).append(
            scoring.RoleSkillSpec(slug=slug, name=name, kind=kind, target=target, weight=weight)
        )
    specs, totals = [], {}
    for pk, (slug, title, total, weight_sum, required_total) in roles.items():
        skills = rated.get(pk, [])
        rest_weight = weight_sum - sum(s.weight for s in skills)
        if len(skills) < total and rest_weight > 0:
            rated_required = sum(1 for s in skills if s.kind == scoring.REQUIRED)
            kind = scoring.REQUIRED if required_total > rated_required else scoring.DIFFERENTIATING
            skills = [
                *skills,
                scoring.RoleSkillSpec(slug=UNRATED, name="Not rated", kind=kind, target=1, weight=rest_weight),
            ]
        specs.append(scoring.RoleSpec(slug=slug, title=title, skills=tuple(skills)))
        totals[slug] = total
    return specs, totals


def compute_role_fit(user, *, min_shared=3):
    latest = latest_ratings(user=user)
    if not latest:
        return []
    slugs = dict(RoleSkill.objects.filter(skill_id__in=latest).values_list("skill_id", "skill__slug").distinct())
    by_slug = {slugs[skill_id]: rating.level for skill_id, rating in latest.items() if skill_id in slugs}
    specs, totals = role_specs(list(latest), min_shared=min_shared)
    return [
        dataclasses.replace(fit, total=totals[fit.slug])
        for fit in scoring.role_fit(by_slug, specs, min_shared=min_shared)
    ]


def role_fit_for(user, *, min_shared=3):
    """Cached per user until role content changes or the user's ratings change."""
    stamp = Rating.objects.filter(assessment__user=user).aggregate(last=Max("updated_at"), count=Count("id"))
    if not stamp["count"]:
        return []
    key = f"fit:{user.pk}:{min_shared}:{revision.current()}:{stamp['count']}:{stamp['last'].timestamp()}"
    fits = cache.get(key)
    if fits is None:
        fits = compute_role_fit(user, min_shared=min_shared)
        cache.set(key, fits, timeout=60 * 60 * 24)
    return fits
