"""A stored role back in the role-file format, and its YAML and JSON."""

import json

import yaml

from ..models import (
    DEFAULT_WEIGHTS,
    Role,
    SkillKind,
)
from .schema import CERTIFICATION, COURSE, OFFERING_LINK, ROLE, ROLE_FIELDS, SECTIONS

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
