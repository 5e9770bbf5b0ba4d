"""The role-file format (docs/role-format.md) as pydantic models, derived from the content models and
the sections of roles/registry.py: a value is read as the model field it fills (type, length,
choices, range, default, validators, whether it is required), so a new field is in the format with
no change here (roles/tests/test_registry.py fails when one is neither read nor left out). Written
here is what a model cannot say: the names files use, a skill's `levels`, what an offering teaches,
`field_sources`, and what files leave out. Types are strict (text is never read as a number, nor a
number as true), and `problems` words pydantic's errors as problem lines."""

import datetime
import difflib
import enum
import hashlib
import json
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, get_args

import pydantic as p
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.text import slugify
from pydantic_core import PydanticCustomError

from .. import alignments as alignment_shapes
from .. import models as m
from .. import registry
from .parsing import _got, _short, problem

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


def _invalid(message):
    """The error of a value that does not fit, saying why (pydantic's message template is just it)."""
    return PydanticCustomError("invalid", "{message}", {"message": message})


def _rule(base, test, message):
    """`base` values that pass `test`; `message(value)` says what is wrong with one that does not."""

    def check(value):
        if not test(value):
            raise _invalid(message(value))
        return value

    return Annotated[base, p.AfterValidator(check)]


def _text(max_length=None, required=False, validators=()):
    def check(value):
        value = value.strip()
        if "\x00" in value:
            raise _invalid("contains a NUL character (\\x00), which the database cannot store")
        if max_length and len(value) > max_length:
            raise _invalid(f"is {len(value)} characters long; the most is {max_length}")
        if required and not value:
            raise _invalid("is required and may not be empty")
        try:
            for validate in validators if value else ():
                validate(value)
        except DjangoValidationError as error:
            raise _invalid(error.messages[0]) from None
        return value

    return Annotated[p.StrictStr, p.AfterValidator(check)]


def _slug(max_length):
    not_slug = "{} is not a slug (lowercase letters, digits, hyphens, underscores)"
    slug = re.compile(r"[a-z0-9][a-z0-9_-]*\Z").match
    return _rule(_text(max_length, required=True), slug, lambda value: not_slug.format(_short(value)))


def _between(low, high):
    return _rule(p.StrictInt, lambda v: low <= v <= high, lambda v: f"{_short(v)} is not between {low} and {high}")


def _choice(values):
    return _rule(Any, lambda v: v in values, lambda v: f"{_short(v)} is not one of: {', '.join(map(str, values))}")


def _date(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not (isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}\Z", value.strip())):
        raise _invalid(f"expected a date written YYYY-MM-DD, got {_got(value)}")
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise _invalid(f"{_short(value)} is not a real date") from None


def _decimal(places, largest):
    """A positive number with at most `places` decimal places, below `largest` (a skill's weight)."""

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(f"expected a positive number, got {_got(value)}")
        number = Decimal(str(value))
        if not number.is_finite() or number <= 0:
            raise _invalid(f"{_short(value)} is not a positive number")
        if number.as_tuple().exponent < -places:
            raise _invalid(f"{value} has more than {places} decimal places")
        if number >= largest:
            raise _invalid(f"{_short(value)} is too large (at most {largest - Decimal(10) ** -places})")
        return number

    return Annotated[Any, p.AfterValidator(check)]


def _hashed_sorted(key=None):
    """Serialise a list sorted when hashing (`digest`): it is a set, whose order a file may change."""
    return p.WrapSerializer(
        lambda items, dump, info: sorted(dump(items), key=key) if (info.context or {}).get("hashing") else dump(items)
    )


SourceKeys = Annotated[list[_slug(m.Source._meta.get_field("key").max_length)], _hashed_sorted()]


def field_type(field, required=None):
    """(pydantic type, default or `...` when required) for reading a model field from a file."""
    required = (not field.blank and not field.has_default()) if required is None else required
    default = ... if required else field.get_default() if field.has_default() else None if field.null else ""
    default = default.value if isinstance(default, enum.Enum) else default  # a choice, as files write it
    if field.many_to_many and field.related_model is m.Source:
        return SourceKeys, []
    if field.many_to_one:  # another role, or a skill of this role, by slug
        return _slug(field.related_model._meta.get_field("slug").max_length), default
    if field.choices:
        values = [value for value, _label in field.choices]
        contiguous = all(isinstance(v, int) for v in values) and values == list(range(min(values), max(values) + 1))
        return (_between(min(values), max(values)) if contiguous else _choice(values)), default
    url = URLValidator(schemes=["http", "https"], message="%(value)r is not a valid http(s) URL")
    types = {
        models.BooleanField: lambda: p.StrictBool,
        models.DateField: lambda: Annotated[Any, p.AfterValidator(_date)],
        models.DecimalField: lambda: _decimal(
            field.decimal_places, Decimal(10) ** (field.max_digits - field.decimal_places)
        ),
        models.IntegerField: lambda: _between(*BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]),
        models.SlugField: lambda: _slug(field.max_length),
        models.URLField: lambda: _text(field.max_length, required, [url]),
        models.CharField | models.TextField: lambda: _text(field.max_length, required, field.validators),
    }
    for kind, make in types.items():
        if isinstance(field, kind):
            return make(), default
    raise TypeError(f"the role-file format has no type for {field!r}")


class Entry(p.BaseModel):
    """A mapping of a role file. `attrs`: its keys' model attributes; an entry may be just the text of
    `shorthand`; `aliases` are other keys for a field; `text_hint` says what to give instead of text."""

    model_config = p.ConfigDict(extra="forbid")
    attrs: ClassVar[dict] = {}
    shorthand: ClassVar[str | None] = None
    aliases: ClassVar[dict] = {}
    text_hint: ClassVar[str | None] = None

    @p.model_validator(mode="before")
    @classmethod
    def _given(cls, data):
        if isinstance(data, str) and cls.shorthand:
            data = {cls.shorthand: data}
        elif isinstance(data, str) and cls.text_hint:
            raise _invalid(cls.text_hint.format(data[:60]))
        if not isinstance(data, dict):
            return data
        data = {str(key): value for key, value in data.items() if value is not None}  # `key:` alone is not given
        for alias, key in cls.aliases.items():
            if alias in data and key in data:
                raise _invalid(f"give {key!r} or {alias!r}, not both")
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
            raise _invalid(f"cannot make a slug from {_short(getattr(self, self.name_key))}; give one")
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
    taught.text_hint = "give the skill and the level the offering reaches: {{skill: {0}, level: 1-5}}"
    fields = shared | {"skills": (Annotated[list[taught], _hashed_sorted(lambda link: link["skill"])], [])} | link
    class_vars = {"shared_attrs": shared_attrs, "name_key": offering.name, "aliases": offering.aliases}
    return _entry(f"{name}Entry", fields, attrs, base=SharedEntry, taught=taught, **class_vars)


def _section_entry(section):
    children = {}  # listed as their text: `artifacts: [text, ...]`
    for child in section.children:
        text = section.model._meta.get_field(child).related_model._meta.get_field("text")
        children[child] = (list[_text(text.max_length, required=True)], [])
    fields, attrs = _fields(section.model, keys=section.file_keys, extra=children)
    return _entry(f"{section.model.__name__}Entry", fields, attrs, shorthand=section.shorthand)


class Alignment(Entry):
    """A skill's alignment (docs/role-format.md, "Alignments"): the framework, a code and/or a URI, and
    the key of the source that says the match is exact. Shapes checked by roles/alignments.py."""

    framework: _text(10, required=True)
    framework_name: _text(80) = ""
    code: _text(80) = ""
    uri: _text(300) = ""
    source: _text(60) = ""

    @p.model_validator(mode="after")
    def _shape(self):
        found = alignment_shapes.problems(self.framework, name=self.framework_name, code=self.code, uri=self.uri)
        if found:
            raise _invalid("; ".join(f"{field}: {message}" for field, message in found.items()))
        return self


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
    level = _rule(str, lambda key: key in {"1", "2", "3", "4", "5"}, lambda key: "not a level; levels are 1 to 5")
    fields = shared | {"levels": (Annotated[dict[level, _text()], as_text], {}), "alignments": (list[Alignment], [])}
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
        types={"ai_impact_score": (_between(0, 100), None)},
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
        "family": (_text(m.Family._meta.get_field("name").max_length, required=True), ...),  # by name
        "is_published": (p.StrictBool, True),
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

_MESSAGES = {  # pydantic's errors in the words of role files ({} is the value)
    "missing": "is required",
    "too_short": "is required and may not be empty",
    "string_type": "expected text, got {}",
    "int_type": "expected a whole number, got {}",
    "bool_type": "expected true or false, got {}",
    "list_type": "expected a list, got {}",
    "model_type": "expected a mapping of fields, got {}",
    "dict_type": "expected a mapping, got {}",
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
    """Problem lines for a pydantic ValidationError of a RoleFile."""
    lines = []
    for found in error.errors(include_url=False):
        kind, value = found["type"], found.get("input")
        message = _MESSAGES[kind].format(_got(value)) if kind in _MESSAGES else found["msg"]
        if kind == "extra_forbidden":
            message = _unknown_field(found["loc"])
        elif kind == "string_type" and not isinstance(value, list | dict):
            message += " (quote it to make it text)"
        lines.append(problem(filename, _where(found["loc"]), message))
    return lines
