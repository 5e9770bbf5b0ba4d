"""The role-file format (docs/role-format.md) as pydantic models, derived from the content models and
the sections of roles/registry.py: a value is read as the model field it fills, so a new field is in
the format with no change here (roles/tests/test_registry.py fails when one is neither read nor left
out). Pydantic checks the shape and the types, strictly (text is never read as a number, nor a
number as true); then the model field's own checks run (`_model_checks`: choices, blank, length,
range, validators), as they do in admin. Written here is what a model cannot say: the names files
use, a skill's `levels`, what an offering teaches, `field_sources`, and what files leave out.
`problems` turns pydantic's errors into problem lines."""

import datetime
import difflib
import enum
import hashlib
import json
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, get_args

import pydantic as p
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import models
from django.utils.text import slugify
from pydantic_core import PydanticCustomError

from .. import alignments as alignment_shapes
from .. import models as m
from .. import registry
from .parsing import _short, problem

# Model fields no file gives: each row's own id, role and place in its list; the role's timestamps
# and the hash of the file it was imported from.
LEFT_OUT = {"id", "role", "order", "created_at", "updated_at", "import_hash"}
# Content that role files do not describe: sources are data edited in admin (files cite them by key);
# a family's slug is made from its name, and its description is written in admin; a draft is the
# admin's working copy of a published role (docs/editing.md); a skill's `alignments` are in its
# order; revisions are the guide's history (each holds a whole file, `data`), not its content.
NOT_IN_FILES = {
    m.Source: {"key", "title", "short_name", "publisher", "url", "date_reviewed", "notes", "is_editorial"},
    m.Family: {"slug", "description"},
    m.Role: {"draft_of"},
    m.SkillAlignment: {"skill"},
    m.RoleRevision: {"guide", "number", "data", "published_by", "published_at", "note"},
}

# What files add to the models' checks: text the database can store, and slugs in lowercase.
TEXT_VALIDATORS = [ProhibitNullCharactersValidator()]
SLUG_VALIDATORS = [
    RegexValidator(r"\A[a-z0-9][a-z0-9_-]*\Z", "Enter a slug: lowercase letters, digits, hyphens and underscores.")
]
Text = Annotated[str, p.StringConstraints(strip_whitespace=True)]
# The strict type each kind of model field is read as: dates also as ISO text (JSON has no dates),
# decimals as numbers (a skill's weight), positive.
TYPES = {
    models.BooleanField: bool,
    models.DateField: Annotated[
        datetime.date, p.BeforeValidator(lambda v: datetime.date.fromisoformat(v) if isinstance(v, str) else v)
    ],
    models.DecimalField: Annotated[
        Decimal,
        p.BeforeValidator(lambda v: Decimal(str(v)) if type(v) in (int, float) else v),  # not bool: strict
        p.Field(gt=0),
    ],
    models.IntegerField: int,
    models.CharField | models.TextField: Text,
}


def _model_checks(field, extra=()):
    """A validator running the model field's own checks (and `extra` validators) on a value."""
    validators = [*extra, *field.validators]

    def check(value):
        try:
            field.validate(value, None)  # choices, blank
            for validate in validators if value not in field.empty_values else ():
                validate(value)
        except DjangoValidationError as error:
            raise PydanticCustomError("model_field", "{message}", {"message": " ".join(error.messages)}) from None
        return value

    return p.AfterValidator(check)


def _hashed_sorted(key=None):
    """Serialise a list sorted when hashing (`digest`): it is a set, whose order a file may change."""
    return p.WrapSerializer(
        lambda items, dump, info: sorted(dump(items), key=key) if (info.context or {}).get("hashing") else dump(items)
    )


def field_type(field, required=None):
    """(pydantic type, default or `...` when required) for reading a model field from a file."""
    required = (not field.blank and not field.has_default()) if required is None else required
    default = ... if required else field.get_default() if field.has_default() else None if field.null else ""
    default = default.value if isinstance(default, enum.Enum) else default  # a choice, as files write it
    if field.many_to_many and field.related_model is m.Source:
        return SourceKeys, []
    if field.many_to_one:  # another role, or a skill of this role, by slug
        field = field.related_model._meta.get_field("slug")
    if field.choices:  # one of the values (a range of numbers: 1-5)
        values = [value for value, _label in field.choices]
        numbers = all(isinstance(value, int) for value in values)
        kind = Annotated[int, p.Field(ge=min(values), le=max(values))] if numbers else Literal[tuple(values)]
        return Annotated[kind, _model_checks(field)], default
    kind = next((kind for model_field, kind in TYPES.items() if isinstance(field, model_field)), None)
    if kind is None:
        raise TypeError(f"the role-file format has no type for {field!r}")
    extra = []
    if kind is Text:
        extra = TEXT_VALIDATORS + (SLUG_VALIDATORS if isinstance(field, models.SlugField) else [])
    return Annotated[kind, _model_checks(field, extra)], default


def type_of(model, name):
    """The type of a model field read alone (a source key, the text of a skill's level...)."""
    return field_type(model._meta.get_field(name))[0]


SourceKeys = Annotated[list[type_of(m.Source, "key")], _hashed_sorted()]


class Entry(p.BaseModel):
    """A mapping of a role file. `attrs`: its keys' model attributes; an entry may be just the text of
    `shorthand`; `aliases` are other keys for a field."""

    model_config = p.ConfigDict(extra="forbid", strict=True)
    attrs: ClassVar[dict] = {}
    shorthand: ClassVar[str | None] = None
    aliases: ClassVar[dict] = {}

    @p.model_validator(mode="before")
    @classmethod
    def _given(cls, data):
        if isinstance(data, str) and cls.shorthand:
            data = {cls.shorthand: data}
        if not isinstance(data, dict):
            return data
        data = {str(key): value for key, value in data.items() if value is not None}  # `key:` alone is not given
        for alias, key in cls.aliases.items():
            if alias in data and key in data:
                raise ValueError(f"give {key!r} or {alias!r}, not both")
            if alias in data:
                data[key] = data.pop(alias)
        return data

    def values(self):
        """{model attribute: value} of the row this entry fills."""
        return {attr: getattr(self, key) for key, attr in self.attrs.items()}


class SharedEntry(Entry):
    """A row shared between roles (a skill, a course), keyed by slug (made from `name_key` when the file
    gives none). `shared()` holds the shared fields the file gives, which overwrite the stored ones (the
    others are left alone); `values()` is the role's own link to it."""

    shared_attrs: ClassVar[dict] = {}
    name_key: ClassVar[str] = "name"

    @p.model_validator(mode="after")
    def _slug_from_name(self):
        self.slug = self.slug or slugify(getattr(self, self.name_key))
        if not self.slug:
            raise ValueError(f"cannot make a slug from {_short(getattr(self, self.name_key))}; give one")
        return self

    def shared(self):
        return {attr: getattr(self, key) for key, attr in self.shared_attrs.items() if key in self.model_fields_set}

    @p.model_serializer(mode="wrap")
    def _given_only(self, dump, info):  # a file's hash counts the shared fields it gives, not their defaults
        given = self.model_fields_set if (info.context or {}).get("hashing") else self.shared_attrs
        return {k: v for k, v in dump(self).items() if k not in self.shared_attrs or k in given}


def _fields(model, *, keys=None, only=None, exclude=(), types=None, required=None, extra=None):
    """({file key: (type, default)}, {file key: attribute}) for a model's fields, named as files name
    them (`keys`), some required or not whatever the model says, and `extra` fields of no attribute."""
    keys, types, required, fields, attrs = keys or {}, types or {}, required or {}, {}, {}
    citations = [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]  # `sources`
    for field in [*model._meta.concrete_fields, *citations]:
        if field.name in LEFT_OUT or field.name in exclude or (only is not None and field.name not in only):
            continue
        key = keys.get(field.name, field.name)
        fields[key] = types.get(field.name) or field_type(field, required=required.get(field.name))
        attrs[key] = field.name
    fields |= extra or {}
    last = [key for key in ("sources", "editor_note") if key in fields]  # what editors alone use, last
    return {key: fields[key] for key in [*(k for k in fields if k not in last), *last]}, attrs


def _entry(name, fields, attrs, base=Entry, **class_vars):
    entry = p.create_model(name, __base__=base, **fields)
    for var, value in {"attrs": attrs, **class_vars}.items():
        setattr(entry, var, value)
    return entry


def _offering_entry(section):
    """A course (certification, ...): the shared row's fields, then the role's link to it, and the
    skills it teaches with the level each reaches."""
    offering, name = section.offering, section.offering.model.__name__
    shared, shared_attrs = _fields(offering.model, exclude=["skills"], required={"slug": False})
    link, attrs = _fields(section.model, exclude=[offering.link_field])
    taught = _entry(f"{name}SkillEntry", *_fields(offering.skill_links, exclude=[offering.link_field]))
    fields = shared | {"skills": (Annotated[list[taught], _hashed_sorted(lambda link: link["skill"])], [])} | link
    class_vars = {"shared_attrs": shared_attrs, "name_key": offering.name, "aliases": offering.aliases}
    return _entry(f"{name}Entry", fields, attrs, base=SharedEntry, taught=taught, **class_vars)


def _section_entry(section):
    children = {}  # listed as their text: `artifacts: [text, ...]`
    for child in section.children:
        children[child] = (list[type_of(section.model._meta.get_field(child).related_model, "text")], [])
    fields, attrs = _fields(section.model, keys=section.file_keys, extra=children)
    return _entry(f"{section.model.__name__}Entry", fields, attrs, shorthand=section.shorthand)


class _AlignmentEntry(Entry):
    @p.model_validator(mode="after")
    def _shape(self):
        found = alignment_shapes.problems(self.framework, name=self.framework_name, code=self.code, uri=self.uri)
        if found:
            raise ValueError("; ".join(f"{field}: {message}" for field, message in found.items()))
        return self


# A skill's alignment (docs/role-format.md, "Alignments"): the framework, a code and/or a URI, and the
# key of the source that says the match is exact. Shapes checked by roles/alignments.py.
Alignment = _entry(
    "Alignment",
    *_fields(m.SkillAlignment, exclude=["skill"], types={"source": (type_of(m.Source, "key"), "")}),
    base=_AlignmentEntry,
)


class _SkillEntry(SharedEntry):
    @p.model_validator(mode="after")
    def _default_weight(self):
        self.weight = m.DEFAULT_WEIGHTS[m.SkillKind(self.kind)] if self.weight is None else self.weight
        return self

    def shared(self):
        return super().shared() | {f"descriptor_{level}": text for level, text in self.levels.items()}


def _skill_entry():
    """A skill: the shared Skill's fields, `levels` (what each level 1-5 looks like) and `alignments`
    (shared: every file that gives them agrees), then the role's own."""
    descriptors = [f"descriptor_{level}" for level in range(1, 6)]
    shared, shared_attrs = _fields(m.Skill, exclude=descriptors, required={"slug": False})  # made from the name
    link, attrs = _fields(m.RoleSkill, exclude=["skill"], required={"target": True})
    as_text = p.BeforeValidator(
        lambda levels: {str(k).strip(): v for k, v in levels.items()} if isinstance(levels, dict) else levels
    )
    levels = Annotated[dict[Literal["1", "2", "3", "4", "5"], type_of(m.Skill, "descriptor_1")], as_text]
    fields = shared | {"levels": (levels, {}), "alignments": (list[Alignment], [])}
    shared_attrs |= {"alignments": "alignments"}
    return _entry("Skill", fields | link, attrs, base=_SkillEntry, shared_attrs=shared_attrs)


ENTRIES = {
    section.key: _skill_entry()
    if section is registry.SKILLS
    else _offering_entry(section)
    if section.offering
    else _section_entry(section)
    for section in registry.SECTIONS
}

AiImpact = _entry(
    "AiImpact",
    *_fields(
        m.Role,
        only=["ai_impact_score", "ai_impact_label", "ai_impact_outlook"],
        keys={"ai_impact_score": "score", "ai_impact_label": "label", "ai_impact_outlook": "outlook"},
        types={"ai_impact_score": (Annotated[int, p.Field(ge=0, le=100)], None)},
    ),
)
FieldSources = p.create_model(
    "FieldSources", __base__=Entry, **dict.fromkeys(m.RoleFieldSource.Field.values, (SourceKeys, []))
)
_role_fields, _role_attrs = _fields(
    m.Role,
    keys={"is_published": "published", "is_featured": "featured", "is_entry_level": "entry_level"}
    | {"ai_impact_score": "ai_impact"},
    exclude=["ai_impact_label", "ai_impact_outlook", "draft_of"],
    types={
        "family": (type_of(m.Family, "name"), ...),  # by name
        "is_published": (bool, True),
        "ai_impact_score": (AiImpact, p.Field(default_factory=AiImpact)),
    },
)


class _Role(Entry):
    _filename: str = p.PrivateAttr("")

    @property
    def filename(self):
        return self._filename

    def digest(self):
        """A hash of what the file says: its checked content, not its formatting, comments, key order or
        the defaults it spells out (so an exported role imports as unchanged)."""
        data = self.model_dump(mode="json", context={"hashing": True})
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def values(self):
        values = {attr: getattr(self, key) for key, attr in self.attrs.items() if key not in ("family", "ai_impact")}
        return values | self.ai_impact.values()


_lists = {
    key: (Annotated[list[entry], p.Field(min_length=int(key == "skills"))], [] if key != "skills" else ...)
    for key, entry in ENTRIES.items()
}
RoleFile = _entry(
    "RoleFile",
    {key: _role_fields[key] for key in ("slug", "title")}  # first, then in the model's order
    | _role_fields
    | {"field_sources": (FieldSources, p.Field(default_factory=FieldSources))}
    | _lists,
    _role_attrs,
    base=_Role,
)

# --- pydantic's errors as problem lines -------------------------------------------------------------

_PLAINER = {  # pydantic's words where they name its own types
    "model_type": "Input should be a mapping of fields",
    "is_instance_of": "Input should be a number",  # a decimal (a skill's weight) given as text
}


def _where(loc):
    """`skills[0].levels.6` for pydantic's ("skills", 0, "levels", "6", "[key]")."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc if part != "[key]").lstrip(".")


def _entry_class(annotation):
    if isinstance(annotation, type) and issubclass(annotation, p.BaseModel):
        return annotation
    return next((found for arg in get_args(annotation) if (found := _entry_class(arg))), None)


def _unknown_field(loc):
    entry = RoleFile
    for part in (part for part in loc[:-1] if isinstance(part, str)):
        entry = _entry_class(entry.model_fields[part].annotation)
    hint = difflib.get_close_matches(str(loc[-1]), [*entry.model_fields, *entry.aliases], n=1)
    return "unknown field" + (f"; did you mean {hint[0]!r}?" if hint else "")


def problems(filename, error):
    """Problem lines for a pydantic ValidationError of a RoleFile: pydantic's and the model fields'
    messages, with the value where its type is wrong (YAML reads `yes` as true, `2024` as a number)."""
    lines = []
    for found in error.errors(include_url=False):
        kind, message = found["type"], _PLAINER.get(found["type"], found["msg"]).removeprefix("Value error, ")
        if kind == "extra_forbidden":
            message = _unknown_field(found["loc"])
        elif kind.endswith("_type") or kind in _PLAINER:
            message += f", got {_short(found['input'])}"
        lines.append(problem(filename, _where(found["loc"]), message))
    return lines
