"""Reading a submitted assessment: the gap report, computed from its frozen snapshot only.

`build_report(snapshot)` turns the snapshot into scoring inputs, calls the pure scoring module,
and returns a `ReportView` with everything the page, the JSON and the CSV exports show.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from roles.levels import LEVEL_DESCRIPTIONS, Level, scale

from . import scoring


@dataclass(frozen=True)
class OfferingView:
    slug: str
    title: str
    provider: str
    url: str
    description: str
    recommended: bool
    covers: tuple  # skill slugs, gap order
    covers_names: tuple


@dataclass(frozen=True)
class SkillView:
    slug: str
    name: str
    category: str
    kind: str
    target: int
    weight: Decimal
    rating: int
    gap: int
    evidence: str
    commonly_missing: bool
    note: str
    next_level: int | None  # the level to reach next (None for a met target)
    next_level_name: str
    next_level_descriptor: str  # this skill's own words, or the generic scale's
    courses: tuple = ()  # OfferingView titles that address this gap
    suggestions: tuple = ()

    @property
    def rating_name(self):
        return Level(self.rating).label

    @property
    def target_name(self):
        return Level(self.target).label

    @property
    def is_required(self):
        return self.kind == scoring.REQUIRED


@dataclass(frozen=True)
class ChartRow:
    skill: SkillView
    y: int
    rating_width: float
    target_x: float


@dataclass
class ReportView:
    role_slug: str
    role_title: str
    role_family: str
    readiness: scoring.Readiness
    skills: list
    gaps: list
    strengths: list
    courses: list
    certifications: list
    suggestions: list
    next_steps: list
    transition_paths: list
    required_gaps: int = 0
    chart: dict = field(default_factory=dict)
    scored: scoring.Report | None = None  # the pure module's result, for progress over time

    @property
    def verdict(self):
        if self.readiness.meets_required_bar:
            return "You meet every required skill."
        noun = "skill" if self.required_gaps == 1 else "skills"
        return f"{self.required_gaps} required {noun} below target."

    def transition_path_from(self, role_slug):
        return next((p for p in self.transition_paths if p["from_role"] == role_slug), None)


def scoring_inputs(snapshot):
    """The snapshot as the scoring module's plain inputs."""
    ratings = snapshot.get("ratings", {})
    skills = [
        scoring.SkillInput(
            slug=s["slug"],
            name=s["name"],
            kind=s["kind"],
            target=int(s["target"]),
            weight=Decimal(s["weight"]),
            rating=int(ratings.get(s["slug"], {}).get("level", 0)),
            category=s.get("category", ""),
        )
        for s in snapshot["skills"]
    ]
    courses = [
        scoring.OfferingInput(key=c["slug"], title=c["title"], skills=tuple(c["skills"]), recommended=c["recommended"])
        for c in snapshot.get("courses", [])
    ]
    certifications = [
        scoring.OfferingInput(key=c["slug"], title=c["title"], skills=tuple(c["skills"]), recommended=c["recommended"])
        for c in snapshot.get("certifications", [])
    ]
    suggestions = [
        scoring.SuggestionInput(text=s["text"], skill=s.get("skill")) for s in snapshot.get("suggestions", [])
    ]
    return skills, courses, certifications, suggestions


def score_snapshot(snapshot):
    skills, courses, certifications, suggestions = scoring_inputs(snapshot)
    return scoring.score(skills, courses=courses, certifications=certifications, suggestions=suggestions)


def _next_level(result, descriptors):
    if result.gap == 0:
        return None, "", ""
    level = min(result.rating + 1, 5)
    text = descriptors.get(str(level)) or LEVEL_DESCRIPTIONS[Level(level)]
    return level, Level(level).label, text


def _offering_views(picks, by_slug, names):
    views = []
    for pick in picks:
        data = by_slug[pick.key]
        views.append(
            OfferingView(
                slug=pick.key,
                title=data["title"],
                provider=data.get("provider", ""),
                url=data.get("url", ""),
                description=data.get("description", ""),
                recommended=data.get("recommended", False),
                covers=pick.covers,
                covers_names=tuple(names[s] for s in pick.covers),
            )
        )
    return views


CHART_ROW_HEIGHT = 28
CHART_LABEL_WIDTH = 0  # labels are drawn in the HTML table beside the chart on small screens
CHART_BAR_WIDTH = 500


def build_report(snapshot):
    report = score_snapshot(snapshot)
    meta = {s["slug"]: s for s in snapshot["skills"]}
    ratings = snapshot.get("ratings", {})
    names = {s["slug"]: s["name"] for s in snapshot["skills"]}
    courses = _offering_views(report.courses, {c["slug"]: c for c in snapshot.get("courses", [])}, names)
    certs = _offering_views(report.certifications, {c["slug"]: c for c in snapshot.get("certifications", [])}, names)
    suggestions_by_skill = {}
    for s in snapshot.get("suggestions", []):
        if s.get("skill"):
            suggestions_by_skill.setdefault(s["skill"], []).append(s["text"])

    def view(result):
        m = meta[result.slug]
        level, level_name, descriptor = _next_level(result, m.get("descriptors", {}))
        return SkillView(
            slug=result.slug,
            name=result.name,
            category=result.category,
            kind=result.kind,
            target=result.target,
            weight=result.weight,
            rating=result.rating,
            gap=result.gap,
            evidence=ratings.get(result.slug, {}).get("evidence", ""),
            commonly_missing=m.get("commonly_missing", False),
            note=m.get("note", ""),
            next_level=level,
            next_level_name=level_name,
            next_level_descriptor=descriptor,
            courses=tuple(c for c in courses + certs if result.slug in c.covers),
            suggestions=tuple(suggestions_by_skill.get(result.slug, ())) if result.gap else (),
        )

    skills = [view(r) for r in report.skills]
    by_slug = {s.slug: s for s in skills}
    chart_rows = [
        ChartRow(
            skill=s,
            y=i * CHART_ROW_HEIGHT,
            rating_width=round(CHART_BAR_WIDTH * s.rating / 5, 1),
            target_x=round(CHART_BAR_WIDTH * s.target / 5, 1),
        )
        for i, s in enumerate(skills)
    ]
    return ReportView(
        role_slug=snapshot["role"]["slug"],
        role_title=snapshot["role"]["title"],
        role_family=snapshot["role"].get("family", ""),
        readiness=report.readiness,
        skills=skills,
        gaps=[by_slug[g.slug] for g in report.gaps],
        strengths=[by_slug[s.slug] for s in report.strengths],
        courses=courses,
        certifications=certs,
        suggestions=list(report.suggestions),
        next_steps=list(snapshot.get("next_steps", [])),
        transition_paths=list(snapshot.get("transition_paths", [])),
        required_gaps=sum(1 for g in report.gaps if g.kind == scoring.REQUIRED),
        scored=report,
        chart={
            "rows": chart_rows,
            "height": max(len(chart_rows), 1) * CHART_ROW_HEIGHT,
            "width": CHART_BAR_WIDTH,
            "ticks": [{"level": lvl, "x": CHART_BAR_WIDTH * lvl / 5} for lvl in range(6)],
        },
    )


def report_for(assessment):
    """The report of a submitted assessment, from its frozen snapshot (the pages that show it are
    cached whole; building it costs 1-15 ms, see docs/performance.md)."""
    return build_report(assessment.snapshot)


def _decimal(value):
    return None if value is None else float(value)


def report_data(assessment, report):
    """The documented JSON export (docs/report-format.md)."""
    return {
        "role": {"slug": report.role_slug, "title": report.role_title},
        "submitted_at": assessment.submitted_at.isoformat(),
        "scale": [{"level": s["level"], "name": s["name"]} for s in scale()],
        "readiness": {
            "overall": _decimal(report.readiness.overall),
            "required": _decimal(report.readiness.required),
            "differentiating": _decimal(report.readiness.differentiating),
            "meets_required_bar": report.readiness.meets_required_bar,
        },
        "skills": [
            {
                "slug": s.slug,
                "name": s.name,
                "category": s.category,
                "kind": s.kind,
                "target": s.target,
                "weight": float(s.weight),
                "rating": s.rating,
                "gap": s.gap,
                "evidence": s.evidence,
            }
            for s in report.skills
        ],
        "gaps": [s.slug for s in report.gaps],
        "strengths": [s.slug for s in report.strengths],
        "courses": [_offering_data(c) for c in report.courses],
        "certifications": [_offering_data(c) for c in report.certifications],
        "suggestions": list(report.suggestions),
        "next_steps": list(report.next_steps),
    }


def _offering_data(offering):
    return {
        "title": offering.title,
        "provider": offering.provider,
        "url": offering.url,
        "covers": list(offering.covers),
    }


CSV_HEADER = [
    "skill_slug",
    "skill_name",
    "category",
    "kind",
    "target",
    "weight",
    "rating",
    "gap",
    "priority",
    "evidence",
]


def _csv_safe(value):
    """Stop spreadsheet apps from running user text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_rows(report):
    """One row per skill, in the role's order; `priority` is the gap's position (blank for no gap)."""
    positions = {s.slug: i for i, s in enumerate(report.gaps, start=1)}
    yield CSV_HEADER
    for s in report.skills:
        row = [s.slug, s.name, s.category, s.kind, s.target, f"{s.weight}", s.rating, s.gap, positions.get(s.slug, "")]
        yield [_csv_safe(v) for v in row] + [_csv_safe(s.evidence)]
