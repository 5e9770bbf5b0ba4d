"""Writes that touch several rows of a role guide: duplicating a role, and the editorial workflow
(docs/editing.md): a published guide is edited in a draft, which someone with the publish
permission publishes; every publication is kept as a `RoleRevision`, and a guide can be rolled back
to one. Publishing and rolling back write through the role-file importer, so they obey every rule
a role file does and change nothing when something is wrong."""

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from .importing import save_role_data
from .models import CareerMove, LadderLevel, Role, RoleRevision, TransitionPath
from .registry import CHILD_ROWS, ROLE_ROWS
from .selectors import as_guide, file_data


class EditorialError(Exception):
    """A workflow step that does not apply (publishing a published guide, a draft of a draft)."""


# Foreign keys to a role other than `role`: a reference to the original becomes a reference to the copy
# (the ladder rung "this role" stays "this role").
_OTHER_ROLE_FIELDS = {CareerMove: "to_role", LadderLevel: "rung_role", TransitionPath: "from_role"}


def _as_new(obj):
    obj.pk = None
    obj._state.adding = True
    return obj


def _fresh(obj, *, original, copy):
    other = _OTHER_ROLE_FIELDS.get(type(obj))
    if other and getattr(obj, f"{other}_id") == original.pk:
        setattr(obj, other, copy)
    obj.role = copy
    return _as_new(obj)


def _max_length(name: str) -> int:
    field = Role._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None, f"Role.{name} is a CharField"
    return field.max_length


def unique_copy_slug(slug, word="copy"):
    """`<slug>-copy`, then `<slug>-copy-2`, `-copy-3`… the first one no role uses."""
    max_length = _max_length("slug")
    taken = set(Role.objects.filter(slug__startswith=slug[: max_length - 13]).values_list("slug", flat=True))
    n = 1
    while True:
        suffix = f"-{word}" if n == 1 else f"-{word}-{n}"
        candidate = slug[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


@transaction.atomic
def duplicate_role(*, role):
    """Copy a role with everything on its page, as an unpublished draft with a new slug; return the copy."""
    max_title = _max_length("title")
    return _copy_role(role, slug=unique_copy_slug(role.slug), title=f"{role.title[: max_title - 7]} (copy)")


def _copy_role(role, *, slug, title, draft_of=None):
    original = Role.objects.get(pk=role.pk)
    copy = _as_new(Role.objects.get(pk=role.pk))
    copy.slug, copy.title, copy.draft_of = slug, title, draft_of
    copy.is_published = False
    copy.import_hash = ""  # no file says this: an import of the original's file does not skip it
    copy.save()

    for model in ROLE_ROWS:
        originals = list(model._default_manager.filter(role=original).prefetch_related(*_citations_of(model)))
        cited = [
            [source.pk for name in _citations_of(model) for source in getattr(obj, name).all()] for obj in originals
        ]
        if model not in CHILD_ROWS:
            rows = model._default_manager.bulk_create([_fresh(obj, original=original, copy=copy) for obj in originals])
            _copy_citations(model, rows, cited)
            continue
        rows = []
        for parent in originals:  # saved one by one: their children need the new ids
            children = [
                (child, list(child._default_manager.filter(**{_parent_field(child, model): parent})))
                for child in CHILD_ROWS[model]
            ]
            new_parent = _fresh(parent, original=original, copy=copy)
            new_parent.save()
            rows.append(new_parent)
            for child, child_rows in children:
                for row in child_rows:
                    setattr(row, _parent_field(child, model), new_parent)
                child._default_manager.bulk_create(_as_new(row) for row in child_rows)
        _copy_citations(model, rows, cited)
    return copy


def _citations_of(model):
    """["sources"] when rows of `model` cite sources (a many-to-many a bulk copy leaves behind), else []."""
    return ["sources"] if "sources" in {f.name for f in model._meta.many_to_many} else []


def _copy_citations(model, rows, cited):
    """Give each copied row the sources its original cites (`cited`: source ids, row by row)."""
    if not _citations_of(model):
        return
    through = model.sources.through
    fk = f"{model._meta.model_name}_id"
    through.objects.bulk_create(
        through(**{fk: row.pk}, source_id=source_id) for row, ids in zip(rows, cited, strict=True) for source_id in ids
    )


def _parent_field(child, parent):
    """The name of `child`'s foreign key to `parent`."""
    return next(f.name for f in child._meta.concrete_fields if f.is_relation and f.related_model is parent)


# --- drafts, publishing and revisions ---------------------------------------------------------------


@transaction.atomic
def start_draft(*, role):
    """The draft of a published guide: the one it has, or a new copy of the guide (with everything
    on its page) under a slug of its own. The guide stays as it is until the draft is published."""
    guide = Role.objects.select_for_update().get(pk=role.pk)
    if guide.draft_of_id is not None:
        raise EditorialError(f"“{guide}” is a draft itself.")
    if not guide.is_published:
        raise EditorialError(f"“{guide}” is not published: edit it directly.")
    existing = Role.objects.filter(draft_of=guide).first()
    if existing is not None:
        return existing
    return _copy_role(guide, slug=unique_copy_slug(guide.slug, "draft"), title=guide.title, draft_of=guide)


@transaction.atomic
def publish(*, role, by):
    """Publish `role` and keep the publication as a revision; return the revision.

    A draft replaces the content of the guide it is the draft of (which keeps its address, its
    assessments and its links) and goes; an unpublished guide becomes public."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.draft_of_id is None:
        if role.is_published:
            raise EditorialError(f"“{role}” is already published.")
        Role.objects.filter(pk=role.pk).update(is_published=True, updated_at=timezone.now())
        return _record(role, by=by)
    guide = Role.objects.select_for_update().get(pk=role.draft_of_id)
    _keep_baseline(guide)
    data = as_guide(file_data(role), draft_slug=role.slug, slug=guide.slug)
    _write(guide, data | {"published": True})
    role.delete()
    return _record(guide, by=by)


@transaction.atomic
def roll_back(*, role, number, by):
    """Publish revision `number` of a guide again, as a new revision; return that revision.
    `roles.importing.RoleFileError` (and nothing changed) when the revision no longer fits, e.g. it links a role
    that has since been deleted."""
    guide = Role.objects.select_for_update().get(pk=role.pk)
    revision = RoleRevision.objects.get(guide=guide, number=number)
    _keep_baseline(guide)
    _write(guide, {**revision.data, "slug": guide.slug, "published": guide.is_published})
    return _record(guide, by=by, note=f"Rolled back to revision {number}")


def _write(guide, data):
    """Rewrite the guide from file data through the importer; keep the hash of the file it was last
    imported from, so `import_roles` of that unchanged file still skips it rather than undoing
    what was published here (`--force` rewrites it)."""
    import_hash = guide.import_hash
    save_role_data(data, name=guide.slug)
    Role.objects.filter(pk=guide.pk).update(import_hash=import_hash)


def _keep_baseline(guide):
    """The first reviewed edit of a guide keeps the guide as it was before it as revision 1, so
    there is something to compare with and roll back to."""
    if not guide.revisions.exists():
        RoleRevision.objects.create(
            guide=guide, number=1, data=file_data(guide), note="The guide before its first reviewed edit"
        )


def _record(guide, *, by, note=""):
    last = guide.revisions.aggregate(last=Max("number"))["last"] or 0
    user = by if by is not None and by.is_authenticated else None
    return RoleRevision.objects.create(
        guide=guide, number=last + 1, data=file_data(guide), published_by=user, note=note
    )
