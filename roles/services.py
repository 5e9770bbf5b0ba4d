"""Writes that touch several rows of a role guide."""

from django.db import transaction

from .models import CareerMove, LadderLevel, Role, TransitionPath
from .registry import CHILD_ROWS, ROLE_ROWS

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


def unique_copy_slug(slug):
    """`<slug>-copy`, then `<slug>-copy-2`, `-copy-3`… the first one no role uses."""
    max_length = Role._meta.get_field("slug").max_length
    taken = set(Role.objects.filter(slug__startswith=slug[: max_length - 12]).values_list("slug", flat=True))
    n = 1
    while True:
        suffix = "-copy" if n == 1 else f"-copy-{n}"
        candidate = slug[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


@transaction.atomic
def duplicate_role(*, role):
    """Copy a role with everything on its page, as an unpublished draft with a new slug; return the copy."""
    original = Role.objects.get(pk=role.pk)
    copy = _as_new(Role.objects.get(pk=role.pk))
    copy.slug = unique_copy_slug(original.slug)
    max_title = Role._meta.get_field("title").max_length
    copy.title = f"{original.title[: max_title - 7]} (copy)"
    copy.is_published = False
    copy.import_hash = ""  # no file says this: an import of the original's file does not skip it
    copy.save()

    for model in ROLE_ROWS:
        originals = list(model.objects.filter(role=original).prefetch_related(*_citations_of(model)))
        cited = [[source.pk for source in obj.sources.all()] if _citations_of(model) else [] for obj in originals]
        if model not in CHILD_ROWS:
            rows = model.objects.bulk_create([_fresh(obj, original=original, copy=copy) for obj in originals])
            _copy_citations(model, rows, cited)
            continue
        rows = []
        for parent in originals:  # saved one by one: their children need the new ids
            children = [
                (child, list(child.objects.filter(**{_parent_field(child, model): parent})))
                for child in CHILD_ROWS[model]
            ]
            new_parent = _fresh(parent, original=original, copy=copy)
            new_parent.save()
            rows.append(new_parent)
            for child, child_rows in children:
                for row in child_rows:
                    setattr(row, _parent_field(child, model), new_parent)
                child.objects.bulk_create(_as_new(row) for row in child_rows)
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
