"""The gap report's arithmetic: plain functions over plain data (issue #5).

Dataclasses in, dataclasses out; only the standard library, so the tests need no database.
docs/scoring.md states every rule in words and works the examples the tests pin.

Numbers are exact: weights arrive as `Decimal`, targets, levels and ratings as `int`, and
everything in between is a `Fraction`. Readiness is rounded half up once, at the end, to one
decimal place (the page then shows it as a whole percentage, see `whole_percent`).
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
    commonly_missing: bool = False  # the role guide marks it as commonly missing


@dataclass(frozen=True)
class OfferingSkill:
    """One skill an offering teaches, and the level (1-5) it brings a learner to in that skill."""

    slug: str
    level: int


@dataclass(frozen=True)
class OfferingInput:
    """A course or a certification."""

    key: str  # its slug
    title: str
    skills: tuple[OfferingSkill, ...]  # the skills it teaches, in the offering's own order
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
    commonly_missing: bool = False


@dataclass(frozen=True)
class Cover:
    """How far a chosen offering raises one gap skill: from `before` to `after` (of its target)."""

    skill: str
    before: int
    after: int


@dataclass(frozen=True)
class Pick:
    key: str
    title: str
    covers: tuple[Cover, ...]  # the gap skills it raises, in the offering's own skill order
    value: Fraction  # Σ w(s) × (after − before) over those skills, at pick time


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
    suggestions: tuple[str, ...]  # tied to a gap skill (gap order), then general ones
    next_steps: tuple[str, ...] = ()  # the same rule; no text already in `suggestions`


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
        commonly_missing=bool(skill.commonly_missing),
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


def whole_percent(value: Decimal | None) -> int | None:
    """A one-decimal readiness as the page shows it: a whole number, rounded half up (79.5 → 80).

    The page rounds the figure report.json gives, so the two never disagree by more than that
    rounding: 79.4 shows as 79, 79.5 as 80."""
    return None if value is None else math.floor(Fraction(value) + Fraction(1, 2))


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
    return (
        result.kind != REQUIRED,
        -result.priority,
        not result.commonly_missing,
        -result.gap,
        -result.target,
        *_name_key(result),
    )


def order_gaps(results: Iterable[SkillResult]) -> list[SkillResult]:
    """Skills with a gap: required first; then w × g, largest first; then the ones the guide marks
    commonly missing; then g, then target (both largest first); then name."""
    return sorted((r for r in results if r.gap > 0), key=_gap_key)


def order_strengths(results: Iterable[SkillResult]) -> list[SkillResult]:
    """Skills rated at or above target: the furthest above first, then name."""
    return sorted(
        (r for r in results if r.rating >= r.target),
        key=lambda r: (-(r.rating - r.target), *_name_key(r)),
    )


# --- Courses and certifications ---------------------------------------------------------------


def _check_offering_level(key: str, slug: str, level) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not MIN_TARGET <= level <= MAX_TARGET:
        raise ValueError(
            f"offering {key!r}, skill {slug!r}: level must be a whole number from {MIN_TARGET} to {MAX_TARGET}, "
            f"got {level!r}"
        )
    return level


@dataclass(slots=True)
class _Candidate:
    offering: OfferingInput
    reach: dict[str, int]  # gap skill -> min(level, t), in the offering's own skill order
    value: int  # Σ w(s) × max(0, reach(s) − cur(s)), in whole units (see choose_offerings)


def choose_offerings(gaps: Sequence[SkillResult], offerings: Iterable[OfferingInput], *, limit: int) -> list[Pick]:
    """Greedy weighted cover of the gaps by at most `limit` offerings, counting partial cover.

    Each gap skill s starts at cur(s) = its rating. An offering teaching s brings a learner to
    level(s), so it is worth Σ w(s) × max(0, min(level(s), t(s)) − cur(s)) over the gap skills it
    teaches. Each pass picks the offering worth the most (which must be > 0; ties: recommended by
    the role first, then title), then sets cur(s) = max(cur(s), min(level(s), t(s))) for its skills.

    Linear: values are kept per candidate and lowered when a skill's cur(s) rises, so a pass is one
    scan of the candidates. They are counted in whole units of 1/denominator (the common
    denominator of the weights), which keeps the arithmetic exact and integer.
    """
    limit = _check_limit(limit)
    targets = {gap.slug: gap.target for gap in gaps}
    weights = {gap.slug: Fraction(gap.weight) for gap in gaps}
    denominator = math.lcm(*(weight.denominator for weight in weights.values()))
    units = {slug: int(weight * denominator) for slug, weight in weights.items()}
    current = {gap.slug: gap.rating for gap in gaps}

    candidates: list[_Candidate] = []
    teaching: dict[str, list[_Candidate]] = {slug: [] for slug in targets}
    seen = set()
    for offering in offerings:
        if offering.key in seen:
            raise ValueError(f"offering {offering.key!r} appears more than once")
        seen.add(offering.key)
        reach: dict[str, int] = {}
        for taught in offering.skills:
            level = _check_offering_level(offering.key, taught.slug, taught.level)
            if taught.slug in targets:  # a skill listed twice counts once, at its higher level
                reach[taught.slug] = max(reach.get(taught.slug, 0), min(level, targets[taught.slug]))
        value = sum(units[slug] * max(0, level - current[slug]) for slug, level in reach.items())
        if value > 0:
            candidate = _Candidate(offering, reach, value)
            candidates.append(candidate)
            for slug in reach:
                teaching[slug].append(candidate)

    picks = []
    while len(picks) < limit:
        # cur(s) only ever rises, so a candidate worth 0 stays worth 0: drop it for good.
        candidates = [candidate for candidate in candidates if candidate.value > 0]
        if not candidates:
            break
        best_value = max(candidate.value for candidate in candidates)
        best = min((c for c in candidates if c.value == best_value), key=lambda c: _tie_key(c.offering))
        covers = []
        for slug, to in best.reach.items():
            before = current[slug]
            if to <= before:
                continue
            for candidate in teaching[slug]:
                reach_level = candidate.reach[slug]
                candidate.value -= units[slug] * (max(0, reach_level - before) - max(0, reach_level - to))
            current[slug] = to
            covers.append(Cover(slug, before, to))
        picks.append(Pick(best.offering.key, best.offering.title, tuple(covers), Fraction(best_value, denominator)))
    return picks


def _tie_key(offering: OfferingInput):
    # Recommended by the role first, then title ignoring case (then exactly, then key: a total order).
    return (not offering.recommended, offering.title.casefold(), offering.title, offering.key)


# --- Suggestions and next steps ---------------------------------------------------------------


def order_suggestions(
    gaps: Sequence[SkillResult], suggestions: Iterable[SuggestionInput], *, exclude: Iterable[str] = ()
) -> list[str]:
    """Advice tied to a gap skill, in gap order, then advice tied to no skill (each in the guide's
    order). Advice tied to a skill that is not a gap is left out: the person can already do it.
    A text is given once, at its first place, and never when it is in `exclude`."""
    by_skill: dict[str, list[str]] = {gap.slug: [] for gap in gaps}
    general = []
    for suggestion in suggestions:
        if suggestion.skill is None:
            general.append(suggestion.text)
        elif suggestion.skill in by_skill:
            by_skill[suggestion.skill].append(suggestion.text)
    given = set(exclude)
    ordered = []
    for text in [text for gap in gaps for text in by_skill[gap.slug]] + general:
        if text not in given:
            given.add(text)
            ordered.append(text)
    return ordered


# --- The report -------------------------------------------------------------------------------


def score(
    skills: Iterable[SkillInput],
    *,
    courses: Iterable[OfferingInput] = (),
    certifications: Iterable[OfferingInput] = (),
    suggestions: Iterable[SuggestionInput] = (),
    next_steps: Iterable[SuggestionInput] = (),
    course_limit: int = COURSE_LIMIT,
    certification_limit: int = CERTIFICATION_LIMIT,
) -> Report:
    """The whole gap report for one assessment of one role snapshot."""
    results = evaluate_all(skills)
    gaps = order_gaps(results)
    advice = order_suggestions(gaps, suggestions)
    return Report(
        skills=results,
        readiness=readiness_summary(results),
        gaps=tuple(gaps),
        strengths=tuple(order_strengths(results)),
        courses=tuple(choose_offerings(gaps, courses, limit=course_limit)),
        certifications=tuple(choose_offerings(gaps, certifications, limit=certification_limit)),
        suggestions=tuple(advice),
        next_steps=tuple(order_suggestions(gaps, next_steps, exclude=advice)),
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

    @property
    def changed(self) -> tuple[SkillChange, ...]:
        """The skills whose rating moved, or that only one of the two reports has."""
        return tuple(change for change in self.skills if change.change != 0)

    @property
    def unchanged(self) -> int:
        """How many skills kept their rating."""
        return sum(1 for change in self.skills if change.change == 0)


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

# A role is ranked only when the person has rated skills carrying at least this share of its weight.
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
    to_rate: int  # how many more skills (heaviest first) to rate before it is ranked; 0 when ranked

    @property
    def ranked(self) -> bool:
        return self.to_rate == 0


@dataclass(frozen=True)
class FitList:
    ranked: tuple[RoleFit, ...]  # closest first
    unranked: tuple[RoleFit, ...]  # fewest skills left to rate first


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


def _title_key(fit: RoleFit):
    return (fit.title.casefold(), fit.title, fit.slug)


def role_fit(latest_ratings: Mapping[str, int], roles: Iterable[RoleSpec], *, min_shared: int = 1) -> FitList:
    """Every role sharing at least `min_shared` rated skills, split into ranked and unranked.

    Readiness is over all of a role's skills, an unrated skill counting as rating 0. A role is
    ranked only when the rated skills carry at least half of its total weight; ranked best first:
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
        to_rate=skills_to_rate(sums.rated_weight, sums.weight, sums.unrated),
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
    unrated: tuple[tuple[int, int], ...] = ()  # (W, how many) of its unrated skills, heaviest first


def role_sums(latest_ratings: Mapping[str, int], role: RoleSpec) -> RoleSums:
    """The sums of one role, from its full skill list (the reference for what a database adds up)."""
    weight = covered = shared = required = required_met = rated_weight = 0
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
            to_rate=skills_to_rate(role.rated_weight, role.weight, role.unrated),
        )
        for role in roles
        if role.total and role.shared >= min_shared and role.weight > 0
    )
