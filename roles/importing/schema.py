"""The role-file format, described once: the entries and sections reading, saving and dumping follow."""

from dataclasses import dataclass

from ..levels import MAX_LEVEL, MIN_TARGET
from ..models import (
    FAQ,
    CareerMove,
    Certification,
    Course,
    DevelopmentSuggestion,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleSkill,
    SalaryBand,
    Skill,
    TransitionPath,
)
from .fields import (
    Bool,
    Choice,
    Currency,
    Date,
    Entry,
    FamilyName,
    FieldSources,
    Integer,
    Levels,
    ListOf,
    OfferingChoice,
    RoleRef,
    SkillRef,
    Slug,
    SourceKeys,
    TaughtSkills,
    Text,
    Texts,
    Url,
    Weight,
)
from .problems import INTEGER_MAX, SMALL_INTEGER_MAX

# ---------------------------------------------------------------------------------------------------------
# The format as field tables. Keys are the file's keys, in the order export writes them.

SKILL = Entry(
    {
        "name": Text(Skill, "name", required=True),
        "slug": Slug(Skill, "slug"),
        "category": Text(Skill, "category"),
        "description": Text(Skill, "description"),
        "levels": Levels(),
        "kind": Choice(RoleSkill, "kind"),
        "target": Integer(MIN_TARGET, MAX_LEVEL, required=True),
        "weight": Weight(),
        "commonly_missing": Bool(default=False),
        "note": Text(RoleSkill, "note"),
        "sources": SourceKeys(),
        "editor_note": Text(RoleSkill, "editor_note"),
    }
)
SKILL_SHARED = ["name", "category", "description"]  # plus the levels: fields of the shared Skill row
SKILL_LINK = ["kind", "target", "weight", "commonly_missing", "note", "editor_note"]  # the role's RoleSkill
OFFERING_LINK = ["sources", "editor_note"]  # fields of the role's RoleCourse / RoleCertification

COURSE = Entry(
    {
        "title": Text(Course, "title", required=True),
        "slug": Slug(Course, "slug"),
        "provider": Text(Course, "provider"),
        "url": Url(Course, "url"),
        "format": OfferingChoice(Course, "format"),
        "cost": OfferingChoice(Course, "cost"),
        "typical_length": Text(Course, "typical_length"),
        "description": Text(Course, "description"),
        "skills": TaughtSkills(),
        "sources": SourceKeys(),
        "editor_note": Text(RoleCourse, "editor_note"),
    }
)
CERTIFICATION = Entry(
    {
        "name": Text(Certification, "name", required=True),
        "slug": Slug(Certification, "slug"),
        "issuer": Text(Certification, "issuer"),
        "url": Url(Certification, "url"),
        "format": OfferingChoice(Certification, "format"),
        "cost": OfferingChoice(Certification, "cost"),
        "typical_length": Text(Certification, "typical_length"),
        "description": Text(Certification, "description"),
        "skills": TaughtSkills(),
        "sources": SourceKeys(),
        "editor_note": Text(RoleCertification, "editor_note"),
    }
)


@dataclass(frozen=True)
class Section:
    """An ordered list of a role's items, stored as rows of `model` and replaced whole when it differs."""

    key: str
    model: type
    entry: Entry
    related_name: str
    shorthand: str | None = None


def _cited(model):
    """The fields every section item has: the sources it comes from and an editors-only note."""
    return {"sources": SourceKeys(), "editor_note": Text(model, "editor_note")}


SECTIONS = [
    Section(
        "responsibilities",
        Responsibility,
        Entry(
            {
                "section": Choice(Responsibility, "section"),
                "text": Text(Responsibility, "text", required=True),
                **_cited(Responsibility),
            }
        ),
        "responsibilities",
    ),
    Section(
        "suggestions",
        DevelopmentSuggestion,
        Entry(
            {
                "text": Text(DevelopmentSuggestion, "text", required=True),
                "skill": SkillRef("skill"),
                **_cited(DevelopmentSuggestion),
            }
        ),
        "suggestions",
    ),
    Section(
        "next_steps",
        NextStep,
        Entry(
            {
                "text": Text(NextStep, "text", required=True),
                **_cited(NextStep),
            }
        ),
        "next_steps",
        shorthand="text",
    ),
    Section(
        "career_moves",
        CareerMove,
        Entry(
            {
                "kind": Choice(CareerMove, "kind"),
                "role": RoleRef("to_role", required=True),
                "note": Text(CareerMove, "note"),
                **_cited(CareerMove),
            }
        ),
        "career_moves",
    ),
    Section(
        "ladder",
        LadderLevel,
        Entry(
            {
                "title": Text(LadderLevel, "title", required=True),
                "years": Text(LadderLevel, "years"),
                "description": Text(LadderLevel, "description"),
                "role": RoleRef("rung_role"),
                **_cited(LadderLevel),
            }
        ),
        "ladder_levels",
    ),
    Section(
        "transition_paths",
        TransitionPath,
        Entry(
            {
                "from_role": RoleRef("from_role", required=True),
                "typical_months": Integer(0, SMALL_INTEGER_MAX),
                "gap": Text(TransitionPath, "gap", required=True),
                "artifacts": Texts(default=[]),
                **_cited(TransitionPath),
            }
        ),
        "transition_paths",
    ),
    Section(
        "salary_bands",
        SalaryBand,
        Entry(
            {
                "level": Text(SalaryBand, "level", required=True),
                "low": Integer(0, INTEGER_MAX, required=True),
                "high": Integer(0, INTEGER_MAX, required=True),
                "currency": Currency(SalaryBand, "currency"),
                "notes": Text(SalaryBand, "notes"),
                **_cited(SalaryBand),
            }
        ),
        "salary_bands",
    ),
    Section(
        "companies",
        HiringCompany,
        Entry(
            {
                "name": Text(HiringCompany, "name", required=True),
                **_cited(HiringCompany),
            }
        ),
        "hiring_companies",
        shorthand="name",
    ),
    Section(
        "sectors",
        IndustrySector,
        Entry(
            {
                "name": Text(IndustrySector, "name", required=True),
                **_cited(IndustrySector),
            }
        ),
        "industry_sectors",
        shorthand="name",
    ),
    Section(
        "faqs",
        FAQ,
        Entry(
            {
                "question": Text(FAQ, "question", required=True),
                "answer": Text(FAQ, "answer", required=True),
                **_cited(FAQ),
            }
        ),
        "faqs",
    ),
]
SECTION = {section.key: section for section in SECTIONS}

AI_IMPACT = Entry(
    {
        "score": Integer(0, 100, attr="ai_impact_score"),
        "label": Text(Role, "ai_impact_label"),
        "outlook": Text(Role, "ai_impact_outlook"),
    }
)
ROLE_FIELDS = Entry(
    {
        "slug": Slug(Role, "slug", required=True),
        "title": Text(Role, "title", required=True),
        "family": FamilyName(required=True),
        "summary": Text(Role, "summary", required=True),
        "about": Text(Role, "about"),
        "published": Bool(attr="is_published", default=True),
        "featured": Bool(attr="is_featured", default=False),
        "median_salary": Integer(0, INTEGER_MAX),
        "salary_currency": Currency(Role, "salary_currency"),
        "salary_note": Text(Role, "salary_note"),
        "growth_outlook": Text(Role, "growth_outlook"),
        "growth_trend": Text(Role, "growth_trend"),
        "entry_level": Bool(attr="is_entry_level", default=False),
        "ai_impact": AI_IMPACT,
        "methodology": Text(Role, "methodology"),
        "last_reviewed": Date(),
        "editor_note": Text(Role, "editor_note"),
    }
)


def _lists(*keys):
    return {key: ListOf(SECTION[key].entry, shorthand=SECTION[key].shorthand) for key in keys}


ROLE = Entry(
    {
        **ROLE_FIELDS.fields,
        "field_sources": FieldSources(default={}),
        "skills": ListOf(SKILL, required=True),
        **_lists("responsibilities", "suggestions", "next_steps", "career_moves", "ladder", "transition_paths"),
        **_lists("salary_bands"),
        "courses": ListOf(COURSE),
        "certifications": ListOf(CERTIFICATION, aliases={"title": "name", "provider": "issuer"}),
        **_lists("companies", "sectors", "faqs"),
    }
)
