"""The team's view of one role, from its members' reports: plain functions over plain data.

Input: the role's skill columns and, for each consenting member, the skills of the report of their
latest submitted assessment (computed by assessments/reports.py from its frozen snapshot). Nothing here
reads the database, so the consent and threshold rules are tested without one.

- Aggregates (at or above target, median, counts over 0-5) use every member who consented to
  aggregates or more, and only when there are at least `min_contributors` of them.
- Coverage risks and team gaps are aggregates too: they follow the same threshold.
- The individual matrix holds only members who consented to their individual report.
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


def member_skills(report):
    """The team view's part of a report (assessments.reports.ReportView), in the report's skill order."""
    return tuple(MemberSkill(s.slug, s.rating, s.target, s.weight, s.gap, s.evidence) for s in report.skills)


@dataclass(frozen=True)
class Contributor:
    display_name: str
    skills: tuple  # MemberSkill, from the member's latest submitted report of the role
    individual: bool  # consented to their individual report
    share_evidence: bool = False
    plan: tuple | None = None  # plan items (dicts) when the plan is shared


@dataclass(frozen=True)
class SkillAggregate:
    column: Column
    contributors: int
    at_target: int
    median: float | None
    counts: tuple  # members at each level 0..5

    @property
    def counts_text(self):
        """The distribution in words beside its bars, level:members ("0:1 1:0 2:3 ...")."""
        return " ".join(f"{level}:{n}" for level, n in enumerate(self.counts))

    @property
    def bars(self):
        """(level, count, height in tenths of the tallest) for the distribution's small bars."""
        top = max(self.counts) or 1
        return [(level, n, round(10 * n / top)) for level, n in enumerate(self.counts)]


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
    priority: Fraction  # Σ over contributors of w × g
    members_below: int
    offerings: tuple = ()  # titles of chosen offerings that address it


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
    share_evidence: bool
    plan: tuple | None
    evidence: tuple = ()  # (skill name, text) where the member wrote evidence and shares it


@dataclass
class TeamMatrix:
    columns: list
    contributors: int
    min_contributors: int
    aggregates: list | None  # None below the threshold
    risks: list | None
    gaps: list | None
    offerings: list = field(default_factory=list)  # scoring.Pick, courses then certifications
    individuals: list = field(default_factory=list)

    @property
    def shown(self):
        return self.aggregates is not None


def _skills_by_slug(contributor):
    return {s.slug: s for s in contributor.skills}


def _aggregate(column, views):
    levels = [v.rating for v in views]
    counts = [0] * 6
    for level in levels:
        counts[level] += 1
    return SkillAggregate(
        column=column,
        contributors=len(levels),
        at_target=sum(1 for v in views if v.gap == 0),
        median=float(statistics.median(levels)) if levels else None,
        counts=tuple(counts),
    )


def team_gap_results(gaps):
    """The team's gaps as the scoring module's SkillResult (gap and priority summed over members)."""
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


def build_matrix(columns, contributors, *, min_contributors, courses=(), certifications=()):
    """Everything the team page and its exports show for one role."""
    by_member = [(c, _skills_by_slug(c)) for c in contributors]
    individuals = [
        IndividualRow(
            display_name=c.display_name,
            cells=tuple(_cell(col, skills.get(col.slug), c.share_evidence) for col in columns),
            share_evidence=c.share_evidence,
            plan=c.plan,
            evidence=tuple(
                (col.name, skills[col.slug].evidence)
                for col in columns
                if c.share_evidence and col.slug in skills and skills[col.slug].evidence
            ),
        )
        for c, skills in by_member
        if c.individual
    ]
    matrix = TeamMatrix(
        columns=list(columns),
        contributors=len(contributors),
        min_contributors=min_contributors,
        aggregates=None,
        risks=None,
        gaps=None,
        individuals=individuals,
    )
    if len(contributors) < min_contributors:
        return matrix
    aggregates, gaps = [], []
    for col in columns:
        views = [skills[col.slug] for _, skills in by_member if col.slug in skills]
        aggregates.append(_aggregate(col, views))
        # Weights are Decimals (two decimal places), so the Decimal sum is exact; one Fraction at the end.
        priority = Fraction(sum((v.weight * v.gap for v in views if v.gap), Decimal(0)))
        if priority > 0:
            gaps.append(TeamGap(column=col, priority=priority, members_below=sum(1 for v in views if v.gap)))
    gaps.sort(key=lambda g: (-g.priority, -g.members_below, g.column.name.casefold(), g.column.slug))
    picks = choose_team_offerings(gaps, courses, limit=COURSE_LIMIT) + choose_team_offerings(
        gaps, certifications, limit=CERTIFICATION_LIMIT
    )
    matrix.aggregates = aggregates
    matrix.risks = [Risk(a.column, a.at_target) for a in aggregates if a.at_target <= 1]
    matrix.gaps = [
        TeamGap(
            g.column,
            g.priority,
            g.members_below,
            tuple(p.title for p in picks if any(c.skill == g.column.slug for c in p.covers)),
        )
        for g in gaps
    ]
    matrix.offerings = picks
    return matrix


def _cell(column, view, share_evidence):
    if view is None:
        return Cell(rating=None, target=column.target, gap=None)
    return Cell(rating=view.rating, target=view.target, gap=view.gap, evidence=view.evidence if share_evidence else "")


def matrix_data(role, members_submitted, matrix):
    """matrix.json: the issue's shape; `members_submitted` lists names only; an individual carries
    `evidence` and `plan` only when the member shares them, as the page shows them."""
    return {
        "role": {"slug": role.slug, "title": role.title},
        "members_submitted": members_submitted,
        "aggregate": None
        if matrix.aggregates is None
        else {
            a.column.slug: {"at_target": a.at_target, "median": a.median, "counts": list(a.counts)}
            for a in matrix.aggregates
        },
        "individuals": [_individual_data(matrix.columns, row) for row in matrix.individuals],
        "risks": []
        if matrix.risks is None
        else [{"skill": r.column.slug, "at_target": r.at_target, "kind": r.kind} for r in matrix.risks],
        "team_gaps": []
        if matrix.gaps is None
        else [
            {
                "skill": g.column.slug,
                "name": g.column.name,
                "priority": float(g.priority),
                "members_below_target": g.members_below,
                "offerings": list(g.offerings),
            }
            for g in matrix.gaps
        ],
    }


def _individual_data(columns, row):
    """One consenting member as the page shows them: ratings, and their evidence and plan only
    when they ticked those too (the keys are absent otherwise)."""
    pairs = list(zip(columns, row.cells, strict=True))
    data = {
        "display_name": row.display_name,
        "ratings": {col.slug: cell.rating for col, cell in pairs if cell.rating is not None},
    }
    if row.share_evidence:
        data["evidence"] = {col.slug: cell.evidence for col, cell in pairs if cell.evidence}
    if row.plan is not None:
        data["plan"] = [dict(item) for item in row.plan]
    return data


def matrix_rows(data):
    """The CSV of matrix.json: one row per (section, person or skill), formula-safe."""
    yield ["section", "name", "skill", "value", "detail"]
    yield [_csv_safe(v) for v in ("role", data["role"]["title"], data["role"]["slug"], "", "")]
    for name in data["members_submitted"]:
        yield [_csv_safe(v) for v in ("submitted", name, "", "", "")]
    for slug, agg in (data["aggregate"] or {}).items():
        counts = " ".join(f"{level}:{n}" for level, n in enumerate(agg["counts"]))
        yield ["aggregate", "", slug, agg["at_target"], f"median {agg['median']}; counts {counts}"]
    for person in data["individuals"]:
        for slug, level in person["ratings"].items():
            yield [_csv_safe(v) for v in ("individual", person["display_name"], slug, level, "")]
        for slug, text in person.get("evidence", {}).items():
            yield [_csv_safe(v) for v in ("evidence", person["display_name"], slug, "", text)]
        for item in person.get("plan", []):
            detail = f"{item.get('action') or 'no action written'} ({item.get('status')})"
            yield [
                _csv_safe(v)
                for v in ("plan", person["display_name"], item.get("skill"), item.get("target_level"), detail)
            ]
    for risk in data["risks"]:
        yield ["risk", "", risk["skill"], risk["at_target"], risk["kind"]]
    for gap in data["team_gaps"]:
        yield [
            _csv_safe(v) for v in ("team_gap", gap["name"], gap["skill"], gap["priority"], "; ".join(gap["offerings"]))
        ]
