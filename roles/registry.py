"""Role content, listed once.

A guide's sections are declared here, once (`SECTIONS`, in the order the guide page shows them), and
everything else derives from them: the role-file format, its reading, saving and export
(roles/importing/), the content checks (roles/content_checks.py), the guide page's queries,
citations and table of contents (roles/views.py), the admin's inlines (roles/admin.py), what
"duplicate role" copies (roles/services.py) and the content revision's signals (roles/apps.py).
roles/tests/test_registry.py compares all of this with `apps.get_models()`.

A new section is a model (a `RoleItem`) and a `Section` below. A new kind of offering (something a
role recommends learning from, shared between roles, like courses) is three models and a `Section`
with an `Offering`.
"""

from dataclasses import dataclass, field

from django.db import models

from . import models as m


@dataclass(frozen=True)
class Part:
    """A part of the guide page: its anchor and its heading in the table of contents. It is shown
    when one of its sections has rows, when `role_field` (the role's own text) is not empty, or
    `always` (it then says plainly that it has nothing)."""

    anchor: str
    title: str
    role_field: str | None = None
    always: bool = False


ABOUT = Part("about", "About the role", role_field="about")
AI_IMPACT = Part("ai-impact", "AI impact outlook", role_field="ai_impact_outlook")
METHODOLOGY = Part("methodology", "Methodology and sources", always=True)


@dataclass(frozen=True)
class Offering:
    """Something a role recommends learning from, shared between roles: a course, a certification.

    `model` is the shared row (keyed by slug, which a file may leave out: it is made from the field
    `name`); the section's model is the role's link to it (with `sources` and `editor_note`);
    `skill_links` are the skills it teaches, each with the level (1-5) it brings someone to.
    `aliases` are other keys a file may use for its fields ({"title": "name"})."""

    model: type
    name: str
    skill_links: type
    aliases: dict = field(default_factory=dict)

    @property
    def link_field(self):
        """The section model's foreign key to the offering ("course")."""
        return self.model._meta.model_name


@dataclass(frozen=True)
class Section:
    """An ordered list of a role's rows (each with `role`, `order`, `sources` and `editor_note`),
    shown in one part of the guide page and written in a role file under `key`.

    `title` names it in the guide's Sources section; `file_keys` are the file's names for fields
    whose model name differs ({"to_role": "role"}); an entry may be just the text of `shorthand`;
    the page groups rows by the choice field `group_by`, and cites each group under its label."""

    key: str
    model: type
    title: str
    part: Part
    file_keys: dict = field(default_factory=dict)
    shorthand: str | None = None
    group_by: str | None = None
    offering: Offering | None = None

    @property
    def related_name(self):
        """`role.<related_name>` gives the role's rows."""
        return self.model._meta.get_field("role").remote_field.related_name

    @property
    def relations(self):
        """The rows' foreign keys other than `role`: what each row shows with it (select_related)."""
        return [f.name for f in self.model._meta.concrete_fields if f.is_relation and f.name != "role"]

    @property
    def role_links(self):
        """Foreign keys to another role: the page links that role when the reader may see it."""
        return [name for name in self.relations if self.model._meta.get_field(name).related_model is m.Role]

    @property
    def children(self):
        """Rows that belong to each row (a transition path's artifacts), by related name."""
        return [
            child._meta.get_field(parent_field(child, self.model)).remote_field.related_name
            for child in CHILD_ROWS.get(self.model, ())
        ]

    @property
    def reader_text(self):
        """Fields whose text readers see (the content checks look for figures and notes in them)."""
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name != "editor_note"
        ]

    @property
    def figures(self):
        """Number fields: a figure needs a published source (docs/content.md)."""
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.IntegerField)
            and not f.choices
            and not f.is_relation
            and f.name not in ("id", "order")
        ]


def prefetches(section, rows=None):
    """The lookups that load a section with a role (`rows`: the section's queryset, if not plain):
    its rows with what each shows, their citations and their children."""
    rows = section.model.objects.select_related(*section.relations) if rows is None else rows
    lookups = [models.Prefetch(section.related_name, queryset=rows), f"{section.related_name}__sources"]
    return lookups + [f"{section.related_name}__{child}" for child in section.children]


def parent_field(child, parent):
    """The name of `child`'s foreign key to `parent`."""
    return next(f.name for f in child._meta.concrete_fields if f.is_relation and f.related_model is parent)


SKILLS = Section("skills", m.RoleSkill, "Skills", Part("skills", "Skills"))
LEARNING = Part("courses", "Courses and certifications")
HIRING = Part("hiring", "Who hires")
SECTIONS = (
    SKILLS,
    Section(
        "responsibilities",
        m.Responsibility,
        "Responsibilities",
        Part("responsibilities", "Responsibilities"),
        group_by="section",
    ),
    Section("ladder", m.LadderLevel, "Career ladder", Part("ladder", "Career ladder"), file_keys={"rung_role": "role"}),
    Section("career_moves", m.CareerMove, "Career moves", Part("moves", "Career moves"), file_keys={"to_role": "role"}),
    Section("transition_paths", m.TransitionPath, "Transition paths", Part("paths", "Transition paths into this role")),
    Section("salary_bands", m.SalaryBand, "Salary bands", Part("salary", "Salary and demand", always=True)),
    Section(
        "suggestions",
        m.DevelopmentSuggestion,
        "Development suggestions",
        Part("development", "Development suggestions"),
    ),
    Section(
        "next_steps",
        m.NextStep,
        "Recommended next steps",
        Part("next-steps", "Recommended next steps"),
        shorthand="text",
    ),
    Section("courses", m.RoleCourse, "Courses", LEARNING, offering=Offering(m.Course, "title", m.CourseSkill)),
    Section(
        "certifications",
        m.RoleCertification,
        "Certifications",
        LEARNING,
        offering=Offering(
            m.Certification, "name", m.CertificationSkill, aliases={"title": "name", "provider": "issuer"}
        ),
    ),
    Section("companies", m.HiringCompany, "Hiring companies", HIRING, shorthand="name"),
    Section("sectors", m.IndustrySector, "Industry sectors", HIRING, shorthand="name"),
    Section("faqs", m.FAQ, "Questions and answers", Part("faq", "Questions and answers")),
)
SECTION = {section.key: section for section in SECTIONS}

# The guide page's parts, in its order: its table of contents.
PARTS = (ABOUT, AI_IMPACT, *dict.fromkeys(section.part for section in SECTIONS), METHODOLOGY)

# Rows that belong to a role row, by parent: copied and deleted with it.
CHILD_ROWS: dict[type[models.Model], tuple[type[models.Model], ...]] = {m.TransitionPath: (m.TransitionArtifact,)}

# Rows that belong to one role (a `role` foreign key), in the order the admin shows them: the
# sections, then the sources of the role's own facts (`field_sources`).
ROLE_ROWS: tuple[type[models.Model], ...] = (*(section.model for section in SECTIONS), m.RoleFieldSource)

# Content shared between roles.
SHARED = (
    m.Family,
    m.Role,
    m.Skill,
    m.SkillAlignment,
    m.Course,
    m.Certification,
    m.CourseSkill,
    m.CertificationSkill,
    m.Source,
)

# Many-to-many tables of role content (they send m2m_changed, not save/delete).
# Citations (`sources`) edited on their own in admin move the revision too.
M2M_THROUGH = (
    m.Course.skills.through,
    m.Certification.skills.through,
    *(
        model.sources.through
        for model in (*ROLE_ROWS, *SHARED)
        if "sources" in {f.name for f in model._meta.many_to_many}
    ),
)

# A guide's published revisions (the "what changed" pages and the reports' notice read them).
HISTORY = (m.RoleRevision,)

# Every model whose change changes what a role page shows: a change moves the content revision.
CONTENT_MODELS = SHARED + ROLE_ROWS + tuple(child for children in CHILD_ROWS.values() for child in children) + HISTORY

# Models of the roles app that are not content.
NOT_CONTENT = (m.ContentRevision,)
