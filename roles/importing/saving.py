"""Saving checked role files in one transaction, touching only rows that differ."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import revision
from ..models import (
    Certification,
    Course,
    Family,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    Skill,
    Source,
    TransitionArtifact,
    TransitionPath,
)
from ..sources import ensure_shipped
from .fields import RoleRef, SkillRef, Texts
from .schema import SECTIONS

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
