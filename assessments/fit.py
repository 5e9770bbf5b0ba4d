"""Role fit: which published roles a person is closest to, from their latest rating of each skill."""

from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max

from roles import revision
from roles.models import Role, RoleSkill, Skill

from . import scoring
from .models import Rating
from .services import latest_ratings


def role_specs(skill_ids):
    """Every published role that has at least one of `skill_ids`, as scoring.RoleSpec (two queries)."""
    role_ids = (
        RoleSkill.objects.filter(skill_id__in=skill_ids, role__is_published=True)
        .values_list("role_id", flat=True)
        .distinct()
    )
    rows = (
        RoleSkill.objects.filter(role_id__in=list(role_ids))
        .values_list("role_id", "skill__slug", "skill__name", "kind", "target", "weight")
        .order_by("role_id", "order", "id")
    )
    skills = {}
    for role_id, slug, name, kind, target, weight in rows:
        weight = weight if weight is not None else (Decimal("1.0") if kind == "required" else Decimal("0.5"))
        skills.setdefault(role_id, []).append(
            scoring.RoleSkillSpec(slug=slug, name=name, kind=kind, target=target, weight=weight)
        )
    roles = {
        pk: (slug, title) for pk, slug, title in Role.objects.filter(pk__in=skills).values_list("pk", "slug", "title")
    }
    return [scoring.RoleSpec(slug=roles[pk][0], title=roles[pk][1], skills=tuple(s)) for pk, s in skills.items()]


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


def compute_role_fit(user, *, min_shared=3):
    latest = latest_ratings(user=user)
    if not latest:
        return []
    slugs = dict(Skill.objects.filter(pk__in=latest).values_list("pk", "slug"))
    by_slug = {slugs[skill_id]: rating.level for skill_id, rating in latest.items()}
    return scoring.role_fit(by_slug, role_specs(list(latest)), min_shared=min_shared)
