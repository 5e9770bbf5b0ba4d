"""Role guide files (docs/role-format.md): read and check them, save them, dump a role back.

- `read_role_files(paths)` parses and checks files into plain `RoleFile` data. It reads no database.
- `save_role_files(files)` writes checked files inside one transaction, touching only rows that differ,
  so saving what is already stored writes nothing at all.
- `import_roles(paths)` does both, plus the checks that need the database (role references, names
  already taken), in one transaction; if anything is wrong it saves nothing.
- `dump_role(role)` turns a stored role back into the same format; `to_yaml`/`to_json` serialise it.

Bad input raises `RoleFileError`, which carries every problem found, one line each, naming the file,
the field and the entry: `senior-ml-engineer.yaml: skills[3].target: 7 is not between 1 and 5`.

The format is described once, by the field tables below (`ROLE`, `SKILL`, `COURSE`, `SECTIONS`...):
reading, checking, saving and dumping all follow them.
"""

import datetime
import difflib
import json
import re
import reprlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import revision
from .levels import MAX_LEVEL, MIN_TARGET
from .models import (
    DEFAULT_WEIGHTS,
    FAQ,
    CareerMove,
    Certification,
    Course,
    DevelopmentSuggestion,
    Family,
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
    Skill,
    SkillKind,
    Source,
    TransitionArtifact,
    TransitionPath,
)
from .sources import ensure_shipped

SUFFIXES = {".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
CURRENCY_RE = re.compile(r"[A-Z]{3}\Z")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
INTEGER_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL
SMALL_INTEGER_MAX = 32_767  # PositiveSmallIntegerField


class RoleFileError(Exception):
    """Role files are bad; `problems` holds one line per problem. Nothing was saved."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in role files; nothing was imported:"
        super().__init__("\n".join([heading, *self.problems]))


PROBLEM_MAX_LENGTH = 300  # a problem line quotes keys and values from the file: never all of a huge one


class Problems:
    """Collects one file's problems as `file: field.path: message` lines, each at most 300 characters."""

    def __init__(self, filename):
        self.filename = filename
        self.lines = []

    def add(self, where, message):
        line = f"{self.filename}: {where}: {message}" if where else f"{self.filename}: {message}"
        if len(line) > PROBLEM_MAX_LENGTH:
            line = line[: PROBLEM_MAX_LENGTH - 3] + "..."
        self.lines.append(line)


class Invalid(Exception):
    """A value does not fit its field; the message says why."""


def _join(where, key):
    return f"{where}.{key}" if where else str(key)


_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 60, 60, 40


def _short(value, limit=60):
    """A value as a message shows it, at most about `limit` characters, whatever its size.

    `reprlib` stops after a few items and levels, so the work is bounded too: a plain repr() of a
    nested list first builds the whole text (gigabytes for a few hundred bytes of YAML aliases)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _got(value):
    """How to name a value of the wrong type in a message."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    return {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------------------------------------
# Field types: each checks and converts one value of a file, and dumps it back from a model object.


class Field:
    """One key of an entry: the model attribute it fills, whether it is required, its default."""

    default = None

    def __init__(self, *, attr=None, required=False, default=None):
        self.attr = attr
        self.required = required
        if default is not None:
            self.default = default

    def read(self, value, where, problems):
        """The checked value, or None after recording a problem."""
        try:
            return self.check(value)
        except Invalid as error:
            problems.add(where, str(error))
            return None

    def check(self, value):
        return value

    def dump(self, obj):
        return getattr(obj, self.attr)


class Text(Field):
    default = ""

    def __init__(self, model, name, **kwargs):
        kwargs.setdefault("attr", name)
        super().__init__(**kwargs)
        self.max_length = model._meta.get_field(name).max_length

    def check(self, value):
        if not isinstance(value, str):
            hint = "" if isinstance(value, list | dict) else " (quote it to make it text)"
            raise Invalid(f"expected text, got {_got(value)}{hint}")
        value = value.strip()
        if "\x00" in value:
            raise Invalid("contains a NUL character (\\x00), which the database cannot store")
        if self.max_length and len(value) > self.max_length:
            raise Invalid(f"is {len(value)} characters long; the most is {self.max_length}")
        if self.required and not value:
            raise Invalid("is required and may not be empty")
        return value


class Url(Text):
    validate = URLValidator(schemes=["http", "https"])

    def check(self, value):
        value = super().check(value)
        if value:
            try:
                self.validate(value)
            except ValidationError:
                raise Invalid(f"{_short(value)} is not a valid http(s) URL") from None
        return value


class Currency(Text):
    default = "USD"

    def check(self, value):
        value = super().check(value)
        if not CURRENCY_RE.match(value):
            raise Invalid(f"{_short(value)} is not a 3-letter currency code such as USD")
        return value


class Slug(Text):
    default = None

    def check(self, value):
        value = super().check(value)
        if not SLUG_RE.match(value):
            raise Invalid(f"{_short(value)} is not a slug (lowercase letters, digits, hyphens, underscores)")
        return value


class FamilyName(Text):
    def __init__(self, **kwargs):
        super().__init__(Family, "name", attr="family", **kwargs)

    def dump(self, obj):
        return obj.family.name


class RoleRef(Slug):
    """A role's slug, saved as a foreign key; the role must be stored already or be in the same run."""

    def __init__(self, name, **kwargs):
        super().__init__(Role, "slug", attr=name, **kwargs)

    def dump(self, obj):
        return getattr(obj, self.attr).slug if getattr(obj, f"{self.attr}_id") else None


class SkillRef(Slug):
    """A skill's slug, saved as a foreign key; it must be one of the role's skills."""

    def __init__(self, name, **kwargs):
        super().__init__(Skill, "slug", attr=name, **kwargs)

    def dump(self, obj):
        return getattr(obj, self.attr).slug if getattr(obj, f"{self.attr}_id") else None


class Integer(Field):
    def __init__(self, low, high, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def check(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"expected a whole number, got {_got(value)}")
        if not self.low <= value <= self.high:
            raise Invalid(f"{value} is not between {self.low} and {self.high}")
        return value


class Weight(Field):
    """A positive number with at most 2 decimal places (RoleSkill.weight)."""

    def check(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"expected a positive number, got {_got(value)}")
        weight = Decimal(str(value))
        if not weight.is_finite() or weight <= 0:
            raise Invalid(f"{value} is not a positive number")
        if weight.as_tuple().exponent < -2:
            raise Invalid(f"{value} has more than 2 decimal places")
        if weight >= 1000:
            raise Invalid(f"{value} is too large (at most 999.99)")
        return weight


class Bool(Field):
    def check(self, value):
        if not isinstance(value, bool):
            raise Invalid(f"expected true or false, got {_got(value)}")
        return value


class Choice(Field):
    def __init__(self, model, name, **kwargs):
        model_field = model._meta.get_field(name)
        kwargs.setdefault("attr", name)
        kwargs.setdefault("default", model_field.default)
        super().__init__(**kwargs)
        self.choices = [value for value, _label in model_field.choices]

    def check(self, value):
        if value not in self.choices:
            raise Invalid(f"{_short(value)} is not one of: {', '.join(self.choices)}")
        return value


class OfferingChoice(Choice):
    """A course's or certification's format or cost: left out of an export when it is the default."""

    def dump(self, obj):
        value = super().dump(obj)
        return None if value == self.default else value


class Date(Field):
    def check(self, value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str) and DATE_RE.match(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise Invalid(f"{_short(value)} is not a real date") from None
        raise Invalid(f"expected a date written YYYY-MM-DD, got {_got(value)}")


class Levels(Field):
    """`1`..`5` → what that level of a skill looks like; read as {"descriptor_N": text}."""

    def read(self, value, where, problems):
        if not isinstance(value, dict):
            problems.add(where, f"expected a mapping of levels {MIN_TARGET}-{MAX_LEVEL} to text, got {_got(value)}")
            return None
        descriptors = {}
        for key, text in value.items():
            key_text = str(key).strip() if isinstance(key, int | str) else ""
            level = int(key_text) if key_text.isascii() and key_text.isdigit() else None
            if level is None or not MIN_TARGET <= level <= MAX_LEVEL:
                problems.add(_join(where, key), f"not a level; levels are {MIN_TARGET} to {MAX_LEVEL}")
                continue
            descriptor = Text(Skill, f"descriptor_{level}").read(text, _join(where, level), problems)
            if descriptor is not None:
                descriptors[f"descriptor_{level}"] = descriptor
        return descriptors

    def dump(self, obj):
        return obj.descriptors


class Texts(Field):
    """A list of strings: the artifacts of a transition path."""

    item = Text(TransitionArtifact, "text", required=True)

    def read(self, value, where, problems):
        if not isinstance(value, list):
            problems.add(where, f"expected a list, got {_got(value)}")
            return None
        texts = [self.item.read(text, f"{where}[{index}]", problems) for index, text in enumerate(value)]
        return [text for text in texts if text is not None]

    def dump(self, obj):
        return [artifact.text for artifact in obj.artifacts.all()]


class Entry(Field):
    """A mapping with known keys, read into {attr: value} holding only the keys the file gives."""

    def __init__(self, fields, **kwargs):
        super().__init__(**kwargs)
        self.fields = fields
        for key, item in fields.items():
            item.attr = item.attr or key

    def read(self, value, where, problems):
        if not isinstance(value, dict):
            problems.add(where, f"expected a mapping of fields, got {_got(value)}")
            return None
        for key in value:
            if key not in self.fields:
                hint = difflib.get_close_matches(str(key), list(self.fields), n=1)
                problems.add(_join(where, key), "unknown field" + (f"; did you mean {hint[0]!r}?" if hint else ""))
        values = {}
        for key, item in self.fields.items():
            at = _join(where, key)
            if value.get(key) is None:
                if item.required:
                    problems.add(at, "is required")
                continue
            checked = item.read(value[key], at, problems)
            if checked is not None:
                values[item.attr] = checked
        return values

    def with_defaults(self, values):
        return {item.attr: values.get(item.attr, item.default) for item in self.fields.values()}

    def dump(self, obj):
        """File data in table order, leaving out empty values."""
        data = {key: item.dump(obj) for key, item in self.fields.items()}
        return {key: value for key, value in data.items() if value not in ("", None, [], {})}


class ListOf(Field):
    """A list of entries.

    `shorthand` lets an entry be a plain string for that one field; `aliases` are other names
    accepted for a field ({"title": "name"}).
    """

    def __init__(self, entry, *, shorthand=None, aliases=None, **kwargs):
        super().__init__(**kwargs)
        self.entry, self.shorthand, self.aliases = entry, shorthand, aliases or {}

    def read(self, value, where, problems):
        """One item per entry: its values, or None where the entry is not a mapping."""
        if not isinstance(value, list):
            problems.add(where, f"expected a list, got {_got(value)}")
            return None
        if self.required and not value:
            problems.add(where, "is required and may not be empty")
        items = []
        for index, item in enumerate(value):
            at = f"{where}[{index}]"
            if self.shorthand and isinstance(item, str):
                item = {self.shorthand: item}
            if isinstance(item, dict) and self.aliases:
                item = dict(item)
                for alias, key in self.aliases.items():
                    if alias in item and key in item:
                        problems.add(at, f"give {key!r} or {alias!r}, not both")
                    if alias in item:
                        item.setdefault(key, item.pop(alias))
            items.append(self.entry.read(item, at, problems))
        return items


class SourceKeys(Texts):
    """The keys of the sources an item comes from (`sources: [decipheru, career-guide]`), read as a tuple."""

    item = Slug(Source, "key", required=True)
    default = ()

    def read(self, value, where, problems):
        keys = super().read(value, where, problems)
        if keys is None:
            return None
        for index, key in enumerate(keys):
            if key in keys[:index]:
                problems.add(f"{where}[{index}]", f"source {key!r} is listed twice")
        return tuple(dict.fromkeys(keys))

    def dump(self, obj):
        return [source.key for source in obj.sources.all()]


class FieldSources(Field):
    """`field_sources`: which sources support the role's own facts ({median_salary: [decipheru], ...})."""

    fields = [value for value, _label in RoleFieldSource.Field.choices]

    def read(self, value, where, problems):
        if not isinstance(value, dict):
            problems.add(where, f"expected a mapping of facts to source keys, got {_got(value)}")
            return None
        cited = {}
        for key, keys in value.items():
            if key not in self.fields:
                problems.add(_join(where, key), f"not a fact of the role; facts are: {', '.join(self.fields)}")
                continue
            keys = SourceKeys().read(keys, _join(where, key), problems)
            if keys:
                cited[key] = keys
        return cited

    def dump(self, obj):
        cited = defaultdict(list)
        for row in obj.field_sources.all():
            cited[row.field].append(row.source.key)
        return {key: cited[key] for key in self.fields if key in cited}


class TaughtSkills(ListOf):
    """The skills a course or certification teaches, each with the level (1-5) it reaches."""

    def __init__(self):
        super().__init__(
            Entry(
                {
                    "skill": Slug(Skill, "slug", attr="skill", required=True),
                    "level": Integer(MIN_TARGET, MAX_LEVEL, required=True),
                }
            ),
            default=[],
        )

    def read(self, value, where, problems):
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    problems.add(
                        f"{where}[{index}]",
                        f"give the skill and the level the offering reaches: {{skill: {item}, level: 1-5}}",
                    )
            value = [item for item in value if not isinstance(item, str)]
        return super().read(value, where, problems)

    def dump(self, obj):
        return [{"skill": link.skill.slug, "level": link.level} for link in obj.skill_links.all()]


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


# ---------------------------------------------------------------------------------------------------------
# Reading: files → plain data, and every problem found.


@dataclass
class SharedEntry:
    """A skill, course or certification as one role file gives it.

    `shared`: the fields the file gives for the row shared between roles (they overwrite the stored
    ones; fields left out are left alone). `link`: the role's own fields for a skill (RoleSkill).
    `skills`: {skill slug: level reached} for a course or certification, among this role's skills.
    """

    where: str
    slug: str
    shared: dict
    link: dict = field(default_factory=dict)
    skills: dict = field(default_factory=dict)
    sources: tuple = ()  # the keys of the sources the role's use of it cites


@dataclass
class RoleFile:
    """One role file as plain data; roles and skills are still referred to by slug."""

    filename: str
    slug: str | None = None
    family: str | None = None
    fields: dict = field(default_factory=dict)  # the Role's own fields, defaults filled in
    skills: list = field(default_factory=list)  # [SharedEntry]
    sections: dict = field(default_factory=dict)  # section key → [{attr: value}]
    courses: list = field(default_factory=list)  # [SharedEntry]
    certifications: list = field(default_factory=list)  # [SharedEntry]
    role_refs: list = field(default_factory=list)  # [(where, role slug)]
    field_sources: dict = field(default_factory=dict)  # fact → (source key, ...)
    source_refs: list = field(default_factory=list)  # [(where, source key)]


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses anchors and aliases, and a key given twice in one mapping.

    Aliases are refused while the file is composed, before anything is expanded: nine aliases of
    nine aliases... make a few hundred bytes stand for billions of values (a "billion laughs"). Role
    files have no use for them, so an anchor (`&name`) is refused too, at its own line.
    A key given twice is refused because the second would silently win.
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor[:30]}) are not allowed", event.start_mark
            )
        if getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, f"anchors (&{event.anchor[:30]}) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"the key {_short(key)} is given twice",
                    key_node.start_mark,
                )
            if isinstance(key, str | int):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _json_object(pairs):
    keys = Counter(key for key, _value in pairs)
    repeated = [key for key, count in keys.items() if count > 1]
    if repeated:
        raise ValueError(f"the key {repeated[0]!r} is given twice")
    return dict(pairs)


def _parse(path, problems):
    """The file's data, or None after recording why it cannot be read."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        problems.add("", f"cannot read {path.suffix or 'a file without a suffix'}: use .yaml, .yml or .json")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add("", "cannot read: not UTF-8 text")
        return None
    except OSError as error:
        problems.add("", f"cannot read: {error.strerror or error}")
        return None
    if kind == "JSON":
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            problems.add("", f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")
        except ValueError as error:
            problems.add("", f"invalid JSON: {error}")
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.add("", f"invalid YAML{at}: {error.problem or error.context}")
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an impossible date such as 2025-02-30
        problems.add("", f"invalid YAML: {error}")
    return None


def read_role_file(path):
    """(RoleFile or None, [problem lines]) for one file. Reads no database."""
    path = Path(path)
    problems = Problems(path.name)
    data = _parse(path, problems)
    if data is None:
        if not problems.lines:
            problems.add("", "the file is empty")
        return None, problems.lines
    if not isinstance(data, dict):
        problems.add("", f"the top level must be a mapping of fields, got {_got(data)}")
        return None, problems.lines
    return _role_file(path.name, ROLE.read(data, "", problems), problems), problems.lines


def _role_file(filename, values, problems):
    fields = ROLE_FIELDS.with_defaults(values)
    ai_impact = AI_IMPACT.with_defaults(fields.pop("ai_impact") or {})
    role = RoleFile(filename=filename, slug=fields.pop("slug"), family=fields.pop("family"))
    role.fields = fields | ai_impact
    role.field_sources = values.get("field_sources") or {}
    for fact, keys in role.field_sources.items():
        role.source_refs += [(f"field_sources.{fact}[{index}]", key) for index, key in enumerate(keys)]

    role.skills = _skills(values.get("skills") or [], problems)
    skill_slugs = {entry.slug for entry in role.skills}
    role.courses = _taught(values.get("courses") or [], "courses", "title", skill_slugs, problems)
    role.certifications = _taught(values.get("certifications") or [], "certifications", "name", skill_slugs, problems)
    for entry in [*role.skills, *role.courses, *role.certifications]:
        role.source_refs += [(f"{entry.where}.sources[{index}]", key) for index, key in enumerate(entry.sources)]

    for section in SECTIONS:
        items = []
        for index, item in enumerate(values.get(section.key) or []):
            if item is None:
                continue
            where, item = f"{section.key}[{index}]", section.entry.with_defaults(item)
            for key, spec in section.entry.fields.items():
                slug = item[spec.attr]
                if isinstance(spec, RoleRef) and slug:
                    role.role_refs.append((_join(where, key), slug))
                if isinstance(spec, SkillRef) and slug and slug not in skill_slugs:
                    problems.add(_join(where, key), f"{slug!r} is not one of this role's skills")
            role.source_refs += [(f"{where}.sources[{i}]", key) for i, key in enumerate(item["sources"] or ())]
            items.append((where, item))
        _check_section(section.key, items, problems)
        role.sections[section.key] = [item for _where, item in items]
    return role


def _slug_for(values, name_attr, where, problems):
    """The entry's slug: given, or made from its name; None if neither can be had."""
    if values.get("slug") or not values.get(name_attr):
        return values.get("slug")
    slug = slugify(values[name_attr])
    if not slug:
        problems.add(_join(where, "slug"), f"cannot make a slug from {values[name_attr]!r}; give one")
    return slug or None


def _skills(items, problems):
    entries, first_at = [], {}
    for index, values in enumerate(items):
        where = f"skills[{index}]"
        slug = _slug_for(values or {}, "name", where, problems)
        if slug is None:
            continue
        if slug in first_at:
            problems.add(where, f"skill {slug!r} is listed twice (first at {first_at[slug]})")
            continue
        first_at[slug] = where
        shared = {attr: values[attr] for attr in SKILL_SHARED if attr in values} | values.get("levels", {})
        link = {attr: value for attr, value in SKILL.with_defaults(values).items() if attr in SKILL_LINK}
        if link["weight"] is None:
            link["weight"] = DEFAULT_WEIGHTS[SkillKind(link["kind"])]
        sources = values.get("sources", ())
        entries.append(SharedEntry(where=where, slug=slug, shared=shared, link=link, sources=sources))
    return entries


def _taught(items, key, name_attr, skill_slugs, problems):
    """Courses or certifications: shared rows keyed by slug, each teaching some of the role's skills."""
    entries, first_at = [], {}
    for index, values in enumerate(items):
        where = f"{key}[{index}]"
        slug = _slug_for(values or {}, name_attr, where, problems)
        if slug is None:
            continue
        if slug in first_at:
            problems.add(where, f"{slug!r} is listed twice (first at {first_at[slug]})")
            continue
        first_at[slug] = where
        taught, taught_at = {}, {}  # skill slug → level it reaches; → where it is listed
        for position, link in enumerate(values.get("skills") or []):
            at, skill = f"{where}.skills[{position}]", (link or {}).get("skill")
            if skill is None or "level" not in link:
                continue  # already reported
            if skill not in skill_slugs:
                problems.add(_join(at, "skill"), f"{skill!r} is not one of this role's skills")
            elif skill in taught:
                problems.add(_join(at, "skill"), f"{skill!r} is listed twice (first at {taught_at[skill]})")
            else:
                taught[skill], taught_at[skill] = link["level"], at
        shared = {attr: value for attr, value in values.items() if attr not in ("slug", "skills", *OFFERING_LINK)}
        link = {"editor_note": values.get("editor_note", "")}
        sources = values.get("sources", ())
        entries.append(SharedEntry(where=where, slug=slug, shared=shared, link=link, skills=taught, sources=sources))
    return entries


def _check_section(key, items, problems):
    """Rules across a section's items (the database enforces them too, less kindly)."""
    first_at = {}
    for where, item in items:
        if key == "salary_bands" and None not in (item["low"], item["high"]) and item["low"] > item["high"]:
            problems.add(where, f"low {item['low']} is more than high {item['high']}")
        if key == "career_moves" and item["to_role"]:
            identity = (item["kind"], item["to_role"])
            if identity in first_at:
                problems.add(
                    where, f"{item['kind']} {item['to_role']!r} is listed twice (first at {first_at[identity]})"
                )
            first_at.setdefault(identity, where)
        if key == "transition_paths" and item["from_role"]:
            if item["from_role"] in first_at:
                problems.add(
                    where, f"from_role {item['from_role']!r} is listed twice (first at {first_at[item['from_role']]})"
                )
            first_at.setdefault(item["from_role"], where)


def _shared_key(attr):
    """The file's name for a shared field, for messages (descriptor_3 → levels.3)."""
    return f"levels.{attr[-1]}" if attr.startswith("descriptor_") else attr


def _check_across_files(files):
    """Problems between the files of one run: a role given twice, shared rows described differently."""
    problems = []
    role_in = {}
    for role in files:
        if role.slug is None:
            continue
        if role.slug in role_in:
            problems.append(f"{role.filename}: slug: role {role.slug!r} is also in {role_in[role.slug]}")
        role_in.setdefault(role.slug, role.filename)

    for attr, noun in (("skills", "skill"), ("courses", "course"), ("certifications", "certification")):
        first = {}  # (slug, field) → (value, filename)
        for role in files:
            for entry in getattr(role, attr):
                for name, value in entry.shared.items():
                    seen, seen_in = first.setdefault((entry.slug, name), (value, role.filename))
                    if seen != value:
                        problems.append(
                            f"{role.filename}: {entry.where}.{_shared_key(name)}: {_short(value)} differs from "
                            f"{_short(seen)} given for {noun} {entry.slug!r} in {seen_in}"
                        )
                for position, (skill, level) in enumerate(entry.skills.items() if attr != "skills" else ()):
                    seen, seen_in = first.setdefault((entry.slug, "level", skill), (level, role.filename))
                    if seen != level:
                        problems.append(
                            f"{role.filename}: {entry.where}.skills[{position}].level: {level} differs from "
                            f"{seen} given for {noun} {entry.slug!r} and skill {skill!r} in {seen_in}"
                        )

    skill_named = {}  # name → (slug, filename, where)
    for role in files:
        for entry in role.skills:
            name = entry.shared.get("name")
            if name is None:
                continue
            slug, named_in, named_at = skill_named.setdefault(name, (entry.slug, role.filename, entry.where))
            if slug != entry.slug:
                there = f"({named_at})" if named_in == role.filename else f"in {named_in}"
                problems.append(
                    f"{role.filename}: {entry.where}.name: {name!r} is also the name of skill {slug!r} {there}"
                )

    family_named = {}  # slug → (name, filename)
    for role in files:
        if not role.family:
            continue
        if not slugify(role.family):
            problems.append(f"{role.filename}: family: cannot make a slug from {role.family!r}")
            continue
        name, named_in = family_named.setdefault(slugify(role.family), (role.family, role.filename))
        if name != role.family:
            problems.append(
                f"{role.filename}: family: {role.family!r} and {name!r} (in {named_in}) "
                f"would both get the slug {slugify(role.family)!r}"
            )
    return problems


def read_role_files(paths):
    """(RoleFiles, [problem lines]) for a run: each file checked alone, then against the others."""
    files, problems = [], []
    for path in paths:
        role, lines = read_role_file(path)
        problems += lines
        if role is not None:
            files.append(role)
    return files, problems + _check_across_files(files)


def _check_against_database(files):
    """Problems that depend on what is stored: unknown roles, skill and family names already taken."""
    problems = []
    in_run = {role.slug for role in files}
    referenced = {slug for role in files for _where, slug in role.role_refs} - in_run
    stored = set(Role.objects.filter(slug__in=referenced).values_list("slug", flat=True))
    for role in files:
        for where, slug in role.role_refs:
            if slug not in in_run and slug not in stored:
                problems.append(f"{role.filename}: {where}: no role {slug!r} in this run or in the database")

    ensure_shipped(Source)
    known = set(Source.objects.values_list("key", flat=True))
    for role in files:
        for where, key in role.source_refs:
            if key not in known:
                problems.append(
                    f"{role.filename}: {where}: no source {key!r}; known sources: {', '.join(sorted(known))}"
                )

    run_skills = {entry.slug for role in files for entry in role.skills}
    named = {entry.shared["name"]: (role, entry) for role in files for entry in role.skills if "name" in entry.shared}
    for slug, name in Skill.objects.filter(name__in=named).exclude(slug__in=run_skills).values_list("slug", "name"):
        role, entry = named[name]
        problems.append(f"{role.filename}: {entry.where}.name: {name!r} is already the name of skill {slug!r}")

    names = {role.family for role in files if role.family}
    new = {
        slugify(name): name
        for name in names - set(Family.objects.filter(name__in=names).values_list("name", flat=True))
    }
    for slug, name in Family.objects.filter(slug__in=new).values_list("slug", "name"):
        for role in files:
            if role.family == new[slug]:
                problems.append(
                    f"{role.filename}: family: {role.family!r} would get the slug {slug!r}, "
                    f"which family {name!r} already has"
                )
    return problems


def import_roles(paths, *, dry_run=False):
    """Read, check and save role files in one transaction: ImportCounts, or RoleFileError and nothing saved."""
    files, problems = read_role_files(paths)
    with transaction.atomic():
        problems += _check_against_database(files)
        if problems:
            raise RoleFileError(problems)
        counts = save_role_files(files)
        if dry_run:
            transaction.set_rollback(True)
    return counts


# ---------------------------------------------------------------------------------------------------------
# Saving: plain data → rows, writing only what differs.


@dataclass
class ImportCounts:
    """What a run did, per kind of row: {"created": n, "updated": n, "unchanged": n}."""

    roles: Counter = field(default_factory=Counter)
    skills: Counter = field(default_factory=Counter)
    courses: Counter = field(default_factory=Counter)
    certifications: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)

    def __str__(self):
        def part(nouns, counts, states=("created", "updated", "unchanged")):
            total = counts.total()
            detail = ", ".join(f"{counts[state]} {state}" for state in states)
            return f"{total} {nouns[total != 1]} ({detail})"

        return (
            f"Imported {part(('role', 'roles'), self.roles)}, {part(('skill', 'skills'), self.skills)}, "
            f"{part(('course', 'courses'), self.courses)}, "
            f"{part(('certification', 'certifications'), self.certifications)}, "
            f"{part(('family', 'families'), self.families, ('created',))}."
        )


def _upsert(model, slug, values, stored):
    """Create the row, or update the fields that differ: "created", "updated" or "unchanged"."""
    obj = stored.get(slug)
    if obj is None:
        stored[slug] = model.objects.create(slug=slug, **values)
        return "created"
    changed = [attr for attr, value in values.items() if getattr(obj, attr) != value]
    if not changed:
        return "unchanged"
    for attr in changed:
        setattr(obj, attr, values[attr])
    if model is Role:
        changed.append("updated_at")
    obj.save(update_fields=changed)
    return "updated"


def _save_shared(model, files, attr):
    """Create or update the shared rows (skills, courses or certifications): ({slug: row}, {slug: state})."""
    merged = defaultdict(dict)
    for role in files:
        for entry in getattr(role, attr):
            merged[entry.slug].update(entry.shared)
    rows = model.objects.in_bulk(list(merged), field_name="slug")
    states = {slug: _upsert(model, slug, values, rows) for slug, values in merged.items()}
    return rows, states


@transaction.atomic
def save_role_files(files):
    """Save checked role files: shared rows and roles first, then what refers to them. ImportCounts.

    Rows are compared with the files and written only where they differ, so saving what is already
    stored writes nothing.
    """
    counts = ImportCounts()
    families = {family.name: family for family in Family.objects.filter(name__in={role.family for role in files})}
    for name in dict.fromkeys(role.family for role in files):
        if name in families:
            counts.families["unchanged"] += 1
        else:
            families[name] = Family.objects.create(name=name, slug=slugify(name))
            counts.families["created"] += 1

    skills, skill_states = _save_shared(Skill, files, "skills")
    courses, course_states = _save_shared(Course, files, "courses")
    certifications, certification_states = _save_shared(Certification, files, "certifications")

    roles = Role.objects.in_bulk([role.slug for role in files], field_name="slug")
    role_states = {
        role.slug: _upsert(Role, role.slug, {"family_id": families[role.family].pk, **role.fields}, roles)
        for role in files
    }
    referenced = {slug for role in files for _where, slug in role.role_refs} | set(roles)
    ensure_shipped(Source)
    ids = {
        "role": dict(Role.objects.filter(slug__in=referenced).values_list("slug", "pk")),
        "skill": {slug: skill.pk for slug, skill in skills.items()},
        "source": dict(Source.objects.values_list("key", "pk")),
    }
    role_ids = [roles[role.slug].pk for role in files]
    changed = set()  # ids of roles whose related rows changed

    stored_links = defaultdict(list)
    for link in RoleSkill.objects.filter(role__in=role_ids):
        stored_links[link.role_id].append(link)
    for role in files:
        role_id = roles[role.slug].pk
        if _save_role_skills(role_id, role.skills, ids["skill"], stored_links[role_id]):
            changed.add(role_id)
    by_skill = {
        (role_id, skill_id): pk
        for pk, role_id, skill_id in RoleSkill.objects.filter(role__in=role_ids).values_list(
            "pk", "role_id", "skill_id"
        )
    }
    wanted_sources = {
        by_skill[roles[role.slug].pk, ids["skill"][entry.slug]]: {ids["source"][key] for key in entry.sources}
        for role in files
        for entry in role.skills
    }
    changed |= _sync_sources(RoleSkill, wanted_sources)
    if _save_field_sources(files, roles, ids["source"]):
        changed |= {roles[role.slug].pk for role in files}

    for section in SECTIONS:
        rows = section.model.objects.filter(role__in=role_ids)
        rows = rows.prefetch_related("sources")
        if section.model is TransitionPath:
            rows = rows.prefetch_related("artifacts")
        stored = defaultdict(list)
        for row in rows:
            stored[row.role_id].append(row)
        for role in files:
            role_id = roles[role.slug].pk
            if _save_section(section, role_id, role.sections[section.key], ids, stored[role_id]):
                changed.add(role_id)

    for attr, shared, states, through, fk in (
        ("courses", courses, course_states, RoleCourse, "course_id"),
        ("certifications", certifications, certification_states, RoleCertification, "certification_id"),
    ):
        stored = defaultdict(list)
        for row in through.objects.filter(role__in=role_ids).prefetch_related("sources"):
            stored[row.role_id].append((getattr(row, fk), row.editor_note, sorted(s.pk for s in row.sources.all())))
        for role in files:
            role_id = roles[role.slug].pk
            entries = getattr(role, attr)
            wanted = [
                (shared[entry.slug].pk, entry.link["editor_note"], sorted(ids["source"][key] for key in entry.sources))
                for entry in entries
            ]
            if stored[role_id] != wanted:
                through.objects.filter(role_id=role_id).delete()
                rows = through.objects.bulk_create(
                    [
                        through(role_id=role_id, order=order, editor_note=note, **{fk: pk})
                        for order, (pk, note, _sources) in enumerate(wanted)
                    ]
                )
                _sync_sources(
                    through, {row.pk: set(cited) for row, (_pk, _note, cited) in zip(rows, wanted, strict=True)}
                )
                changed.add(role_id)
        for slug in _save_taught_skills(files, attr, shared, ids["skill"]):
            if states[slug] == "unchanged":
                states[slug] = "updated"

    bump = []
    for role in files:
        if role_states[role.slug] == "unchanged" and roles[role.slug].pk in changed:
            role_states[role.slug] = "updated"
            bump.append(roles[role.slug].pk)
    if bump:
        Role.objects.filter(pk__in=bump).update(updated_at=timezone.now())

    counts.roles.update(role_states.values())
    counts.skills.update(skill_states.values())
    counts.courses.update(course_states.values())
    counts.certifications.update(certification_states.values())
    states = [*role_states.values(), *skill_states.values(), *course_states.values(), *certification_states.values()]
    if any(state != "unchanged" for state in states):
        revision.bump()  # bulk writes send no signals: count the change for the caches once
    return counts


def _save_role_skills(role_id, entries, skill_ids, stored):
    """Upsert the role's RoleSkills by skill and delete those no longer listed. True if anything was written."""
    wanted = [skill_ids[entry.slug] for entry in entries]
    renumber = [link.skill_id for link in stored] != wanted  # keep stored order numbers when the order is the same
    by_skill = {link.skill_id: link for link in stored}
    by_wanted = set(wanted)
    written, new = False, []
    for order, entry in enumerate(entries):
        link = by_skill.get(skill_ids[entry.slug])
        values = {**entry.link, "order": order} if renumber or link is None else entry.link
        if link is None:
            new.append(RoleSkill(role_id=role_id, skill_id=skill_ids[entry.slug], **values))
            continue
        changed = [
            attr
            for attr, value in values.items()
            if (link.effective_weight if attr == "weight" else getattr(link, attr)) != value
        ]
        if changed:
            for attr in changed:
                setattr(link, attr, values[attr])
            link.save(update_fields=changed)
            written = True
    gone = [link.pk for link in stored if link.skill_id not in by_wanted]
    if gone:
        RoleSkill.objects.filter(pk__in=gone).delete()
    if new:
        RoleSkill.objects.bulk_create(new)
    return written or bool(gone or new)


def _row(section, values, ids):
    """A section item as model attributes, with role and skill slugs turned into ids."""
    row = {}
    for item in section.entry.fields.values():
        if isinstance(item, RoleRef | SkillRef):
            slug = values[item.attr]
            row[f"{item.attr}_id"] = ids["role" if isinstance(item, RoleRef) else "skill"][slug] if slug else None
        elif not isinstance(item, Texts):
            row[item.attr] = values[item.attr]
    return row


def _save_section(section, role_id, items, ids, stored):
    """Replace the role's rows of a section if they differ from the file. True if anything was written."""
    wanted = [
        (
            _row(section, values, ids),
            values.get("artifacts", []),
            sorted(ids["source"][key] for key in values["sources"] or ()),
        )
        for values in items
    ]
    have = [
        (
            {attr: getattr(obj, attr) for attr in row},
            [artifact.text for artifact in obj.artifacts.all()] if section.model is TransitionPath else [],
            sorted(source.pk for source in obj.sources.all()),
        )
        for obj, (row, _artifacts, _sources) in zip(stored, wanted, strict=False)
    ]
    if len(stored) == len(wanted) and have == wanted:
        return False
    if stored:
        section.model.objects.filter(pk__in=[obj.pk for obj in stored]).delete()
    if section.model is TransitionPath:
        rows = []
        for order, (row, artifacts, _sources) in enumerate(wanted):
            path = TransitionPath.objects.create(role_id=role_id, order=order, **row)
            TransitionArtifact.objects.bulk_create(
                [TransitionArtifact(path=path, text=text, order=i) for i, text in enumerate(artifacts)]
            )
            rows.append(path)
    else:
        rows = section.model.objects.bulk_create(
            [section.model(role_id=role_id, order=order, **row) for order, (row, _a, _s) in enumerate(wanted)]
        )
    _sync_sources(section.model, {row.pk: set(cited) for row, (_r, _a, cited) in zip(rows, wanted, strict=True)})
    return True


def _sync_sources(model, wanted):
    """Make the citations of `model` rows the wanted ones ({row pk: {source id}}); the ids of the roles
    whose rows changed."""
    through = model.sources.through
    fk = f"{model._meta.model_name}_id"
    stored = defaultdict(dict)  # row pk → {source id: through pk}
    for pk, row, source_id in through.objects.filter(**{f"{fk}__in": list(wanted)}).values_list("pk", fk, "source_id"):
        stored[row][source_id] = pk
    add = [(row, sid) for row, ids in wanted.items() for sid in sorted(ids - set(stored[row]))]
    remove = [(row, pk) for row, ids in wanted.items() for sid, pk in stored[row].items() if sid not in ids]
    if add:
        through.objects.bulk_create(through(**{fk: row}, source_id=sid) for row, sid in add)
    if remove:
        through.objects.filter(pk__in=[pk for _row, pk in remove]).delete()
    touched = {row for row, _ in add} | {row for row, _ in remove}
    return set(model.objects.filter(pk__in=touched).values_list("role_id", flat=True)) if touched else set()


def _save_field_sources(files, roles, source_ids):
    """Make each role's `field_sources` rows match its file; True if any was written."""
    role_ids = [roles[role.slug].pk for role in files]
    stored = set(RoleFieldSource.objects.filter(role__in=role_ids).values_list("role_id", "field", "source_id"))
    wanted = {
        (roles[role.slug].pk, fact, source_ids[key])
        for role in files
        for fact, keys in role.field_sources.items()
        for key in keys
    }
    gone = stored - wanted
    for role_id, fact, source_id in gone:
        RoleFieldSource.objects.filter(role_id=role_id, field=fact, source_id=source_id).delete()
    RoleFieldSource.objects.bulk_create(RoleFieldSource(role_id=r, field=f, source_id=s) for r, f, s in wanted - stored)
    return bool(gone or wanted - stored)


def _save_taught_skills(files, attr, shared, skill_ids):
    """Link courses (or certifications) to the skills they teach, at the level each reaches, as far
    as each file speaks; the slugs of the offerings whose links changed.

    A file speaks about its own skills only: for each of them, the course teaches it if and only if
    the file lists it, to the level the file gives. If several files of a run give the same course,
    a skill any of them lists is taught (they must agree on its level: `_check_across_files`).
    Links to skills that none of the run's files has are left alone.
    """
    wanted = defaultdict(dict)  # course slug → {skill id: (level, order) or None when not taught}
    for role in files:
        for entry in getattr(role, attr):
            links = wanted[entry.slug]
            order = {slug: position for position, slug in enumerate(entry.skills)}
            for skill in role.skills:
                skill_id = skill_ids[skill.slug]
                if skill.slug in entry.skills:
                    links[skill_id] = (entry.skills[skill.slug], order[skill.slug])
                else:
                    links.setdefault(skill_id, None)
    if not wanted:
        return set()
    model = Course if attr == "courses" else Certification
    through = model.skills.through
    fk = "course_id" if attr == "courses" else "certification_id"
    pks = {slug: shared[slug].pk for slug in wanted}
    stored = {
        (getattr(link, fk), link.skill_id): link for link in through.objects.filter(**{f"{fk}__in": pks.values()})
    }
    add, remove, changed = [], [], set()
    for slug, links in wanted.items():
        for skill_id, taught in links.items():
            link = stored.get((pks[slug], skill_id))
            if taught is not None and link is None:
                add.append(through(**{fk: pks[slug]}, skill_id=skill_id, level=taught[0], order=taught[1]))
                changed.add(slug)
            elif taught is not None and link.level != taught[0]:
                link.level = taught[0]
                link.save(update_fields=["level"])
                changed.add(slug)
            elif taught is None and link is not None:
                remove.append(link.pk)
                changed.add(slug)
    if add:
        through.objects.bulk_create(add)
    if remove:
        through.objects.filter(pk__in=remove).delete()
    return changed


# ---------------------------------------------------------------------------------------------------------
# Dumping: a stored role → file data in the same format.


def dump_role(role):
    """The role as file data (a dict in the format's key order); importing it back changes nothing."""
    role = (
        Role.objects.select_related("family")
        .prefetch_related(
            "role_skills__skill",
            "role_skills__sources",
            "field_sources__source",
            *[f"{section.related_name}__sources" for section in SECTIONS],
            "role_courses__sources",
            "role_certifications__sources",
            "suggestions__skill",
            "career_moves__to_role",
            "ladder_levels__rung_role",
            "transition_paths__from_role",
            "transition_paths__artifacts",
            "role_courses__course__skill_links__skill",
            "role_certifications__certification__skill_links__skill",
        )
        .get(pk=role.pk)
    )
    links = list(role.role_skills.all())
    skill_slugs = [link.skill.slug for link in links]
    data = ROLE_FIELDS.dump(role)
    if not role.is_featured:
        del data["featured"]  # optional: written only for a flagship guide
    data["field_sources"] = ROLE.fields["field_sources"].dump(role)
    data["skills"] = [_dump_skill(link) for link in links]
    for section in SECTIONS:
        data[section.key] = [section.entry.dump(item) for item in getattr(role, section.related_name).all()]
    data["courses"] = [_dump_taught(COURSE, row, row.course, skill_slugs) for row in role.role_courses.all()]
    data["certifications"] = [
        _dump_taught(CERTIFICATION, row, row.certification, skill_slugs) for row in role.role_certifications.all()
    ]
    return {key: data[key] for key in ROLE.fields if data.get(key) not in (None, "", [], {})}


def _dump_skill(link):
    skill, weight = link.skill, link.effective_weight
    data = {
        "name": skill.name,
        "slug": skill.slug,
        "category": skill.category,
        "description": skill.description,
        "levels": skill.descriptors,
        "kind": link.kind,
        "target": link.target,
        "weight": _number(weight) if weight != DEFAULT_WEIGHTS[SkillKind(link.kind)] else None,
        "commonly_missing": link.commonly_missing or None,
        "note": link.note,
        "sources": [source.key for source in link.sources.all()],
        "editor_note": link.editor_note,
    }
    return {key: value for key, value in data.items() if value not in ("", None, {}, [])}


def _dump_taught(entry, row, obj, skill_slugs):
    """A course or certification (`row` is the role's link to it, `obj` the offering), with the skills it
    teaches among the role's (and the level each reaches) and what the role cites for it."""
    data = {key: item.dump(obj) for key, item in entry.fields.items() if key not in OFFERING_LINK}
    data |= {"sources": [source.key for source in row.sources.all()], "editor_note": row.editor_note}
    data = {key: value for key, value in data.items() if value not in ("", None)}
    levels = {link["skill"]: link["level"] for link in data.pop("skills", [])}
    data["skills"] = [{"skill": slug, "level": levels[slug]} for slug in skill_slugs if slug in levels]
    return {key: value for key, value in data.items() if value != []}


def _number(value):
    return int(value) if value == int(value) else float(value)


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes long and multi-line text as readable blocks."""


def _represent_str(dumper, value):
    """Multi-line text as a literal block (`|`), long lines as a folded block (`>`), the rest plain."""
    style = "|" if "\n" in value else ">" if len(value) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data):
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def to_json(data):
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
