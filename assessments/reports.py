"""Reading a submitted assessment: the gap report, computed from its frozen snapshot only.

`build_report(snapshot)` turns the snapshot into scoring inputs, calls the pure scoring module,
and returns a `ReportView` with everything the page, the JSON and the CSV exports show.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from roles.levels import LEVEL_DESCRIPTIONS, Level, scale
from roles.models import OfferingCost, OfferingFormat

from . import scoring

# The level an offering of an old (version 1) snapshot brings a learner to: those snapshots did not
# record levels, and their reports said the offering closed the gap, so it counts up to the target.
LEGACY_OFFERING_LEVEL = scoring.MAX_TARGET

COURSE = "course"
CERTIFICATION = "certification"


@dataclass(frozen=True)
class CoverView:
    slug: str
    name: str
    before: int  # "from" in report.json
    after: int  # "to"
    target: int


@dataclass(frozen=True)
class OfferingView:
    kind: str  # COURSE or CERTIFICATION
    slug: str
    title: str
    provider: str
    url: str
    description: str
    recommended: bool
    covers: tuple  # CoverView, in the offering's own skill order
    format: str = ""  # roles' OfferingFormat value; "" in snapshots from before issue 28
    cost: str = ""  # roles' OfferingCost value ("free", "paid", "unknown"); "" in older snapshots
    typical_length: str = ""  # as the publisher states it; "" when no source gives it
    length_source: str = ""  # where the publisher states the length; "" in older snapshots

    @property
    def is_certification(self):
        return self.kind == CERTIFICATION

    @property
    def format_label(self):
        return OfferingFormat(self.format).label if self.format in OfferingFormat.values else ""

    @property
    def cost_label(self):
        return OfferingCost(self.cost).label if self.cost in OfferingCost.values else ""

    @property
    def facts(self):
        """What a gap's line says beside the title: what it costs and how long it takes (the provider is
        in the list of chosen offerings); the provider only for reports from before costs were kept."""
        if not self.cost_label:
            return [self.provider] if self.provider else []
        return [fact for fact in (self.cost_label, self.typical_length) if fact]

    def cover_of(self, skill_slug):
        return next((c for c in self.covers if c.slug == skill_slug), None)


@dataclass(frozen=True)
class OfferingForSkill:
    """A chosen offering as one gap card shows it: the offering and how far it raises that skill."""

    offering: OfferingView
    cover: CoverView


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
    courses: tuple = ()  # OfferingForSkill: chosen courses that raise this gap
    certifications: tuple = ()  # OfferingForSkill: chosen certifications that raise it
    suggestions: tuple = ()  # the guide's suggestions tied to this gap skill
    primary: bool = False  # a transition path of the guide names it as the main gap into the role

    @property
    def rating_name(self):
        return Level(self.rating).label

    @property
    def target_name(self):
        return Level(self.target).label

    @property
    def is_required(self):
        return self.kind == scoring.REQUIRED

    @property
    def has_catalogue_help(self):
        """Something chosen for this gap: an offering or a suggestion tied to it."""
        return bool(self.courses or self.certifications or self.suggestions)


@dataclass(frozen=True)
class ChartRow:
    skill: SkillView
    y: int
    rating_width: float
    target_x: float
    value_text: str  # "2 of 4", so the number is read, not only the bar's length and colour


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
    suggestions: list  # all the advice, for report.json: tied to gaps (gap order), then general
    next_steps: list
    transition_paths: list
    primary_sources: list = field(default_factory=list)  # who names the primary skills ({short_name, title, url})
    required_gaps: int = 0
    required_total: int = 0
    general_suggestions: list = field(default_factory=list)  # the page shows tied ones in the gap cards
    chart: dict = field(default_factory=dict)
    scored: scoring.Report | None = None  # the pure module's result, for progress over time

    @property
    def verdict(self):
        """One plain sentence that follows the required bar, and says how far: how many of the
        required gaps are a single level ("11 of them by one level")."""
        if self.readiness.meets_required_bar:
            return f"You meet the required bar for {self.role_title}."
        verb = "is" if self.required_gaps == 1 else "are"
        noun = "skill" if self.required_total == 1 else "skills"
        sentence = f"Not yet: {self.required_gaps} of {self.required_total} required {noun} {verb} below target"
        short = [g.gap for g in self.gaps if g.is_required]
        one = short.count(1)
        if len(short) == 1:
            return f"{sentence}, by {'one level' if one else f'{short[0]} levels'}."
        if one == len(short):
            return f"{sentence}, all by one level."
        if one:
            return f"{sentence}, {one} of them by one level."
        return f"{sentence}."

    @property
    def readiness_percent(self):
        """Readiness as the page shows it: whole percentages (report.json keeps one decimal)."""
        return {
            "overall": scoring.whole_percent(self.readiness.overall),
            "required": scoring.whole_percent(self.readiness.required),
            "differentiating": scoring.whole_percent(self.readiness.differentiating),
        }

    def transition_path_from(self, role_slug):
        return next((p for p in self.transition_paths if p["from_role"] == role_slug), None)

    @property
    def start_here(self):
        """The three gaps to work on first: the head of the gap order (docs/scoring.md)."""
        return self.gaps[:3]

    def time_estimates(self, from_role=None):
        """How long the move into the role typically takes, as the guide's transition paths say:
        the path from `from_role` when it gives a duration, else every path that does. Only paths
        that cite a source (snapshots from before issue 28 kept none): no number without one."""
        sourced = [p for p in self.transition_paths if p.get("typical_months") and p.get("sources")]
        return [p for p in sourced if p["from_role"] == from_role] or sourced


def _offering_skills(offering):
    """An offering's skills from a snapshot: [{"slug", "level"}] (version 2) or slugs (version 1)."""
    return tuple(
        scoring.OfferingSkill(entry, LEGACY_OFFERING_LEVEL)
        if isinstance(entry, str)
        else scoring.OfferingSkill(entry["slug"], int(entry["level"]))
        for entry in offering["skills"]
    )


def _advice(entries):
    """Suggestions or next steps from a snapshot: {"text", "skill"} dicts, or plain texts (version 1)."""
    return [
        scoring.SuggestionInput(text=e) if isinstance(e, str) else scoring.SuggestionInput(e["text"], e.get("skill"))
        for e in entries
    ]


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
            commonly_missing=bool(s.get("commonly_missing", False)),
            primary=bool(s.get("primary", False)),
        )
        for s in snapshot["skills"]
    ]
    courses, certifications = (
        [
            scoring.OfferingInput(
                key=c["slug"], title=c["title"], skills=_offering_skills(c), recommended=c["recommended"]
            )
            for c in snapshot.get(key, [])
        ]
        for key in ("courses", "certifications")
    )
    return skills, courses, certifications, _advice(snapshot.get("suggestions", []))


def score_snapshot(snapshot):
    skills, courses, certifications, suggestions = scoring_inputs(snapshot)
    return scoring.score(
        skills,
        courses=courses,
        certifications=certifications,
        suggestions=suggestions,
        next_steps=_advice(snapshot.get("next_steps", [])),
    )


def _next_level(result, descriptors):
    if result.gap == 0:
        return None, "", ""
    level = min(result.rating + 1, 5)
    text = descriptors.get(str(level)) or LEVEL_DESCRIPTIONS[Level(level)]
    return level, Level(level).label, text


@dataclass(frozen=True)
class Change:
    """How the report moved since the earlier report of the role, in the page's own units: whole
    percentages (as the header shows them) and skills whose rating moved."""

    before: int | None
    after: int | None
    points: int | None
    up: int  # skills rated higher than before
    down: int  # skills rated lower

    @property
    def moved(self):
        return self.up + self.down


def change_since(progress):
    """A `scoring.Progress` as the verdict's line says it ("up 6 points; 6 skills moved")."""
    before, after = scoring.whole_percent(progress.readiness_before), scoring.whole_percent(progress.readiness_after)
    moves = [c.change for c in progress.skills if c.change]
    return Change(
        before=before,
        after=after,
        points=None if before is None or after is None else after - before,
        up=sum(1 for m in moves if m > 0),
        down=sum(1 for m in moves if m < 0),
    )


def _offering_views(kind, picks, by_slug, meta):
    views = []
    for pick in picks:
        data = by_slug[pick.key]
        views.append(
            OfferingView(
                kind=kind,
                slug=pick.key,
                title=data["title"],
                provider=data.get("provider", ""),
                url=data.get("url", ""),
                description=data.get("description", ""),
                recommended=data.get("recommended", False),
                format=data.get("format", ""),
                cost=data.get("cost", ""),
                typical_length=data.get("typical_length", ""),
                length_source=data.get("length_source", ""),
                covers=tuple(
                    CoverView(c.skill, meta[c.skill]["name"], c.before, c.after, int(meta[c.skill]["target"]))
                    for c in pick.covers
                ),
            )
        )
    return views


def _tied_suggestions(gaps, suggestions):
    """{gap slug: its suggestions}, each text given to the first gap (in gap order) it is tied to."""
    by_skill: dict[str, list[str]] = {}
    for suggestion in suggestions:
        if suggestion.skill is not None:
            by_skill.setdefault(suggestion.skill, []).append(suggestion.text)
    tied, given = {}, set()
    for gap in gaps:
        texts = [t for t in dict.fromkeys(by_skill.get(gap.slug, ())) if t not in given]
        given.update(texts)
        tied[gap.slug] = texts
    return tied


def _for_skill(offerings, slug):
    return tuple(OfferingForSkill(o, o.cover_of(slug)) for o in offerings if o.cover_of(slug) is not None)


# The chart, in SVG user units. Wide: the label left of the bar, one line per skill. Narrow (phones):
# the label on its own line above the bar, in a viewBox about as wide as a phone, so text drawn at
# 13 units shows at about 13 px.
WIDE = {"label": 290, "bar": 400, "value": 80, "row": 19, "top": 22, "label_y": 14, "bar_y": 4, "bar_h": 11}
NARROW = {"label": 0, "bar": 260, "value": 80, "row": 44, "top": 22, "label_y": 14, "bar_y": 20, "bar_h": 16}


def _chart(skills, layout):
    bar = layout["bar"]
    rows = [
        ChartRow(
            skill=s,
            y=i * layout["row"],
            rating_width=round(bar * s.rating / 5, 1),
            target_x=round(bar * s.target / 5, 1),
            value_text=f"{s.rating} of {s.target}",
        )
        for i, s in enumerate(skills)
    ]
    height = max(len(rows), 1) * layout["row"]
    return {
        **layout,
        "rows": rows,
        "height": height,
        "total_height": height + layout["top"] + 6,
        "width": layout["label"] + bar + layout["value"] + 20,
        "bar_x": layout["label"] + 10,
        "bar_mid": layout["bar_h"] // 2,
        "ticks": [{"level": lvl, "x": round(bar * lvl / 5, 1)} for lvl in range(6)],
    }


def build_report(snapshot):
    report = score_snapshot(snapshot)
    meta = {s["slug"]: s for s in snapshot["skills"]}
    ratings = snapshot.get("ratings", {})
    courses = _offering_views(COURSE, report.courses, {c["slug"]: c for c in snapshot.get("courses", [])}, meta)
    certs = _offering_views(
        CERTIFICATION, report.certifications, {c["slug"]: c for c in snapshot.get("certifications", [])}, meta
    )
    # A course for each gap the chosen ones leave unraised: shown in that gap's card only.
    more_courses = _offering_views(
        COURSE, report.more_courses, {c["slug"]: c for c in snapshot.get("courses", [])}, meta
    )
    tied = _tied_suggestions(report.gaps, _advice(snapshot.get("suggestions", [])))
    shown_in_cards = {text for texts in tied.values() for text in texts}

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
            commonly_missing=result.commonly_missing,
            note=m.get("note", ""),
            next_level=level,
            next_level_name=level_name,
            next_level_descriptor=descriptor,
            courses=_for_skill(courses, result.slug) or _for_skill(more_courses, result.slug),
            certifications=_for_skill(certs, result.slug),
            suggestions=tuple(tied.get(result.slug, ())),
            primary=result.primary,
        )

    skills = [view(r) for r in report.skills]
    by_slug = {s.slug: s for s in skills}
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
        general_suggestions=[text for text in report.suggestions if text not in shown_in_cards],
        next_steps=list(report.next_steps),
        transition_paths=list(snapshot.get("transition_paths", [])),
        primary_sources=list(snapshot.get("primary_sources", [])),
        required_gaps=sum(1 for g in report.gaps if g.kind == scoring.REQUIRED),
        required_total=sum(1 for s in report.skills if s.kind == scoring.REQUIRED),
        scored=report,
        chart={"wide": _chart(skills, WIDE), "narrow": _chart(skills, NARROW)},
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
                "primary": s.primary,
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
        "format": offering.format or None,
        "cost": offering.cost or None,
        "typical_length": offering.typical_length or None,
        "length_source": offering.length_source or None,
        "covers": [{"skill": c.slug, "from": c.before, "to": c.after} for c in offering.covers],
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
