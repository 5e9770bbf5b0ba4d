"""The team's view of one role, from its members' reports: plain functions over plain data.

Nothing here reads the database, so the rules are tested without one (tests/test_matrix.py).
Two kinds of people feed it, and they never mix (docs/teams.md, "Threat model"):

- *Named members* (`Person`): consented to their report by name. Each gets a row: verdict,
  readiness and a rating per skill.
- *Hidden contributors*: chose aggregates only and submitted during a review cycle. At the
  cycle's close `aggregate_of` turns their reports into an `AggregateResult` (per skill: how many
  at each level, at target, below target and the summed weight × gap), which is stored as JSON
  (`result_record` / `result_from_record`) and never recomputed.

`team_summary` adds the two (the named members' own numbers and a released result's per-skill
numbers) into coverage risks and team gaps: nothing a viewer could not add up from what they see.
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from assessments import scoring
from assessments.reports import _csv_safe  # the report's own guard against spreadsheet formulas

COURSE_LIMIT = scoring.COURSE_LIMIT
CERTIFICATION_LIMIT = scoring.CERTIFICATION_LIMIT
RECORD_VERSION = 1


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    kind: str
    target: int


class MemberSkill(NamedTuple):
    """One skill of a member's report, as much of it as the team view needs (small to cache)."""

    slug: str
    rating: int
    target: int
    weight: Decimal
    gap: int
    evidence: str


class MemberReport(NamedTuple):
    """The team view's part of one report: its skills and its verdict."""

    skills: tuple  # MemberSkill, in the report's skill order
    overall: Decimal | None  # readiness, one decimal place, as report.json has it
    meets_bar: bool
    required_gaps: int
    required_total: int


def member_report(report):
    """The team view's part of a report (assessments.reports.ReportView)."""
    return MemberReport(
        skills=tuple(MemberSkill(s.slug, s.rating, s.target, s.weight, s.gap, s.evidence) for s in report.skills),
        overall=report.readiness.overall,
        meets_bar=report.readiness.meets_required_bar,
        required_gaps=report.required_gaps,
        required_total=report.required_total,
    )


def verdict_text(meets_bar, required_gaps, required_total):
    """The report's own verdict, said of someone else."""
    if meets_bar:
        return "Meets the required bar"
    noun = "skill" if required_total == 1 else "skills"
    return f"{required_gaps} of {required_total} required {noun} below target"


@dataclass(frozen=True)
class Person:
    """A member shown by name, with their report (and evidence and plan if they share them)."""

    display_name: str
    report: MemberReport
    share_evidence: bool = False
    plan: tuple | None = None  # plan items (dicts) when the plan is shared


# --- a cycle's frozen result -------------------------------------------------------------------


@dataclass(frozen=True)
class SkillAggregate:
    column: Column
    contributors: int
    at_target: int
    counts: tuple  # people at each level 0..5
    priority: Fraction  # Σ over contributors of weight × gap
    below: int  # contributors below target

    @property
    def median(self):
        levels = [level for level, n in enumerate(self.counts) for _ in range(n)]
        return float(statistics.median(levels)) if levels else None

    @property
    def counts_text(self):
        """The distribution in words beside its bars, level:people ("0:1 1:0 2:3 ...")."""
        return " ".join(f"{level}:{n}" for level, n in enumerate(self.counts))

    @property
    def bars(self):
        """(level, count, height in tenths of the tallest) for the distribution's small bars."""
        top = max(self.counts) or 1
        return [(level, n, round(10 * n / top)) for level, n in enumerate(self.counts)]


@dataclass(frozen=True)
class AggregateResult:
    """What a review cycle releases at close: per skill, numbers over its hidden contributors."""

    columns: tuple
    contributors: int
    skills: tuple  # SkillAggregate, one per column
    courses: tuple = ()  # scoring.OfferingInput, from the newest contributor's snapshot
    certifications: tuple = ()


def aggregate_of(columns, reports, *, courses=(), certifications=()):
    """The result of a cycle's hidden contributors' reports (MemberReport)."""
    by_person = [{s.slug: s for s in r.skills} for r in reports]
    skills = []
    for col in columns:
        views = [person[col.slug] for person in by_person if col.slug in person]
        counts = [0] * 6
        for v in views:
            counts[v.rating] += 1
        # Weights are Decimals (two decimal places), so the Decimal sum is exact; one Fraction at the end.
        priority = Fraction(sum((v.weight * v.gap for v in views if v.gap), Decimal(0)))
        skills.append(
            SkillAggregate(
                column=col,
                contributors=len(views),
                at_target=sum(1 for v in views if v.gap == 0),
                counts=tuple(counts),
                priority=priority,
                below=sum(1 for v in views if v.gap),
            )
        )
    return AggregateResult(
        columns=tuple(columns),
        contributors=len(reports),
        skills=tuple(skills),
        courses=tuple(courses),
        certifications=tuple(certifications),
    )


def _offering_record(o):
    return {
        "key": o.key,
        "title": o.title,
        "skills": [[s.slug, s.level] for s in o.skills],
        "recommended": o.recommended,
    }


def _offering_from(d):
    skills = tuple(scoring.OfferingSkill(slug, level) for slug, level in d["skills"])
    return scoring.OfferingInput(key=d["key"], title=d["title"], skills=skills, recommended=d["recommended"])


def result_record(result):
    """The result as the JSON a ReviewCycle stores (exact: priorities as decimal strings)."""
    return {
        "version": RECORD_VERSION,
        "contributors": result.contributors,
        "skills": [
            {
                "slug": a.column.slug,
                "name": a.column.name,
                "kind": a.column.kind,
                "target": a.column.target,
                "contributors": a.contributors,
                "at_target": a.at_target,
                "counts": list(a.counts),
                "priority": str(Decimal(a.priority.numerator) / Decimal(a.priority.denominator)),
                "below": a.below,
            }
            for a in result.skills
        ],
        "courses": [_offering_record(o) for o in result.courses],
        "certifications": [_offering_record(o) for o in result.certifications],
    }


def result_from_record(record):
    if record.get("version") != RECORD_VERSION:
        raise ValueError(f"unknown cycle result version {record.get('version')!r}")
    skills = []
    for s in record["skills"]:
        column = Column(slug=s["slug"], name=s["name"], kind=s["kind"], target=s["target"])
        skills.append(
            SkillAggregate(
                column=column,
                contributors=s["contributors"],
                at_target=s["at_target"],
                counts=tuple(s["counts"]),
                priority=Fraction(Decimal(s["priority"])),
                below=s["below"],
            )
        )
    return AggregateResult(
        columns=tuple(a.column for a in skills),
        contributors=record["contributors"],
        skills=tuple(skills),
        courses=tuple(_offering_from(o) for o in record["courses"]),
        certifications=tuple(_offering_from(o) for o in record["certifications"]),
    )


# --- named members ------------------------------------------------------------------------------


class Cell(NamedTuple):  # a NamedTuple: there are up to 60,000 of them on a page
    rating: int | None
    target: int
    gap: int | None
    evidence: str = ""

    @property
    def heat(self):
        if self.rating is None:
            return "none"
        return "met" if self.gap == 0 else ("near" if self.gap == 1 else "far")


@dataclass(frozen=True)
class IndividualRow:
    display_name: str
    cells: tuple  # one Cell per column
    readiness: int | None  # whole percent
    meets_bar: bool
    required_gaps: int
    required_total: int
    share_evidence: bool = False
    plan: tuple | None = None
    evidence: tuple = ()  # (skill name, text) where the member wrote evidence and shares it
    shown: tuple = ()  # per cell {"heat", "text"}: what templates/teams/heatmap.html prints, looked up fast

    @property
    def verdict(self):
        return verdict_text(self.meets_bar, self.required_gaps, self.required_total)


def _cell(column, view, share_evidence):
    if view is None:
        return Cell(rating=None, target=column.target, gap=None)
    return Cell(rating=view.rating, target=view.target, gap=view.gap, evidence=view.evidence if share_evidence else "")


def individual_rows(columns, people):
    """One row per named member, closest to ready first: meeting the required bar, then fewest
    required gaps, then readiness, then name."""
    rows = []
    for p in people:
        skills = {s.slug: s for s in p.report.skills}
        cells = tuple(_cell(col, skills.get(col.slug), p.share_evidence) for col in columns)
        rows.append(
            IndividualRow(
                display_name=p.display_name,
                cells=cells,
                # text as str: the template does not localise 20,000 numbers (a third of the page time)
                shown=tuple({"heat": c.heat, "text": "–" if c.rating is None else str(c.rating)} for c in cells),
                readiness=scoring.whole_percent(p.report.overall),
                meets_bar=p.report.meets_bar,
                required_gaps=p.report.required_gaps,
                required_total=p.report.required_total,
                share_evidence=p.share_evidence,
                plan=p.plan,
                evidence=tuple(
                    (col.name, skills[col.slug].evidence)
                    for col in columns
                    if p.share_evidence and col.slug in skills and skills[col.slug].evidence
                ),
            )
        )
    rows.sort(key=lambda r: (not r.meets_bar, r.required_gaps, -(r.readiness or 0), r.display_name.casefold()))
    return rows


# --- the summary: named members plus a released result ------------------------------------------


@dataclass(frozen=True)
class Risk:
    column: Column
    at_target: int

    @property
    def kind(self):
        return "nobody" if self.at_target == 0 else "one"


@dataclass(frozen=True)
class TeamGap:
    column: Column
    priority: Fraction  # Σ over people of w × g
    members_below: int
    offerings: tuple = ()  # titles of chosen offerings that address it


@dataclass
class TeamSummary:
    named: int  # members counted by name
    hidden: int  # contributors counted through a released result
    risks: list
    gaps: list
    offerings: list = field(default_factory=list)  # scoring.Pick, courses then certifications

    @property
    def people(self):
        return self.named + self.hidden


def team_gap_results(gaps):
    """The team's gaps as the scoring module's SkillResult (gap and priority summed over people)."""
    return [
        scoring.SkillResult(
            slug=g.column.slug,
            name=g.column.name,
            kind=g.column.kind,
            target=g.column.target,
            weight=g.priority,
            rating=0,
            category="",
            gap=g.members_below,
            coverage=Fraction(0),
            priority=g.priority,
        )
        for g in gaps
    ]


def choose_team_offerings(gaps, offerings, *, limit):
    """The one place the team's gaps meet the report's offering choice (assessments.scoring.choose_offerings).
    Another change makes that choice count partial cover with per-skill levels: adapt here only."""
    return scoring.choose_offerings(team_gap_results(gaps), offerings, limit=limit)


def team_summary(columns, named, aggregate=None, *, courses=(), certifications=()):
    """Coverage risks and team gaps over the named members' reports (MemberReport) plus, when one
    is given, a released result's per-skill numbers. None when there is nobody to count."""
    hidden = aggregate.contributors if aggregate is not None else 0
    if not named and not hidden:
        return None
    released = {a.column.slug: a for a in aggregate.skills} if aggregate is not None else {}
    by_person = [{s.slug: s for s in r.skills} for r in named]
    at_target, gaps = [], []
    for col in columns:
        views = [person[col.slug] for person in by_person if col.slug in person]
        agg = released.get(col.slug)
        met = sum(1 for v in views if v.gap == 0) + (agg.at_target if agg else 0)
        at_target.append(Risk(col, met))
        priority = Fraction(sum((v.weight * v.gap for v in views if v.gap), Decimal(0))) + (agg.priority if agg else 0)
        below = sum(1 for v in views if v.gap) + (agg.below if agg else 0)
        if priority > 0:
            gaps.append(TeamGap(column=col, priority=priority, members_below=below))
    gaps.sort(key=lambda g: (-g.priority, -g.members_below, g.column.name.casefold(), g.column.slug))
    picks = choose_team_offerings(gaps, courses, limit=COURSE_LIMIT) + choose_team_offerings(
        gaps, certifications, limit=CERTIFICATION_LIMIT
    )
    return TeamSummary(
        named=len(named),
        hidden=hidden,
        risks=[r for r in at_target if r.at_target <= 1],
        gaps=[
            TeamGap(
                g.column,
                g.priority,
                g.members_below,
                tuple(p.title for p in picks if any(c.skill == g.column.slug for c in p.covers)),
            )
            for g in gaps
        ],
        offerings=picks,
    )


# --- exports -------------------------------------------------------------------------------------


def matrix_data(role, members_submitted, view):
    """matrix.json. `view` is what the page shows (selectors.team_role_view): `members_submitted`
    lists names only; `aggregate` is the released result this viewer may see, or null; an
    individual carries `evidence` and `plan` only when the member shares them."""
    aggregate, summary, cycle = view["aggregate"], view["summary"], view["result_cycle"]
    return {
        "role": {"slug": role.slug, "title": role.title},
        "skills": [{"slug": c.slug, "name": c.name, "kind": c.kind, "target": c.target} for c in view["columns"]],
        "members_submitted": members_submitted,
        "cycles": view["cycles_data"],
        "aggregate_cycle": None if cycle is None else cycle,
        "aggregate": None
        if aggregate is None
        else {
            a.column.slug: {
                "contributors": a.contributors,
                "at_target": a.at_target,
                "median": a.median,
                "counts": list(a.counts),
            }
            for a in aggregate.skills
        },
        "individuals": [_individual_data(view["columns"], row) for row in view["individuals"]],
        "risks": []
        if summary is None
        else [{"skill": r.column.slug, "at_target": r.at_target, "kind": r.kind} for r in summary.risks],
        "team_gaps": []
        if summary is None
        else [
            {
                "skill": g.column.slug,
                "name": g.column.name,
                "priority": float(g.priority),
                "members_below_target": g.members_below,
                "offerings": list(g.offerings),
            }
            for g in summary.gaps
        ],
    }


def _individual_data(columns, row):
    """One named member as the page shows them: verdict, readiness and ratings, and their
    evidence and plan only when they ticked those too (the keys are absent otherwise)."""
    pairs = list(zip(columns, row.cells, strict=True))
    data = {
        "display_name": row.display_name,
        "readiness": row.readiness,
        "meets_required_bar": row.meets_bar,
        "verdict": row.verdict,
        "ratings": {col.slug: cell.rating for col, cell in pairs if cell.rating is not None},
    }
    if row.share_evidence:
        data["evidence"] = {col.slug: cell.evidence for col, cell in pairs if cell.evidence}
    if row.plan is not None:
        data["plan"] = [dict(item) for item in row.plan]
    return data


def matrix_rows(data):
    """The CSV: blocks a spreadsheet reads one under the other, each with a title row and its own
    header, every text formula-safe. First the named members as a person × skill grid (with their
    verdict and readiness), then the released result as a per-skill summary, then the team's gaps
    and coverage risks, then shared evidence and plans."""
    safe = _csv_safe
    skills = [s["slug"] for s in data["skills"]]
    yield [safe(f"Team view of {data['role']['title']}"), data["role"]["slug"]]
    yield []
    yield ["Members shown by name: rating per skill"]
    yield ["member", "verdict", "readiness %", *(safe(s["name"]) for s in data["skills"])]
    for person in data["individuals"]:
        ratings = person["ratings"]
        yield [
            safe(person["display_name"]),
            safe(person["verdict"]),
            "" if person["readiness"] is None else person["readiness"],
            *(ratings.get(slug, "") for slug in skills),
        ]
    yield []
    cycle = data["aggregate_cycle"]
    if data["aggregate"] is None:
        yield ["Aggregate: none released that you may see"]
    else:
        yield [f"Aggregate of {cycle['contributors']} hidden contributors, review cycle closed {cycle['closed_on']}"]
        yield ["skill", "people", "at or above target", "median", *(f"level {n}" for n in range(6))]
        for slug, agg in data["aggregate"].items():
            yield [slug, agg["contributors"], agg["at_target"], agg["median"], *agg["counts"]]
    yield []
    yield ["Team gaps (named members and the aggregate)"]
    yield ["skill", "name", "sum of weight x gap", "people below target", "covered by"]
    for gap in data["team_gaps"]:
        yield [
            gap["skill"],
            safe(gap["name"]),
            gap["priority"],
            gap["members_below_target"],
            safe("; ".join(gap["offerings"])),
        ]
    yield []
    yield ["Coverage risks"]
    yield ["skill", "people at target", "risk"]
    for risk in data["risks"]:
        yield [risk["skill"], risk["at_target"], "nobody at target" if risk["kind"] == "nobody" else "one at target"]
    yield from _extras_rows(data)
    yield []
    yield ["Submitted since assigned"]
    for name in data["members_submitted"]:
        yield [safe(name)]


def _extras_rows(data):
    sharing = [p for p in data["individuals"] if "evidence" in p or "plan" in p]
    if not sharing:
        return
    yield []
    yield ["Shared evidence and plans"]
    yield ["member", "kind", "skill", "level", "text"]
    for person in sharing:
        name = _csv_safe(person["display_name"])
        for slug, text in person.get("evidence", {}).items():
            yield [name, "evidence", slug, "", _csv_safe(text)]
        for item in person.get("plan", []):
            text = f"{item.get('action') or 'no action written'} ({item.get('status')})"
            yield [name, "plan", _csv_safe(item.get("skill")), item.get("target_level"), _csv_safe(text)]
