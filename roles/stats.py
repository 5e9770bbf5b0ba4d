"""Per-role skill totals, shared by the role list's cards and role fit.

One aggregate over every role skill (300,000 rows at the benchmark's scale: 0.3 s), so it is
computed once per content revision and cached (careerpath.pagecache.cached_value); only role
content changes it.
"""

from typing import NamedTuple

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from careerpath.pagecache import cached_value

from . import revision
from .models import DEFAULT_WEIGHTS, RoleSkill, SkillKind

# A role skill's effective weight (a missing one is its kind's default) in hundredths, as an integer:
# weights have two decimals, so sums of it are exact in SQL on PostgreSQL and SQLite alike.
WEIGHT_HUNDREDTHS = Cast(
    Round(
        Coalesce(
            "weight",
            Case(
                When(kind=SkillKind.REQUIRED, then=Value(DEFAULT_WEIGHTS[SkillKind.REQUIRED])),
                default=Value(DEFAULT_WEIGHTS[SkillKind.DIFFERENTIATING]),
            ),
        )
        * 100
    ),
    IntegerField(),
)


class SkillTotals(NamedTuple):
    required: int
    differentiating: int
    weight: int  # Σ effective weight, in hundredths

    @property
    def skills(self):
        return self.required + self.differentiating


def skill_totals(content_revision=None):
    """{role id: SkillTotals} for every role, published or not (`content_revision`: when the caller
    has already read it)."""
    if content_revision is None:
        content_revision = revision.current()
    return cached_value("role-skill-totals", (content_revision,), _compute_totals)


def _compute_totals():
    rows = (
        RoleSkill.objects.order_by()
        .values("role_id")
        .annotate(
            required=Count("pk", filter=Q(kind=SkillKind.REQUIRED)),
            differentiating=Count("pk", filter=Q(kind=SkillKind.DIFFERENTIATING)),
            weight=Sum(WEIGHT_HUNDREDTHS),
        )
        .values_list("role_id", "required", "differentiating", "weight")
    )
    return {role_id: SkillTotals(*counts) for role_id, *counts in rows}


def weight_classes(content_revision=None):
    """{role id: ((kind, weight in hundredths, how many skills), …)}, heaviest first, for every role:
    role fit's "rate N more skills" takes the unrated required skills, then the heaviest others. A
    role's skills carry few distinct weights, so this is small; one aggregate per content revision,
    cached like the totals."""
    if content_revision is None:
        content_revision = revision.current()
    return cached_value("role-weight-classes-by-kind", (content_revision,), _compute_weight_classes)


def _compute_weight_classes():
    rows = (
        RoleSkill.objects.order_by()
        .annotate(w=WEIGHT_HUNDREDTHS)
        .values("role_id", "kind", "w")
        .annotate(n=Count("pk"))
        .values_list("role_id", "kind", "w", "n")
    )
    grouped = {}
    for role_id, kind, weight, count in rows:
        grouped.setdefault(role_id, []).append((kind, weight, count))
    return {
        role_id: tuple(sorted(triples, key=lambda t: (t[1], t[0]), reverse=True))
        for role_id, triples in grouped.items()
    }
