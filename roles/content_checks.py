"""`manage.py check_content`: the rules shipped role guides must keep (docs/content.md).

Each rule is a function over stored roles that yields problems as `file: entry: message` lines, the
entry named the way role files name it (`salary_bands[2]`, `skills[4] (python)`). The command
imports the role files inside a transaction it rolls back, runs every rule, and fails on any problem.
The sections and the fields readers see come from roles/registry.py.

1. `internal_notes_hidden`: no editor note, source key or seed marker in the text of a rendered public
   page of the roles app: each guide and its skill pages. (The assessment steps and reports of the
   shipped guides are checked the same way by assessments/tests/test_shipped_content.py: roles
   imports no other app.)
2. `numbers_sourced`: a salary, median, duration, percentage, score or course length only where a
   published source (not the careerpath editors) supports it; a course's length also names the address
   where its publisher states it (`length_source`).
3. `descriptors_specific`: every skill of a guide has five level descriptors of its own.
4. `required_skills_learnable`: every required skill has a course (book, guide) reaching min(target,
   Practitioner) or a certification at its target; a certification below the target never counts.
5. `targets_within_ladder`: target 5 (organisation-wide) only in roles whose ladder rung a published
   source describes as organisation-wide.
6. `primary_skills_sourced`: a role that marks primary skills cites the source that names them (the
   transition path's) in `field_sources.primary_skills`.
"""

import html
import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.test import Client
from django.test.utils import override_settings

from . import registry
from .levels import LEVEL_DESCRIPTIONS, Level
from .models import (
    CertificationSkill,
    CourseSkill,
    LadderLevel,
    OfferingCost,
    Role,
    RoleFieldSource,
    Source,
)

SEED_MARKER = re.compile(r"\bseed[ :]?\d{3}\b|editorial \(general knowledge\)|\bMerged skill\b", re.IGNORECASE)
# A figure: money, a percentage, a count of time, a score, or any number of two digits or more.
FIGURE = re.compile(
    r"[$€£]\s?\d|\d\s?%|\b\d+(?:[.,]\d+)?\s*(?:k|K|months?|years?|yrs?|weeks?|days?|hours?|USD)\b|/100\b|\b\d{2,}"
)
ORG_WIDE = re.compile(r"organi[sz]ation-wide|org-wide", re.IGNORECASE)
MIN_DESCRIPTOR = 20  # characters: shorter is not "what this level looks like" for the skill

ROLE_TEXT = {  # role field → the fact of `field_sources` that supports it
    "summary": "summary",
    "about": "about",
    "salary_note": "salary_note",
    "growth_outlook": "growth",
    "growth_trend": "growth",
    "ai_impact_outlook": "ai_impact",
}


@dataclass
class Guide:
    """A stored role and the file it came from."""

    role: Role
    filename: str

    def at(self, entry, message):
        return f"{self.filename}: {entry}: {message}" if entry else f"{self.filename}: {message}"


def load_guides(files):
    """The stored roles of `files` ({role slug: filename}) with everything the rules read."""
    roles = Role.objects.filter(slug__in=files).prefetch_related(
        Prefetch("field_sources", queryset=RoleFieldSource.objects.select_related("source")),
        *[lookup for section in registry.SECTIONS for lookup in registry.prefetches(section)],
    )
    return [Guide(role, files[role.slug]) for role in roles.order_by("slug")]


def _published(sources):
    return [source for source in sources if not source.is_editorial]


def _fact_sources(role):
    facts = {}
    for row in role.field_sources.all():
        facts.setdefault(row.field, []).append(row.source)
    return facts


def _keys(sources):
    return ", ".join(source.key for source in sources) or "no source"


# --- 2. Numbers ------------------------------------------------------------------------------------------


def numbers_sourced(guides):
    for guide in guides:
        yield from _role_numbers_sourced(guide)
        for section in registry.SECTIONS:
            for index, item in enumerate(getattr(guide.role, section.related_name).all()):
                sources = list(item.sources.all())
                if not _published(sources):
                    yield from _item_numbers_sourced(guide, _entry(section, index, item), section, item, sources)
                if section.offering:
                    yield from _length_sourced(guide, _entry(section, index, item), section, item)


def _entry(section, index, item):
    """How a role file names an item: `salary_bands[2]`, or `skills[4] (python)` for a skill."""
    return f"{section.key}[{index}] ({item.skill.slug})" if section is registry.SKILLS else f"{section.key}[{index}]"


def _role_numbers_sourced(guide):
    role, facts = guide.role, _fact_sources(guide.role)
    if role.median_salary is not None and not _published(facts.get("median_salary", [])):
        yield guide.at("median_salary", "a median salary needs a published source in field_sources.median_salary")
    if role.ai_impact_score is not None and not _published(facts.get("ai_impact", [])):
        yield guide.at("ai_impact.score", "a score needs a published source in field_sources.ai_impact")
    for attr, fact in ROLE_TEXT.items():
        found = FIGURE.search(getattr(role, attr))
        if found and not _published(facts.get(fact, [])):
            yield guide.at(attr, f"{found.group(0)!r} is a figure; field_sources.{fact} cites no published source")


def _item_numbers_sourced(guide, entry, section, item, sources):
    """An item that cites no published source: its number fields must be empty, its text free of figures."""
    cites = f"cites {_keys(sources)}"
    given = [name for name in section.figures if getattr(item, name) is not None]
    if given:
        yield guide.at(entry, f"{' and '.join(given)}: a figure needs a published source ({cites})")
    texts = [(name, getattr(item, name)) for name in section.reader_text]
    for child in section.children:
        texts += [(f"{child}[{i}]", row.text) for i, row in enumerate(getattr(item, child).all())]
    for name, text in texts:
        found = FIGURE.search(text or "")
        if found:
            yield guide.at(
                f"{entry}.{name}", f"{found.group(0)!r} is a figure; the entry needs a published source ({cites})"
            )
    if section.offering:
        offering = getattr(item, section.offering.link_field)
        if offering.typical_length:
            yield guide.at(f"{entry}.typical_length", f"a length needs a published source ({cites})")
        if offering.cost != OfferingCost.UNKNOWN:
            yield guide.at(f"{entry}.cost", f"{offering.cost!r}: a cost needs a published source ({cites})")


def _length_sourced(guide, entry, section, item):
    """A typical length says where its publisher states it (`length_source`), whoever the entry cites."""
    offering = getattr(item, section.offering.link_field)
    if offering.typical_length and not offering.length_source:
        yield guide.at(
            f"{entry}.typical_length",
            "a length needs length_source: the address where its publisher states it",
        )


# --- 3. Descriptors ---------------------------------------------------------------------------------------


def descriptors_specific(guides):
    generic = {text.strip().lower() for text in LEVEL_DESCRIPTIONS.values()}
    for guide in guides:
        for index, rs in enumerate(guide.role.role_skills.all()):
            entry = f"skills[{index}] ({rs.skill.slug}).levels"
            texts = [rs.skill.descriptor(level).strip() for level in range(1, 6)]
            for level, text in enumerate(texts, start=1):
                if not text:
                    yield guide.at(f"{entry}.{level}", "missing: every skill needs its own words for levels 1-5")
                elif len(text) < MIN_DESCRIPTOR or text.lower() in generic:
                    yield guide.at(f"{entry}.{level}", f"{text!r} is not specific to the skill")
                elif text in texts[: level - 1]:
                    yield guide.at(f"{entry}.{level}", f"repeats level {texts.index(text) + 1}")


# --- 4. Required skills can be learned -----------------------------------------------------------------

# A course, book or guide alone brings someone to Practitioner at most (docs/content.md, "Offerings").
COURSE_CEILING = Level.PRACTITIONER


def course_level_needed(target):
    """The level a course, book or guide must reach for a required skill of this target."""
    return min(target, COURSE_CEILING)


def _highest_levels(link_model, skill_ids):
    highest = {}
    for skill_id, level in link_model.objects.filter(skill__in=skill_ids).values_list("skill_id", "level"):
        highest[skill_id] = max(level, highest.get(skill_id, 0))
    return highest


def required_skills_learnable(guides):
    """Every required skill has a resource for its level: a course (book, guide) that teaches it to
    min(target, Practitioner), or a certification at its target. A certification below the target never
    counts, as the report never offers it as covering the skill."""
    skill_ids = {rs.skill_id for guide in guides for rs in guide.role.role_skills.all()}
    by_course = _highest_levels(CourseSkill, skill_ids)
    by_certification = _highest_levels(CertificationSkill, skill_ids)
    for guide in guides:
        for index, rs in enumerate(guide.role.role_skills.all()):
            if rs.kind != "required":
                continue
            need = course_level_needed(rs.target)
            course, certification = by_course.get(rs.skill_id, 0), by_certification.get(rs.skill_id, 0)
            if course < need and certification < rs.target:
                has = f"the best course reaches {course}" if course else "no course teaches it"
                if certification:
                    has += f", the best certification {certification}"
                yield guide.at(
                    f"skills[{index}] ({rs.skill.slug})",
                    f"a required skill needs a course, book or guide reaching level {need} or a certification "
                    f"at its target {rs.target}; {has}",
                )


# --- Lengths: which required skills have a resource whose publisher states its length ----------------


def _timed_levels(link_model, offering, skill_ids):
    """{skill id: highest level} over offerings with a length, its publisher's address and a known cost."""
    links = link_model.objects.filter(skill__in=skill_ids).exclude(**{f"{offering}__typical_length": ""})
    links = links.exclude(**{f"{offering}__length_source": ""}).exclude(**{f"{offering}__cost": OfferingCost.UNKNOWN})
    highest = {}
    for skill_id, level in links.values_list("skill_id", "level"):
        highest[skill_id] = max(level, highest.get(skill_id, 0))
    return highest


def length_coverage(guides):
    """Per guide, (guide, covered, uncovered): its required role skills with and without a resource for their
    level (as rule 4 reads it) that has a typical length, the address where its publisher states it, and a
    known cost. Not a rule yet (docs/content.md, "Offerings"): `check_content --lengths` lists it."""
    skill_ids = {rs.skill_id for guide in guides for rs in guide.role.role_skills.all()}
    by_course = _timed_levels(CourseSkill, "course", skill_ids)
    by_certification = _timed_levels(CertificationSkill, "certification", skill_ids)
    report = []
    for guide in guides:
        covered, uncovered = [], []
        for index, rs in enumerate(guide.role.role_skills.all()):
            if rs.kind != "required":
                continue
            timed = by_course.get(rs.skill_id, 0) >= course_level_needed(rs.target)
            timed = timed or by_certification.get(rs.skill_id, 0) >= rs.target
            (covered if timed else uncovered).append((index, rs))
        report.append((guide, covered, uncovered))
    return report


# --- 5. Targets within the ladder# --- 5. Targets within the ladder ----------------------------------------------------------------------


def org_wide_role_ids():
    """Roles that a ladder rung, cited by a published source, describes as organisation-wide."""
    rungs = LadderLevel.objects.filter(rung_role__isnull=False, sources__is_editorial=False).distinct()
    return {rung.rung_role_id for rung in rungs if ORG_WIDE.search(rung.description)}


def targets_within_ladder(guides):
    org_wide = org_wide_role_ids()
    for guide in guides:
        for index, rs in enumerate(guide.role.role_skills.all()):
            if rs.target >= Level.EXPERT and guide.role.pk not in org_wide:
                yield guide.at(
                    f"skills[{index}] ({rs.skill.slug}).target",
                    "5 (Expert) describes organisation-wide scope; no published ladder gives this role that scope",
                )


# --- 1. Internal notes on rendered pages ---------------------------------------------------------------


def page_text(content):
    """The text a reader sees: tags removed (attribute values included), entities decoded."""
    content = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", content)
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(content))


def internal_markers():
    """What must never reach a reader: every editor note, every source key (as a word) and seed markers."""
    notes = set()
    for model in (Role, *registry.ROLE_ROWS):
        if "editor_note" in {f.name for f in model._meta.concrete_fields}:
            notes |= set(model.objects.exclude(editor_note="").values_list("editor_note", flat=True))
    keys = list(Source.objects.values_list("key", flat=True))
    return [re.sub(r"\s+", " ", note).strip() for note in notes], keys


def leaks(text, notes, keys):
    """The internal markers found in a page's text."""
    found = [f"editor note {note[:50]!r}" for note in notes if note and note in text]
    found += [f"source key {key!r}" for key in keys if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)]
    found += [f"internal marker {match.group(0)!r}" for match in SEED_MARKER.finditer(text)]
    return found


# Pages rendered as a reader gets them, freshly (no cache) and from the test client's host.
AS_READER = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    "ALLOWED_HOSTS": ["testserver"],
    "SECURE_SSL_REDIRECT": False,
}


def internal_notes_hidden(guides):
    """Render each guide and its skill pages as visitors see them, and look for internal markers in
    their text (inside a transaction the caller rolls back)."""
    notes, keys = internal_markers()
    with override_settings(**AS_READER):
        visitor = Client()
        skill_pages = {}
        for guide in guides:
            url = guide.role.get_absolute_url()
            yield from page_problems(guide, [(f"guide {url}", visitor.get(url))], notes, keys)
            for rs in guide.role.role_skills.all():
                skill_pages.setdefault(rs.skill.get_absolute_url(), guide)
        for url, guide in skill_pages.items():
            yield from page_problems(guide, [(f"skill page {url}", visitor.get(url))], notes, keys)


def page_problems(guide, pages, notes, keys):
    """Problem lines for rendered pages ([(name, response)]) that failed or show an internal marker."""
    for name, response in pages:
        if response.status_code != 200:
            yield guide.at("", f"{name} answered {response.status_code}, not 200")
            continue
        for found in leaks(page_text(response.content.decode()), notes, keys):
            yield guide.at("", f"{name} shows {found}")


# --- 6. Primary skills -------------------------------------------------------------------------------


def primary_skills_sourced(guides):
    for guide in guides:
        marked = [(i, rs) for i, rs in enumerate(guide.role.role_skills.all()) if rs.primary]
        if marked and not _fact_sources(guide.role).get(RoleFieldSource.Field.PRIMARY_SKILLS):
            index, rs = marked[0]
            yield guide.at(
                f"skills[{index}] ({rs.skill.slug})",
                "a primary skill needs the source that names it (a transition path's) in field_sources.primary_skills",
            )


CHECKS = [
    numbers_sourced,
    descriptors_specific,
    required_skills_learnable,
    targets_within_ladder,
    internal_notes_hidden,
    primary_skills_sourced,
]
