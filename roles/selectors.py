"""Reads of the editorial workflow: a guide's file data, what a draft changes, what changed since a
revision (roles/diffing.py compares; this module loads)."""

import json

from . import registry
from .diffing import diff_guides
from .importing import dump_role, to_json
from .models import DEFAULT_WEIGHTS, RoleRevision

SECTION_TITLES = {section.key: section.title for section in registry.SECTIONS if section is not registry.SKILLS}


def file_data(role):
    """The role as file data that JSON can hold (dates as ISO strings), as a revision keeps it."""
    return json.loads(to_json(dump_role(role)))


def as_guide(data, *, draft_slug, slug):
    """A draft's file data as its guide's: the guide's slug, and the guide wherever the draft
    names itself (the ladder's rung "this role")."""
    data = {**data, "slug": slug}
    for section in registry.SECTIONS:
        keys = [section.file_keys.get(name, name) for name in section.role_links]
        data[section.key] = [
            {k: (slug if k in keys and v == draft_slug else v) for k, v in entry.items()}
            if isinstance(entry, dict)
            else entry
            for entry in data.get(section.key, [])
        ]
    return {key: value for key, value in data.items() if value != []}


def guide_diff(old, new, *, editors=False):
    """diffing.GuideDiff from file data `old` to `new`."""
    weights = {str(kind): float(weight) for kind, weight in DEFAULT_WEIGHTS.items()}
    return diff_guides(old, new, sections=SECTION_TITLES, default_weights=weights, editors=editors)


def draft_diff(draft):
    """What publishing `draft` would change in its guide (editor-only fields included)."""
    guide_data = file_data(draft.draft_of)
    draft_data = as_guide(file_data(draft), draft_slug=draft.slug, slug=draft.draft_of.slug)
    for data in (guide_data, draft_data):  # a draft is unpublished until it is published: not a change
        data.pop("published", None)
    return guide_diff(guide_data, draft_data, editors=True)


def changed_since(role, when):
    """The number of the revision of `role` that was in force at `when`, if the guide has been
    published again since (else None). Before its first revision a guide counts as revision 1,
    the guide as it was before its first reviewed edit."""
    revisions = sorted(RoleRevision.objects.filter(guide=role).values_list("number", "published_at"))
    if not revisions or when is None or revisions[-1][1] <= when:
        return None
    before = [number for number, at in revisions if at <= when]
    since = before[-1] if before else revisions[0][0]
    return since if since != revisions[-1][0] else None


def changes_since(role, number):
    """(revision `number`, the latest revision, the reader's diff between them); DoesNotExist if
    the guide has no such revision."""
    since = RoleRevision.objects.get(guide=role, number=number)
    latest = RoleRevision.objects.filter(guide=role).order_by("-number").first()
    return since, latest, guide_diff(since.data, latest.data)
