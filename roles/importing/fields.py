"""The field types the role-file format is described with: each parses and checks one value."""

import datetime
import difflib
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..levels import MAX_LEVEL, MIN_TARGET
from ..models import (
    Family,
    Role,
    RoleFieldSource,
    Skill,
    Source,
    TransitionArtifact,
)
from .problems import CURRENCY_RE, DATE_RE, SLUG_RE, Invalid, _got, _join, _short

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
