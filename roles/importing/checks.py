"""Checks beyond one value: within a file (what the models' constraints would refuse, less kindly),
between the files of a run, and against the database."""

from django.db import models
from django.utils.text import slugify

from .. import models as m
from .. import registry
from ..sources import ensure_shipped
from .parsing import _short


def entries(role, section):
    """(where, entry) for each entry of a section of a role file: ("skills[3]", entry)."""
    return ((f"{section.key}[{index}]", entry) for index, entry in enumerate(getattr(role, section.key)))


def _named(section, entry, field):
    """(file key, value) of an entry's field; the row's own skill or offering is the entry itself, by slug."""
    if field not in entry.attrs.values():
        return field, entry.slug
    key = section.file_keys.get(field, field)
    return key, getattr(entry, key)


def _rules(section):
    """What the section model's constraints keep: [fields unique per role], [(low, high)] from `Q(low__lte=F(high))`."""
    unique, ordered = [], []
    for constraint in section.model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            unique.append([name for name in constraint.fields if name != "role"])
        for lte, high in constraint.condition.children if isinstance(constraint, models.CheckConstraint) else ():
            if lte.endswith("__lte") and isinstance(high, models.F):
                ordered.append((lte.removesuffix("__lte"), high.name))
    return unique, ordered


def within_file(role):
    """(where, message) for items listed twice, skills the role lacks, values out of order, sources cited twice."""
    skills, first = {entry.slug for entry in role.skills}, {}
    for section in registry.SECTIONS:
        unique, ordered = _rules(section)
        refs = [name for name in section.relations if section.model._meta.get_field(name).related_model is m.Skill]
        for where, entry in entries(role, section):
            for fields in unique:
                named = [_named(section, entry, field) for field in fields]
                if (at := first.setdefault((section.key, *named), where)) != where:
                    yield where, f"{', '.join(f'{k} {_short(v)}' for k, v in named)} is listed twice (first at {at})"
            for low, high in ordered:
                if getattr(entry, low) > getattr(entry, high):
                    yield where, f"{low} {getattr(entry, low)} is more than {high} {getattr(entry, high)}"
            for key, slug in (_named(section, entry, name) for name in refs):
                if slug and slug not in skills and key in entry.attrs:
                    yield f"{where}.{key}", f"{slug!r} is not one of this role's skills"
            for position, link in enumerate(entry.skills if section.offering else ()):
                here = f"{where}.skills[{position}]"
                at = first.setdefault((where, link.skill), here)
                if link.skill not in skills:
                    yield f"{here}.skill", f"{link.skill!r} is not one of this role's skills"
                elif at != here:
                    yield f"{here}.skill", f"{link.skill!r} is listed twice (first at {at})"
    for where, key in citations(role):
        if first.setdefault((where.rsplit("[", 1)[0], key), where) != where:
            yield where, f"source {key!r} is listed twice"


def citations(role):
    """(where, source key) for every source the file cites."""
    for fact, keys in role.field_sources:
        yield from ((f"field_sources.{fact}[{index}]", key) for index, key in enumerate(keys))
    for section in registry.SECTIONS:
        for where, entry in entries(role, section):
            yield from ((f"{where}.sources[{index}]", key) for index, key in enumerate(entry.sources))
    for where, entry in entries(role, registry.SKILLS):
        for index, alignment in enumerate(entry.alignments):
            if alignment.source:
                yield f"{where}.alignments[{index}].source", alignment.source


def role_refs(role):
    """(where, role slug) for every reference to another role."""
    for section in registry.SECTIONS:
        keys = [section.file_keys.get(name, name) for name in section.role_links]
        for where, entry in entries(role, section):
            yield from ((f"{where}.{key}", getattr(entry, key)) for key in keys if getattr(entry, key))


def shared(files):
    """(role file, where, noun, entry) for each skill, course, certification... of the files (once per file)."""
    for role in files:
        for section in registry.SECTIONS:
            if section is registry.SKILLS or section.offering:
                noun = "skill" if section is registry.SKILLS else section.offering.model._meta.verbose_name
                first = {}
                yield from ((role, w, noun, e) for w, e in entries(role, section) if first.setdefault(e.slug, w) == w)


def _given(entry, noun):
    """(file key, what, value) for what a file says of a shared row: its fields, and the level it teaches each skill to."""
    keys = {attr: key for key, attr in entry.shared_attrs.items()}
    yield from ((keys.get(attr, f"levels.{attr[-1]}"), attr, value) for attr, value in entry.shared().items())
    taught = {}
    for position, link in enumerate(entry.skills if noun != "skill" else ()):
        if taught.setdefault(link.skill, position) == position:
            yield f"skills[{position}].level", ("level", link.skill), link.level


def across_files(files):
    """(file, where, message) for a role given twice, a shared row described differently, one name for two
    skills or one slug for two families."""
    first = {}
    for role in files:
        if (seen_in := first.setdefault(("role", role.slug), role.filename)) != role.filename:
            yield role.filename, "slug", f"role {role.slug!r} is also in {seen_in}"
        slug = slugify(role.family)
        if not slug:
            yield role.filename, "family", f"cannot make a slug from {role.family!r}"
        elif (name := first.setdefault(("family", slug), (role.family, role.filename)))[0] != role.family:
            message = f"{role.family!r} and {name[0]!r} (in {name[1]}) would both get the slug {slug!r}"
            yield role.filename, "family", message
    for role, where, noun, entry in shared(files):
        for key, what, value in _given(entry, noun):
            seen, seen_in = first.setdefault((noun, entry.slug, what), (value, role.filename))
            if seen != value:
                of = f"{noun} {entry.slug!r}" + (f" and skill {what[1]!r}" if what[0] == "level" else "")
                message = f"{_short(value)} differs from {_short(seen)} given for {of} in {seen_in}"
                yield role.filename, f"{where}.{key}", message
        if noun == "skill" and "name" in entry.model_fields_set:
            slug, named_in, named_at = first.setdefault(("name", entry.name), (entry.slug, role.filename, where))
            if slug != entry.slug:
                there = f"({named_at})" if named_in == role.filename else f"in {named_in}"
                yield role.filename, f"{where}.name", f"{entry.name!r} is also the name of skill {slug!r} {there}"


def against_database(files):
    """(file, where, message) for unknown roles and sources, and skill and family names already taken."""
    referenced = {slug for role in files for _where, slug in role_refs(role)}
    roles = {role.slug for role in files} | set(
        m.Role.objects.filter(slug__in=referenced).values_list("slug", flat=True)
    )
    ensure_shipped(m.Source)
    sources = set(m.Source.objects.values_list("key", flat=True))
    for role in files:
        for where, slug in role_refs(role):
            if slug not in roles:
                yield role.filename, where, f"no role {slug!r} in this run or in the database"
        for where, key in citations(role):
            if key not in sources:
                yield role.filename, where, f"no source {key!r}; known sources: {', '.join(sorted(sources))}"
    skills = [(role, where, entry) for role, where, noun, entry in shared(files) if noun == "skill"]
    named = {entry.name: (role.filename, f"{where}.name") for role, where, entry in skills}
    taken = m.Skill.objects.filter(name__in=named).exclude(slug__in=[entry.slug for _r, _w, entry in skills])
    for slug, name in taken.values_list("slug", "name"):
        yield *named[name], f"{name!r} is already the name of skill {slug!r}"
    new = {role.family for role in files} - set(m.Family.objects.values_list("name", flat=True))
    taken = dict(m.Family.objects.filter(slug__in=[slugify(family) for family in new]).values_list("slug", "name"))
    for role in (role for role in files if role.family in new and slugify(role.family) in taken):
        slug = slugify(role.family)
        yield (
            role.filename,
            "family",
            f"{role.family!r} would get the slug {slug!r}, which family {taken[slug]!r} already has",
        )
