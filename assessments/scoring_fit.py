"""Role fit's arithmetic: which roles a person is closest to (issues #5 and #15).

Plain functions over plain data, like `scoring` (whose per-skill rules it reuses), so the tests
need no database. docs/scoring.md states the rules and works Example 5, which the tests pin.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from .scoring import (
    MAX_RATING,
    MAX_TARGET,
    MIN_RATING,
    MIN_TARGET,
    REQUIRED,
    SkillInput,
    _check_level,
    _exact_weight,
    _percentage,
    evaluate_all,
    meets_required_bar,
    readiness_of,
)

# --- Role fit ---------------------------------------------------------------------------------

# A role is ranked only when the person has rated every one of its required skills (its core: they
# carry the most weight and decide the required bar) and skills carrying at least this share of its weight.
RANK_SHARE = Fraction(1, 2)


@dataclass(frozen=True)
class RoleSkillSpec:
    slug: str
    name: str
    kind: str
    target: int
    weight: Decimal


@dataclass(frozen=True)
class RoleSpec:
    slug: str
    title: str
    skills: tuple[RoleSkillSpec, ...]


@dataclass(frozen=True)
class RoleFit:
    slug: str
    title: str
    readiness: Decimal
    shared: int  # the role's skills the person has rated
    total: int  # the role's skills
    meets_required_bar: bool
    rated_weight_share: Fraction  # Σ w over the rated skills / Σ w over all of them
    to_rate: (
        int  # how many more skills (its unrated required ones, then the heaviest) before it is ranked; 0 when ranked
    )
    required_unrated: int = 0  # its required skills not rated yet (why it is not ranked, when it is not)

    @property
    def ranked(self) -> bool:
        return self.to_rate == 0


@dataclass(frozen=True)
class FitList:
    ranked: tuple[RoleFit, ...]  # closest first
    unranked: tuple[RoleFit, ...]  # fewest skills left to rate first


def skills_to_rank(sums: "RoleSums") -> int:
    """How many more skills before a role is ranked: every unrated required skill, then the heaviest
    of the others until the rated weight reaches RANK_SHARE of the total (the fewest that can do it)."""
    forced = sums.required - sums.required_rated
    return forced + skills_to_rate(sums.rated_weight + sums.required_unrated_weight, sums.weight, sums.unrated)


def skills_to_rate(rated_weight: int, total_weight: int, unrated: Iterable[tuple[int, int]]) -> int:
    """How many unrated skills, heaviest first, bring the rated weight to RANK_SHARE of the total.

    Weights are whole numbers (hundredths); `unrated` is (weight, how many skills) pairs."""
    need = math.ceil(RANK_SHARE * total_weight) - rated_weight
    count = 0
    for weight, number in sorted(unrated, reverse=True):
        if need <= 0:
            break
        if weight <= 0:
            continue
        take = min(number, math.ceil(Fraction(need, weight)))
        count += take
        need -= take * weight
    return count


def _fit_lists(fits: Iterable[RoleFit]) -> FitList:
    ranked, unranked = [], []
    for fit in fits:
        (ranked if fit.ranked else unranked).append(fit)
    ranked.sort(key=lambda f: (-f.readiness, -f.rated_weight_share, -f.shared, *_title_key(f)))
    unranked.sort(key=lambda f: (f.to_rate, -f.rated_weight_share, *_title_key(f)))
    return FitList(tuple(ranked), tuple(unranked))


def with_report(fits: FitList, *, slug: str, readiness: Decimal | None, meets_required_bar: bool) -> FitList:
    """The list as a report page shows it: the report's own role at the report's readiness (its
    snapshot and ratings basis, the number in the page's header), ranked again among the others.
    A role not in the list is left out, as before."""
    if readiness is None:
        return fits
    entries = []
    for fit in fits.ranked + fits.unranked:
        if fit.slug == slug:
            fit = replace(
                fit, readiness=readiness, meets_required_bar=meets_required_bar, to_rate=0, required_unrated=0
            )
        entries.append(fit)
    return _fit_lists(entries)


def _title_key(fit: RoleFit):
    return (fit.title.casefold(), fit.title, fit.slug)


def role_fit(latest_ratings: Mapping[str, int], roles: Iterable[RoleSpec], *, min_shared: int = 1) -> FitList:
    """Every role sharing at least `min_shared` rated skills, split into ranked and unranked.

    Readiness is over all of a role's skills, an unrated skill counting as rating 0. A role is
    ranked only when every required skill is rated and the rated skills carry at least half of its
    total weight; ranked best first:
    readiness, rated weight share, shared (all largest first), then title. The others are listed
    apart, fewest skills left to rate first.
    """
    for slug, rating in latest_ratings.items():
        _check_level("rating", slug, rating, MIN_RATING, MAX_RATING)
    fits = []
    for role in roles:
        sums = role_sums(latest_ratings, role)
        if role.skills and sums.shared >= min_shared:
            fits.append(_one_role_fit(latest_ratings, role, sums))
    return _fit_lists(fits)


def _one_role_fit(latest_ratings: Mapping[str, int], role: RoleSpec, sums: "RoleSums") -> RoleFit:
    """The reference arithmetic: Fractions over the role's full skill list."""
    results = evaluate_all(
        SkillInput(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            target=spec.target,
            weight=spec.weight,
            rating=latest_ratings.get(spec.slug, 0),
        )
        for spec in role.skills
    )
    return RoleFit(
        slug=role.slug,
        title=role.title,
        readiness=readiness_of(results),
        shared=sums.shared,
        total=len(results),
        meets_required_bar=meets_required_bar(results),
        rated_weight_share=Fraction(sums.rated_weight, sums.weight),
        to_rate=skills_to_rank(sums),
        required_unrated=sums.required - sums.required_rated,
    )


# Role fit at scale: the same numbers from whole-number sums, which a database can add up.
# A weight has at most two decimals, so in hundredths it is a whole number W; a target t is 1-5,
# so 60 / t is whole and W × min(r, t) × (60 / t) is 60 × 100 × w × c exactly.
COVERAGE_UNIT = 60


def coverage_units(weight_hundredths: int, rating: int, target: int) -> int:
    """60 × 100 × w × c for one skill, a whole number (w × c × 6000)."""
    return weight_hundredths * min(rating, target) * (COVERAGE_UNIT // target)


@dataclass(frozen=True)
class RoleSums:
    """One role's totals for role fit, in whole numbers (weights in hundredths)."""

    slug: str
    title: str
    total: int  # the role's skills
    required: int  # its required skills
    weight: int  # Σ W over all its skills
    shared: int  # its skills the person rated
    covered: int  # Σ coverage_units over the rated ones
    required_met: int  # its required skills rated at or above target
    rated_weight: int = 0  # Σ W over the rated ones
    unrated: tuple[
        tuple[int, int], ...
    ] = ()  # (W, how many) of its unrated skills that are not required, heaviest first
    required_rated: int = 0  # its required skills the person rated
    required_unrated_weight: int = 0  # Σ W over its unrated required skills


def role_sums(latest_ratings: Mapping[str, int], role: RoleSpec) -> RoleSums:
    """The sums of one role, from its full skill list (the reference for what a database adds up)."""
    weight = covered = shared = required = required_met = rated_weight = required_rated = required_unrated_weight = 0
    unrated: dict[int, int] = {}
    for spec in role.skills:
        hundredths = _exact_weight(spec.slug, spec.weight) * 100
        if hundredths.denominator != 1:
            raise ValueError(f"skill {spec.slug!r}: weight must have at most two decimals, got {spec.weight}")
        units = int(hundredths)
        target = _check_level("target", spec.slug, spec.target, MIN_TARGET, MAX_TARGET)
        weight += units
        required += spec.kind == REQUIRED
        if spec.slug in latest_ratings:
            rating = latest_ratings[spec.slug]
            shared += 1
            rated_weight += units
            covered += coverage_units(units, rating, target)
            required_met += spec.kind == REQUIRED and rating >= target
            required_rated += spec.kind == REQUIRED
        elif spec.kind == REQUIRED:
            required_unrated_weight += units
        else:
            unrated[units] = unrated.get(units, 0) + 1
    return RoleSums(
        role.slug,
        role.title,
        len(role.skills),
        required,
        weight,
        shared,
        covered,
        required_met,
        rated_weight,
        tuple(sorted(unrated.items(), reverse=True)),
        required_rated,
        required_unrated_weight,
    )


def role_fit_from_sums(roles: Iterable[RoleSums], *, min_shared: int = 1) -> FitList:
    """`role_fit` from per-role sums: the same readiness, bar, split and order, in integer arithmetic."""
    return _fit_lists(
        RoleFit(
            slug=role.slug,
            title=role.title,
            readiness=_percentage(Fraction(role.covered, COVERAGE_UNIT * 100), Fraction(role.weight, 100)),
            shared=role.shared,
            total=role.total,
            meets_required_bar=role.required_met == role.required,
            rated_weight_share=Fraction(role.rated_weight, role.weight),
            to_rate=skills_to_rank(role),
            required_unrated=role.required - role.required_rated,
        )
        for role in roles
        if role.total and role.shared >= min_shared and role.weight > 0
    )
