"""The gap report's arithmetic: plain functions over plain data (issue #5).

Dataclasses in, dataclasses out; only the standard library, so the tests need no database.
docs/scoring.md states every rule in words and works the examples the tests pin.

Numbers are exact: weights arrive as `Decimal`, targets and ratings as `int`, and everything in
between is a `Fraction`. Readiness is rounded half up once, at the end, to one decimal place.
Everything is linear in the number of skills and offerings (n log n where it sorts).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

REQUIRED = "required"
DIFFERENTIATING = "differentiating"
KINDS = (REQUIRED, DIFFERENTIATING)

MIN_TARGET, MAX_TARGET = 1, 5
MIN_RATING, MAX_RATING = 0, 5

COURSE_LIMIT = 5
CERTIFICATION_LIMIT = 3


# --- Inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillInput:
    """One skill of the frozen role snapshot, with the person's rating."""

    slug: str
    name: str
    kind: str
    target: int
    weight: Decimal
    rating: int
    category: str = ""


@dataclass(frozen=True)
class OfferingInput:
    """A course or a certification."""

    key: str  # its slug
    title: str
    skills: tuple[str, ...]  # slugs of the skills it teaches
    recommended: bool = False  # the role itself recommends it


@dataclass(frozen=True)
class SuggestionInput:
    """A development suggestion, tied to one skill or (skill None) general."""

    text: str
    skill: str | None = None


# --- Outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillResult:
    slug: str
    name: str
    kind: str
    target: int
    weight: Decimal
    rating: int
    category: str
    gap: int  # g = max(0, t - r)
    coverage: Fraction  # c = min(r, t) / t
    priority: Fraction  # w × g


@dataclass(frozen=True)
class Pick:
    key: str
    title: str
    covers: tuple[str, ...]  # gap skill slugs it addresses, in gap order
    value: Fraction  # Σ remaining(s) over those skills at pick time


@dataclass(frozen=True)
class Readiness:
    overall: Decimal | None
    required: Decimal | None
    differentiating: Decimal | None
    meets_required_bar: bool


@dataclass(frozen=True)
class Report:
    skills: tuple[SkillResult, ...]  # input order
    readiness: Readiness
    gaps: tuple[SkillResult, ...]  # priority order
    strengths: tuple[SkillResult, ...]
    courses: tuple[Pick, ...]
    certifications: tuple[Pick, ...]
    suggestions: tuple[str, ...]


# --- Validation -------------------------------------------------------------------------------


def _check_level(label: str, slug: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"skill {slug!r}: {label} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"skill {slug!r}: {label} {value} is not between {low} and {high}")
    return value


def _exact_weight(slug: str, weight) -> Fraction:
    """The weight as an exact Fraction; a float would bring binary rounding in, so it is refused."""
    if isinstance(weight, bool) or not isinstance(weight, Decimal | int | Fraction):
        raise ValueError(f"skill {slug!r}: weight must be a Decimal, got {weight!r}")
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise ValueError(f"skill {slug!r}: weight must be a finite number, got {weight!r}")
    exact = Fraction(weight)
    if exact <= 0:
        raise ValueError(f"skill {slug!r}: weight must be greater than 0, got {weight}")
    return exact


def _check_kind(slug: str, kind) -> str:
    if kind not in KINDS:
        raise ValueError(f"skill {slug!r}: kind must be {REQUIRED!r} or {DIFFERENTIATING!r}, got {kind!r}")
    return kind


def _check_limit(limit) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a whole number >= 0, got {limit!r}")
    return limit


# --- One skill --------------------------------------------------------------------------------


def evaluate(skill: SkillInput) -> SkillResult:
    """Gap, coverage and priority of one skill (validated)."""
    kind = _check_kind(skill.slug, skill.kind)
    target = _check_level("target", skill.slug, skill.target, MIN_TARGET, MAX_TARGET)
    rating = _check_level("rating", skill.slug, skill.rating, MIN_RATING, MAX_RATING)
    weight = _exact_weight(skill.slug, skill.weight)
    gap = max(0, target - rating)
    return SkillResult(
        slug=skill.slug,
        name=skill.name,
        kind=kind,
        target=target,
        weight=skill.weight,
        rating=rating,
        category=skill.category,
        gap=gap,
        coverage=Fraction(min(rating, target), target),
        priority=weight * gap,
    )


def evaluate_all(skills: Iterable[SkillInput]) -> tuple[SkillResult, ...]:
    """Every skill evaluated, in input order; a slug may appear only once."""
    results = []
    seen = set()
    for skill in skills:
        if skill.slug in seen:
            raise ValueError(f"skill {skill.slug!r} appears more than once")
        seen.add(skill.slug)
        results.append(evaluate(skill))
    return tuple(results)


# --- Readiness --------------------------------------------------------------------------------


def round_half_up(value: Fraction) -> Decimal:
    """Exactly `floor(value × 10 + 1/2) / 10`, as a Decimal with one decimal place (2/3 → 0.7)."""
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


def _weighted_sums(results: Iterable[SkillResult]) -> tuple[Fraction, Fraction]:
    """Σ(w × c) and Σ(w)."""
    covered = total = Fraction(0)
    for result in results:
        weight = Fraction(result.weight)
        covered += weight * result.coverage
        total += weight
    return covered, total


def _percentage(covered: Fraction, total: Fraction) -> Decimal | None:
    return None if total == 0 else round_half_up(100 * covered / total)


def readiness_of(results: Iterable[SkillResult]) -> Decimal | None:
    """100 × Σ(w × c) / Σ(w), rounded half up to one decimal; None for no skills."""
    return _percentage(*_weighted_sums(results))


def readiness(skills: Iterable[SkillInput]) -> Decimal | None:
    """Readiness of a set of skills (validated); None for an empty set."""
    return readiness_of(evaluate_all(skills))


def meets_required_bar(results: Iterable[SkillResult]) -> bool:
    """True when no required skill has a gap (and so when there are no required skills)."""
    return all(result.gap == 0 for result in results if result.kind == REQUIRED)


def readiness_summary(results: Sequence[SkillResult]) -> Readiness:
    """Overall, required and differentiating readiness, and the required bar."""
    required = _weighted_sums(r for r in results if r.kind == REQUIRED)
    differentiating = _weighted_sums(r for r in results if r.kind == DIFFERENTIATING)
    overall = (required[0] + differentiating[0], required[1] + differentiating[1])  # each skill summed once
    return Readiness(
        overall=_percentage(*overall),
        required=_percentage(*required),
        differentiating=_percentage(*differentiating),
        meets_required_bar=meets_required_bar(results),
    )


# --- Ordering ---------------------------------------------------------------------------------


def _name_key(result: SkillResult) -> tuple[str, str, str]:
    # Case-insensitive name, then exact name, then the (unique) slug, so the order is total.
    return (result.name.casefold(), result.name, result.slug)


def _gap_key(result: SkillResult):
    return (result.kind != REQUIRED, -result.priority, -result.gap, *_name_key(result))


def order_gaps(results: Iterable[SkillResult]) -> list[SkillResult]:
    """Skills with a gap: required first, then w × g, then g (both largest first), then name."""
    return sorted((r for r in results if r.gap > 0), key=_gap_key)


def order_strengths(results: Iterable[SkillResult]) -> list[SkillResult]:
    """Skills rated at or above target: the furthest above first, then name."""
    return sorted(
        (r for r in results if r.rating >= r.target),
        key=lambda r: (-(r.rating - r.target), *_name_key(r)),
    )


# --- Courses and certifications ---------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    offering: OfferingInput
    teaches: list[str]  # the gap skills it teaches, in gap order
    value: int  # Σ remaining over them, in whole units (see choose_offerings)


def choose_offerings(gaps: Sequence[SkillResult], offerings: Iterable[OfferingInput], *, limit: int) -> list[Pick]:
    """Greedy weighted cover of the gaps by at most `limit` offerings.

    Each gap skill starts with remaining = w × g. Each pass picks the offering with the largest
    Σ remaining over the gap skills it teaches (which must be > 0; ties: recommended by the role
    first, then title), then sets remaining to 0 for the skills it covered.

    Linear: values are kept per candidate and lowered when a skill is covered, so a pass is one
    scan of the candidates. They are counted in whole units of 1/denominator (the common
    denominator of the priorities), which keeps the arithmetic exact and integer.
    """
    limit = _check_limit(limit)
    position = {gap.slug: index for index, gap in enumerate(gaps)}
    denominator = math.lcm(*(gap.priority.denominator for gap in gaps))
    remaining = {gap.slug: int(gap.priority * denominator) for gap in gaps}

    candidates: list[_Candidate] = []
    teaching: dict[str, list[_Candidate]] = {slug: [] for slug in position}
    seen = set()
    for offering in offerings:
        if offering.key in seen:
            raise ValueError(f"offering {offering.key!r} appears more than once")
        seen.add(offering.key)
        teaches = sorted({slug for slug in offering.skills if slug in position}, key=position.__getitem__)
        candidate = _Candidate(offering, teaches, sum(remaining[slug] for slug in teaches))
        if candidate.value > 0:
            candidates.append(candidate)
            for slug in teaches:
                teaching[slug].append(candidate)

    picks = []
    while len(picks) < limit:
        # Remaining only ever falls, so a candidate worth 0 stays worth 0: drop it for good.
        candidates = [candidate for candidate in candidates if candidate.value > 0]
        if not candidates:
            break
        best_value = max(candidate.value for candidate in candidates)
        best = min((c for c in candidates if c.value == best_value), key=lambda c: _tie_key(c.offering))
        covers = tuple(slug for slug in best.teaches if remaining[slug] > 0)
        for slug in covers:
            for candidate in teaching[slug]:
                candidate.value -= remaining[slug]
            remaining[slug] = 0
        picks.append(Pick(best.offering.key, best.offering.title, covers, Fraction(best_value, denominator)))
    return picks


def _tie_key(offering: OfferingInput):
    # Recommended by the role first, then title ignoring case (then exactly, then key: a total order).
    return (not offering.recommended, offering.title.casefold(), offering.title, offering.key)


# --- Suggestions ------------------------------------------------------------------------------


def order_suggestions(gaps: Sequence[SkillResult], suggestions: Iterable[SuggestionInput]) -> list[str]:
    """Suggestions for gap skills in gap order, then the general ones; others are left out."""
    by_skill: dict[str, list[str]] = {gap.slug: [] for gap in gaps}
    general = []
    for suggestion in suggestions:
        if suggestion.skill is None:
            general.append(suggestion.text)
        elif suggestion.skill in by_skill:
            by_skill[suggestion.skill].append(suggestion.text)
    return [text for gap in gaps for text in by_skill[gap.slug]] + general


# --- The report -------------------------------------------------------------------------------


def score(
    skills: Iterable[SkillInput],
    *,
    courses: Iterable[OfferingInput] = (),
    certifications: Iterable[OfferingInput] = (),
    suggestions: Iterable[SuggestionInput] = (),
    course_limit: int = COURSE_LIMIT,
    certification_limit: int = CERTIFICATION_LIMIT,
) -> Report:
    """The whole gap report for one assessment of one role snapshot."""
    results = evaluate_all(skills)
    gaps = order_gaps(results)
    return Report(
        skills=results,
        readiness=readiness_summary(results),
        gaps=tuple(gaps),
        strengths=tuple(order_strengths(results)),
        courses=tuple(choose_offerings(gaps, courses, limit=course_limit)),
        certifications=tuple(choose_offerings(gaps, certifications, limit=certification_limit)),
        suggestions=tuple(order_suggestions(gaps, suggestions)),
    )


# --- Progress over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class SkillChange:
    slug: str
    name: str
    before: int | None
    after: int | None
    change: int | None  # None when the skill is in only one of the reports


@dataclass(frozen=True)
class Progress:
    readiness_before: Decimal | None
    readiness_after: Decimal | None
    change: Decimal | None
    skills: tuple[SkillChange, ...]  # current report's skill order, then skills only in the earlier one


def progress(earlier: Report, current: Report) -> Progress:
    """How the ratings and overall readiness moved from an earlier report to the current one."""
    before_ratings = {s.slug: s.rating for s in earlier.skills}
    current_slugs = {s.slug for s in current.skills}
    changes = []
    for skill in current.skills:
        before = before_ratings.get(skill.slug)
        change = None if before is None else skill.rating - before
        changes.append(SkillChange(skill.slug, skill.name, before, skill.rating, change))
    for skill in earlier.skills:
        if skill.slug not in current_slugs:
            changes.append(SkillChange(skill.slug, skill.name, skill.rating, None, None))
    before, after = earlier.readiness.overall, current.readiness.overall
    return Progress(
        readiness_before=before,
        readiness_after=after,
        change=None if before is None or after is None else after - before,
        skills=tuple(changes),
    )


# --- Role fit ---------------------------------------------------------------------------------


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


def role_fit(latest_ratings: Mapping[str, int], roles: Iterable[RoleSpec], *, min_shared: int = 3) -> list[RoleFit]:
    """Roles sharing at least `min_shared` rated skills, closest first.

    Readiness is over all of a role's skills, an unrated skill counting as rating 0.
    Best first: readiness, then shared (both largest first), then title.
    """
    for slug, rating in latest_ratings.items():
        _check_level("rating", slug, rating, MIN_RATING, MAX_RATING)
    fits = []
    for role in roles:
        shared = sum(1 for spec in role.skills if spec.slug in latest_ratings)
        if not role.skills or shared < min_shared:
            continue
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
        fits.append(
            RoleFit(
                slug=role.slug,
                title=role.title,
                readiness=readiness_of(results),
                shared=shared,
                total=len(results),
                meets_required_bar=meets_required_bar(results),
            )
        )
    return sorted(fits, key=lambda f: (-f.readiness, -f.shared, f.title.casefold(), f.title, f.slug))


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


def role_sums(latest_ratings: Mapping[str, int], role: RoleSpec) -> RoleSums:
    """The sums of one role, from its full skill list (the reference for what a database adds up)."""
    weight = covered = shared = required = required_met = 0
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
            covered += coverage_units(units, rating, target)
            required_met += spec.kind == REQUIRED and rating >= target
    return RoleSums(role.slug, role.title, len(role.skills), required, weight, shared, covered, required_met)


def role_fit_from_sums(roles: Iterable[RoleSums], *, min_shared: int = 3) -> list[RoleFit]:
    """`role_fit` from per-role sums: the same readiness, bar and order, in integer arithmetic."""
    fits = [
        RoleFit(
            slug=role.slug,
            title=role.title,
            readiness=_percentage(Fraction(role.covered, COVERAGE_UNIT * 100), Fraction(role.weight, 100)),
            shared=role.shared,
            total=role.total,
            meets_required_bar=role.required_met == role.required,
        )
        for role in roles
        if role.total and role.shared >= min_shared and role.weight > 0
    ]
    return sorted(fits, key=lambda f: (-f.readiness, -f.shared, f.title.casefold(), f.title, f.slug))
