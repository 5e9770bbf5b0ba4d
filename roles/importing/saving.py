"""Saving checked role files in one transaction.

A role keeps the hash of the file it was last imported from (`Role.import_hash`, `RoleFile.digest`):
a file with that hash is skipped whole, so importing unchanged files writes nothing. Any other file
is written whole: the role's own fields, then every section's rows replaced (skills are updated in
place, so their ids stay). Rows shared between roles (families, skills, courses...) are created, or
updated where a file gives other values, and never deleted. Each write moves the content revision by
itself (model signals and ContentQuerySet)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from .. import models as m
from .. import registry
from .checks import role_refs
from .export import alignment

# The rows shared between roles that files describe, by the plural a summary names them with.
SHARED = {
    "skills": m.Skill,
    **{section.key: section.offering.model for section in registry.SECTIONS if section.offering},
}


@dataclass
class ImportCounts:
    """What a run did, per kind of row: {"created": n, "updated": n, "unchanged": n}."""

    roles: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    shared: dict = field(default_factory=lambda: {plural: Counter() for plural in SHARED})

    def __str__(self):
        def part(singular, plural, counts, states=("created", "updated", "unchanged")):
            detail = ", ".join(f"{counts[state]} {state}" for state in states)
            return f"{counts.total()} {singular if counts.total() == 1 else plural} ({detail})"

        shared = [part(model._meta.verbose_name, plural, self.shared[plural]) for plural, model in SHARED.items()]
        families = part("family", "families", self.families, ("created",))
        return f"Imported {', '.join([part('role', 'roles', self.roles), *shared, families])}."


def _changed(states, slug):
    states[slug] = "created" if states.get(slug) == "created" else "updated"


@transaction.atomic
def save_role_files(files, *, force=False):
    """Save checked role files: those whose hash differs from the stored one (each one with `force`)."""
    stored = dict(m.Role.objects.filter(slug__in=[role.slug for role in files]).values_list("slug", "import_hash"))
    changed = [role for role in files if force or stored.get(role.slug) != role.digest()]
    counts, ids, states = ImportCounts(), {}, {}
    families = m.Family.objects.in_bulk({role.family for role in files}, field_name="name")
    for name in dict.fromkeys(role.family for role in files):
        counts.families["unchanged" if name in families else "created"] += 1
        families[name] = families.get(name) or m.Family.objects.create(name=name, slug=slugify(name))
    for plural, model in SHARED.items():
        merged = defaultdict(dict)  # slug → the shared fields the files give (they agree: checks.across_files)
        for entry in (entry for role in changed for entry in getattr(role, plural)):
            merged[entry.slug] |= {k: v for k, v in entry.shared().items() if k != "alignments"}
        ids[model], states[model] = _upsert(model, merged)
    roles = {role.slug: _save_role(role, families[role.family], counts.roles) for role in changed}
    counts.roles["unchanged"] += len(files) - len(changed)
    referenced = {slug for role in changed for _where, slug in role_refs(role)} | set(roles)
    ids[m.Role] = dict(m.Role.objects.filter(slug__in=referenced).values_list("slug", "pk"))
    ids[m.Source] = dict(m.Source.objects.values_list("key", "pk"))
    _save_alignments(changed, ids, states[m.Skill])
    _save_rows(changed, list(roles.values()), ids)
    for section in (section for section in registry.SECTIONS if section.offering):
        for slug in _save_taught(changed, section, ids):
            _changed(states[section.offering.model], slug)
    for plural, model in SHARED.items():
        slugs = {entry.slug for role in files for entry in getattr(role, plural)}
        counts.shared[plural].update(states[model].get(slug, "unchanged") for slug in slugs)
    return counts


def _upsert(model, merged):
    """Create shared rows ({slug: {attr: value}}) or update the fields that differ: ({slug: id}, {slug: state})."""
    rows, states = model.objects.in_bulk(list(merged), field_name="slug"), {}
    for slug, values in merged.items():
        row = rows.get(slug)
        changed = [attr for attr, value in values.items() if row is not None and getattr(row, attr) != value]
        if row is None:
            rows[slug] = model.objects.create(**values)
        for attr in changed:
            setattr(row, attr, values[attr])
        if changed:
            row.save(update_fields=changed)
        states[slug] = "created" if row is None else "updated" if changed else "unchanged"
    return {slug: row.pk for slug, row in rows.items()}, states


def _save_role(role, family, counts):
    """Create or overwrite a role's own fields, with its file's hash: the role's id."""
    values = role.values() | {"family": family, "import_hash": role.digest()}
    row, created = m.Role.objects.get_or_create(slug=role.slug, defaults=values)
    if not created:  # (not update_or_create: its savepoint costs two queries a role)
        for attr, value in values.items():
            setattr(row, attr, value)
        row.save()
    counts["created" if created else "updated"] += 1
    return row.pk


def _save_alignments(files, ids, states):
    """Replace the alignments of each skill whose entry gives `alignments` (the files agree:
    checks.across_files); a skill whose entries give none keeps the ones it has."""
    given = {ids[m.Skill][e.slug]: e for role in files for e in role.skills if "alignments" in e.model_fields_set}
    stored = defaultdict(list)
    for row in m.SkillAlignment.objects.filter(skill_id__in=given).select_related("source"):
        stored[row.skill_id].append(alignment(row).model_dump())
    for skill_id, entry in given.items():
        wanted = [alignment.model_dump() for alignment in entry.alignments]
        if wanted == stored[skill_id]:
            continue
        m.SkillAlignment.objects.filter(skill_id=skill_id).delete()
        m.SkillAlignment.objects.bulk_create(
            m.SkillAlignment(skill_id=skill_id, order=order, source_id=ids[m.Source].get(a.pop("source")), **a)
            for order, a in enumerate(wanted)
        )
        _changed(states, entry.slug)


def _row(section, entry, role_id, order, ids):
    """An unsaved row of `section` for a file's entry; references by slug become ids."""
    values = {attr: value for attr, value in entry.values().items() if attr != "sources"}
    for name in section.relations:
        related = section.model._meta.get_field(name).related_model
        slug = values.pop(name) if name in values else entry.slug  # else the row's own skill or offering
        values[f"{name}_id"] = ids[related][slug] if slug else None
    return section.model(role_id=role_id, order=order, **values)


def _save_rows(files, role_ids, ids):
    """Replace the rows of every section of the roles, with their citations and children."""
    for section in registry.SECTIONS:
        given = [
            (role_id, order, entry)
            for role, role_id in zip(files, role_ids, strict=True)
            for order, entry in enumerate(getattr(role, section.key))
        ]
        rows = [_row(section, entry, role_id, order, ids) for role_id, order, entry in given]
        through, fk = section.model.sources.through, f"{section.model._meta.model_name}_id"
        if section is registry.SKILLS:  # updated in place: the same skill keeps its row
            kept = [f.name for f in section.model._meta.concrete_fields if f.name not in ("id", "role", "skill")]
            rows = section.model.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["role", "skill"], update_fields=kept
            )
            section.model.objects.filter(role__in=role_ids).exclude(pk__in=[row.pk for row in rows]).delete()
            through.objects.filter(**{f"{fk}__in": [row.pk for row in rows]}).delete()
        else:
            section.model.objects.filter(role__in=role_ids).delete()
            rows = section.model.objects.bulk_create(rows)
        entries = [(row, entry) for row, (_role, _order, entry) in zip(rows, given, strict=True)]
        through.objects.bulk_create(
            through(**{fk: row.pk}, source_id=ids[m.Source][key]) for row, entry in entries for key in entry.sources
        )
        for child in registry.CHILD_ROWS.get(section.model, ()):
            parent = registry.parent_field(child, section.model)
            texts = child._meta.get_field(parent).remote_field.related_name
            child.objects.bulk_create(
                child(**{parent: row}, text=text, order=order)
                for row, entry in entries
                for order, text in enumerate(getattr(entry, texts))
            )
    m.RoleFieldSource.objects.filter(role__in=role_ids).delete()
    m.RoleFieldSource.objects.bulk_create(
        m.RoleFieldSource(role_id=role_id, field=fact, source_id=ids[m.Source][key])
        for role, role_id in zip(files, role_ids, strict=True)
        for fact, keys in role.field_sources
        for key in keys
    )


def _save_taught(files, section, ids):
    """Link a section's offerings to the skills they teach, at the level each reaches, as far as each
    file speaks: for each skill of its role, an offering teaches it if and only if the file lists it
    (if several files list the offering, a skill any of them lists is taught); links to skills no file
    of the run has are left alone. The slugs of the offerings whose links changed."""
    offering = section.offering
    fk, offering_ids = f"{offering.link_field}_id", ids[offering.model]
    wanted = {}  # (offering id, skill id) → (level, order), or None where it is not taught
    for role in files:
        for entry in getattr(role, section.key):
            taught = {link.skill: (link.level, order) for order, link in enumerate(entry.skills)}
            for skill in role.skills:
                key = (offering_ids[entry.slug], ids[m.Skill][skill.slug])
                wanted[key] = taught.get(skill.slug) or wanted.get(key)
    links = offering.skill_links.objects.filter(**{f"{fk}__in": {pk for pk, _skill in wanted}})
    stored = {(getattr(link, fk), link.skill_id): link for link in links}
    changed = [
        key for key, taught in wanted.items() if (taught or (None,))[0] != getattr(stored.get(key), "level", None)
    ]
    offering.skill_links.objects.filter(pk__in=[stored[key].pk for key in changed if key in stored]).delete()
    offering.skill_links.objects.bulk_create(  # a new level is a new link, with the file's order
        offering.skill_links(**{fk: pk}, skill_id=skill, level=wanted[pk, skill][0], order=wanted[pk, skill][1])
        for pk, skill in changed
        if wanted[pk, skill]
    )
    return {slug for slug, pk in offering_ids.items() if pk in {pk for pk, _skill in changed}}
