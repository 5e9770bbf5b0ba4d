"""The gap report's arithmetic: plain functions over plain data (issue #5).

Dataclasses in, dataclasses out; only the standard library, so the tests need no database.
docs/scoring.md states every rule in words and works the examples the tests pin.

Numbers are exact: weights arrive as `Decimal`, targets, levels and ratings as `int`, and
everything in between is a `Fraction`. Readiness is rounded half up once, at the end, to one
decimal place (the page then shows it as a whole percentage, see `whole_percent`).
Everything is linear in the number of skills and offerings (n log n where it sorts).
"""

import math
from collections.abc import Iterable, Sequence
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
    primary: bool = False  # the guide's transition path names it as the main gap into the role


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
    primary: bool = False


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
    more_courses: tuple[Pick, ...] = ()  # one course for each gap the chosen courses leave unraised


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
        primary=bool(skill.primary),
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
        not result.primary,
        -result.priority,
        not result.commonly_missing,
        -result.gap,
        -result.target,
        *_name_key(result),
    )


def order_gaps(results: Iterable[SkillResult]) -> list[SkillResult]:
    """Skills with a gap: required first; then the role's primary skills; then w × g, largest first;
    then the ones the guide marks commonly missing; then g, then target (both largest first); then name."""
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


def choose_offerings(
    gaps: Sequence[SkillResult], offerings: Iterable[OfferingInput], *, limit: int, at_target_only: bool = False
) -> list[Pick]:
    """Greedy weighted cover of the gaps by at most `limit` offerings, counting partial cover.

    With `at_target_only` (certifications), an offering counts for a gap skill only when its level
    reaches the skill's target: a certification below the target never covers that skill (an
    Associate exam is no evidence of a senior-level gap closed).

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
            if at_target_only and taught.slug in targets and level < targets[taught.slug]:
                continue
            if taught.slug in targets:  # a skill listed twice counts once, at its higher level
                reach[taught.slug] = max(reach.get(taught.slug, 0), min(level, targets[taught.slug]))
        value = sum(units[slug] * max(0, level - current[slug]) for slug, level in reach.items())
        if value > 0:
            candidate = _Candidate(offering, reach, value)
            candidates.append(candidate)
            for slug in reach:
                teaching[slug].append(candidate)

    picks: list[Pick] = []
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


def best_for_each_gap(
    gaps: Sequence[SkillResult], offerings: Iterable[OfferingInput], *, chosen: Sequence[Pick]
) -> list[Pick]:
    """One offering for each gap that no `chosen` pick raises, in gap order: the one that raises that
    skill furthest on its own, to min(level, t) from the rating (ties: recommended by the role, then
    title). A gap no offering raises gets none. Each pick covers that one skill, valued w × (to − from).
    Linear in the offerings' skills."""
    raised = {cover.skill for pick in chosen for cover in pick.covers}
    open_gaps = {gap.slug: gap for gap in gaps if gap.slug not in raised}
    best: dict[str, tuple[int, OfferingInput]] = {}
    for offering in offerings:
        for taught in offering.skills:
            gap = open_gaps.get(taught.slug)
            if gap is None:
                continue
            reach = min(_check_offering_level(offering.key, taught.slug, taught.level), gap.target)
            if reach <= gap.rating:
                continue
            current = best.get(gap.slug)
            if current is None or (-reach, _tie_key(offering)) < (-current[0], _tie_key(current[1])):
                best[gap.slug] = (reach, offering)
    picks = []
    for gap in gaps:
        if gap.slug in best:
            reach, offering = best[gap.slug]
            cover = Cover(gap.slug, gap.rating, reach)
            picks.append(Pick(offering.key, offering.title, (cover,), Fraction(gap.weight) * (reach - gap.rating)))
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
    courses = tuple(courses)
    chosen = tuple(choose_offerings(gaps, courses, limit=course_limit))
    return Report(
        skills=results,
        readiness=readiness_summary(results),
        gaps=tuple(gaps),
        strengths=tuple(order_strengths(results)),
        courses=chosen,
        certifications=tuple(choose_offerings(gaps, certifications, limit=certification_limit, at_target_only=True)),
        suggestions=tuple(advice),
        next_steps=tuple(order_suggestions(gaps, next_steps, exclude=advice)),
        more_courses=tuple(best_for_each_gap(gaps, courses, chosen=chosen)),
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
    was, now = earlier.readiness.overall, current.readiness.overall
    return Progress(
        readiness_before=was,
        readiness_after=now,
        change=None if was is None or now is None else now - was,
        skills=tuple(changes),
    )
