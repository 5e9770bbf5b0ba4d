"""Reading and checking role files (no database), then the checks that need the database."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.text import slugify

from ..models import (
    DEFAULT_WEIGHTS,
    Family,
    Role,
    Skill,
    SkillKind,
    Source,
)
from ..sources import ensure_shipped
from .fields import RoleRef, SkillRef
from .problems import SUFFIXES, Problems, RoleFileError, _got, _join, _short
from .saving import save_role_files
from .schema import AI_IMPACT, OFFERING_LINK, ROLE, ROLE_FIELDS, SECTIONS, SKILL, SKILL_LINK, SKILL_SHARED

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
