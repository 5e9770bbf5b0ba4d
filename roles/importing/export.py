"""A stored role back in the role-file format, and its YAML and JSON: the role's values put into the
schema's models and dumped by them, so the keys, their order and what may be left out (empty values
and defaults) are the format's own."""

import json
from collections import defaultdict

import yaml
from django.db.models import Model, Prefetch

from .. import models as m
from .. import registry
from .schema import ENTRIES, AiImpact, Alignment, FieldSources, RoleFile


def dump_role(role):
    """The role as file data (a dict in the format's key order); importing it back changes nothing."""
    lookups = [Prefetch("field_sources", queryset=m.RoleFieldSource.objects.select_related("source"))]
    for section in registry.SECTIONS:
        lookups += registry.prefetches(section)
        if section is registry.SKILLS:
            alignments = m.SkillAlignment.objects.select_related("source")
            lookups.append(Prefetch(f"{section.related_name}__skill__alignments", queryset=alignments))
        if section.offering:
            lookups.append(f"{section.related_name}__{section.offering.link_field}__skill_links__skill")
    role = m.Role.objects.select_related("family").prefetch_related(*lookups).get(pk=role.pk)
    skills = [rs.skill.slug for rs in role.role_skills.all()]
    cited = defaultdict(list)
    for row in role.field_sources.all():
        cited[row.field].append(row.source.key)
    values = _values(RoleFile.attrs, role) | {
        "family": role.family.name,
        "ai_impact": AiImpact.model_construct(**_values(AiImpact.attrs, role)),
    }
    values["field_sources"] = FieldSources.model_construct(**cited)
    for section in registry.SECTIONS:
        values[section.key] = [
            _section_entry(section, row, skills) for row in getattr(role, section.related_name).all()
        ]
    data = RoleFile.model_construct(**values).model_dump(exclude_defaults=True)
    for skill in data.get("skills", []):  # levels 1-5 and weights are numbers
        if "levels" in skill:
            skill["levels"] = {int(level): text for level, text in skill["levels"].items()}
        if "weight" in skill:
            skill["weight"] = int(skill["weight"]) if skill["weight"] % 1 == 0 else float(skill["weight"])
    for section in registry.SECTIONS:  # an entry that is only its shorthand field is written as its text
        shorthand = ENTRIES[section.key].shorthand
        data[section.key] = [
            item.get(shorthand) if list(item) == [shorthand] else item for item in data.get(section.key, [])
        ]
    return {key: value for key, value in data.items() if value not in ([], {})}


def _values(attrs, row):
    """{file key: value} of a row's attributes: references by slug, sources by key."""
    values = {}
    for key, attr in attrs.items():
        value = getattr(row, attr)
        if attr == "sources":
            value = [source.key for source in value.all()]
        elif isinstance(value, Model):
            value = value.key if isinstance(value, m.Source) else value.slug
        values[key] = value
    return values


def _section_entry(section, row, skills):
    entry = ENTRIES[section.key]
    values = _values(entry.attrs, row) | {
        child: [item.text for item in getattr(row, child).all()] for child in section.children
    }
    if section is registry.SKILLS:
        values |= _values({k: a for k, a in entry.shared_attrs.items() if k != "alignments"}, row.skill) | {
            "levels": {str(n): t for n, t in row.skill.descriptors.items()},
            "alignments": [alignment(a) for a in row.skill.alignments.all()],
        }
        values["weight"] = None if row.weight == m.DEFAULT_WEIGHTS[m.SkillKind(row.kind)] else row.weight
    if section.offering:
        offering = getattr(row, section.offering.link_field)
        levels = {link.skill.slug: link.level for link in offering.skill_links.all()}
        values |= _values(entry.shared_attrs, offering)
        values["skills"] = [
            entry.taught.model_construct(skill=slug, level=levels[slug]) for slug in skills if slug in levels
        ]
    return entry.model_construct(**values)


def alignment(row):
    """A SkillAlignment row as a skill's `alignments` entry (the fields it gives)."""
    return Alignment.model_construct(**{key: value for key, value in _values(Alignment.attrs, row).items() if value})


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
