"""`manage.py check_content`: the rules shipped role guides must keep (docs/content.md).

Each rule is a function over stored roles that yields problems as `file: entry: message` lines, the
entry named the way role files name it (`salary_bands[2]`, `skills[4] (python)`). The command
imports the role files inside a transaction it rolls back, runs every rule, and fails on any problem.

1. `internal_notes_hidden`: no editor note, source key or seed marker in the text of a rendered public
   page: each guide, its skill pages, an assessment step and a report.
2. `numbers_sourced`: a salary, median, duration, percentage or score only where a published source
   (not the careerpath editors) supports it.
3. `descriptors_specific`: every skill of a guide has five level descriptors of its own.
4. `required_skills_learnable`: every required skill has an offering or a development suggestion.
5. `targets_within_ladder`: target 5 (organisation-wide) only in roles whose ladder rung a published
   source describes as organisation-wide.
"""

import html
import logging
import re
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch

from .levels import LEVEL_DESCRIPTIONS, Level
from .models import (
    FAQ,
    CareerMove,
    CertificationSkill,
    CourseSkill,
    DevelopmentSuggestion,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    SalaryBand,
    Source,
    TransitionPath,
)

SEED_MARKER = re.compile(r"\bseed[ :]?\d{3}\b|editorial \(general knowledge\)|\bMerged skill\b", re.IGNORECASE)
# A figure: money, a percentage, a count of time, a score, or any number of two digits or more.
FIGURE = re.compile(
    r"[$€£]\s?\d|\d\s?%|\b\d+(?:[.,]\d+)?\s*(?:k|K|months?|years?|yrs?|weeks?|days?|hours?|USD)\b|/100\b|\b\d{2,}"
)
ORG_WIDE = re.compile(r"organi[sz]ation-wide|org-wide", re.IGNORECASE)
MIN_DESCRIPTOR = 20  # characters: shorter is not "what this level looks like" for the skill

SECTIONS = [  # (file key, model, related name, the fields whose text readers see)
    ("responsibilities", Responsibility, "responsibilities", ["text"]),
    ("suggestions", DevelopmentSuggestion, "suggestions", ["text"]),
    ("next_steps", NextStep, "next_steps", ["text"]),
    ("career_moves", CareerMove, "career_moves", ["note"]),
    ("ladder", LadderLevel, "ladder_levels", ["title", "years", "description"]),
    ("transition_paths", TransitionPath, "transition_paths", ["gap"]),
    ("salary_bands", SalaryBand, "salary_bands", ["level", "notes"]),
    ("companies", HiringCompany, "hiring_companies", ["name"]),
    ("sectors", IndustrySector, "industry_sectors", ["name"]),
    ("faqs", FAQ, "faqs", ["question", "answer"]),
]
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
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill")),
        "role_skills__sources",
        Prefetch("field_sources", queryset=RoleFieldSource.objects.select_related("source")),
        *[f"{related}__sources" for _key, _model, related, _fields in SECTIONS],
        "transition_paths__artifacts",
        Prefetch("role_courses", queryset=RoleCourse.objects.select_related("course")),
        "role_courses__sources",
        Prefetch("role_certifications", queryset=RoleCertification.objects.select_related("certification")),
        "role_certifications__sources",
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
        role, facts = guide.role, _fact_sources(guide.role)
        if role.median_salary is not None and not _published(facts.get("median_salary", [])):
            yield guide.at("median_salary", "a median salary needs a published source in field_sources.median_salary")
        if role.ai_impact_score is not None and not _published(facts.get("ai_impact", [])):
            yield guide.at("ai_impact.score", "a score needs a published source in field_sources.ai_impact")
        for attr, fact in ROLE_TEXT.items():
            text = getattr(role, attr)
            if FIGURE.search(text) and not _published(facts.get(fact, [])):
                yield guide.at(
                    attr,
                    f"{FIGURE.search(text).group(0)!r} is a figure; field_sources.{fact} cites no published source",
                )
        for key, _model, related, fields in SECTIONS:
            for index, item in enumerate(getattr(role, related).all()):
                sources = list(item.sources.all())
                if _published(sources):
                    continue
                entry = f"{key}[{index}]"
                if key == "salary_bands":
                    yield guide.at(entry, f"a salary band needs a published source (cites {_keys(sources)})")
                    continue
                if key == "transition_paths" and item.typical_months is not None:
                    yield guide.at(
                        entry + ".typical_months", f"a duration needs a published source (cites {_keys(sources)})"
                    )
                texts = [(name, getattr(item, name)) for name in fields]
                if key == "transition_paths":
                    texts += [(f"artifacts[{i}]", a.text) for i, a in enumerate(item.artifacts.all())]
                for name, text in texts:
                    found = FIGURE.search(text or "")
                    if found:
                        yield guide.at(
                            f"{entry}.{name}",
                            f"{found.group(0)!r} is a figure; the entry cites no published source ({_keys(sources)})",
                        )
        for index, rs in enumerate(role.role_skills.all()):
            found = FIGURE.search(rs.note)
            if found and not _published(rs.sources.all()):
                yield guide.at(
                    f"skills[{index}] ({rs.skill.slug}).note",
                    f"{found.group(0)!r} is a figure without a published source",
                )
        for key, rows, attr in (
            ("courses", role.role_courses.all(), "course"),
            ("certifications", role.role_certifications.all(), "certification"),
        ):
            for index, row in enumerate(rows):
                if getattr(row, attr).typical_length and not _published(row.sources.all()):
                    yield guide.at(f"{key}[{index}].typical_length", "a length needs a published source")


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


def required_skills_learnable(guides):
    skill_ids = {rs.skill_id for guide in guides for rs in guide.role.role_skills.all()}
    taught = set(CourseSkill.objects.filter(skill__in=skill_ids).values_list("skill_id", flat=True))
    taught |= set(CertificationSkill.objects.filter(skill__in=skill_ids).values_list("skill_id", flat=True))
    for guide in guides:
        suggested = {s.skill_id for s in guide.role.suggestions.all() if s.skill_id}
        for index, rs in enumerate(guide.role.role_skills.all()):
            if rs.kind == "required" and rs.skill_id not in taught | suggested:
                yield guide.at(
                    f"skills[{index}] ({rs.skill.slug})",
                    "a required skill needs a course, a certification or a development suggestion",
                )


# --- 5. Targets within the ladder ----------------------------------------------------------------------


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
    for model in [RoleSkill, RoleCourse, RoleCertification, *[m for _k, m, _r, _f in SECTIONS]]:
        notes |= set(model.objects.exclude(editor_note="").values_list("editor_note", flat=True))
    notes |= set(Role.objects.exclude(editor_note="").values_list("editor_note", flat=True))
    keys = list(Source.objects.values_list("key", flat=True))
    return [re.sub(r"\s+", " ", note).strip() for note in notes], keys


def leaks(text, notes, keys):
    """The internal markers found in a page's text."""
    found = [f"editor note {note[:50]!r}" for note in notes if note and note in text]
    found += [f"source key {key!r}" for key in keys if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)]
    found += [f"internal marker {match.group(0)!r}" for match in SEED_MARKER.finditer(text)]
    return found


def internal_notes_hidden(guides):
    """Render each guide, its skill pages, every step of an assessment and its report, as readers see them,
    and look for internal markers in their text (inside a transaction the caller rolls back)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from assessments.services import RatingInput, save_ratings, start_assessment, submit_assessment

    notes, keys = internal_markers()
    dummy_cache = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy_cache, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        visitor, reader = Client(), Client()
        user = get_user_model().objects.create_user(username=f"check-content-{uuid.uuid4().hex[:12]}", password=None)
        reader.force_login(user)
        skill_pages = {}
        for guide in guides:
            role = guide.role
            pages = [(f"guide {role.get_absolute_url()}", visitor.get(role.get_absolute_url()))]
            for rs in role.role_skills.all():
                skill_pages.setdefault(rs.skill.get_absolute_url(), guide)
            assessment, _created = start_assessment(role=role, user=user)
            request_log = logging.getLogger("django.request")
            level, request_log.level = request_log.level, logging.ERROR  # the step after the last is a 404
            try:
                for number in range(1, 50):
                    response = reader.get(reverse("assessments:step", args=[assessment.pk, number]))
                    if response.status_code != 200:
                        break
                    pages.append((f"assessment step {number}", response))
            finally:
                request_log.level = level
            save_ratings(
                assessment=assessment,
                ratings=[RatingInput(skill_id=rs.skill_id, level=2) for rs in role.role_skills.all()],
            )
            submit_assessment(assessment=assessment)
            pages.append(("report", reader.get(reverse("assessments:report", args=[assessment.pk]))))
            yield from _page_problems(guide, pages, notes, keys)
        for url, guide in skill_pages.items():
            yield from _page_problems(guide, [(f"skill page {url}", visitor.get(url))], notes, keys)


def _page_problems(guide, pages, notes, keys):
    for name, response in pages:
        if response.status_code != 200:
            yield guide.at("", f"{name} answered {response.status_code}, not 200")
            continue
        for found in leaks(page_text(response.content.decode()), notes, keys):
            yield guide.at("", f"{name} shows {found}")


CHECKS = [
    numbers_sourced,
    descriptors_specific,
    required_skills_learnable,
    targets_within_ladder,
    internal_notes_hidden,
]
