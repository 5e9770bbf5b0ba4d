"""Writes that touch several rows of a role guide."""

from django.db import transaction

from .models import (
    FAQ,
    CareerMove,
    DevelopmentSuggestion,
    HiringCompany,
    IndustrySector,
    LadderLevel,
    NextStep,
    Responsibility,
    Role,
    RoleCertification,
    RoleCourse,
    RoleFieldSource,
    RoleSkill,
    SalaryBand,
    TransitionArtifact,
    TransitionPath,
)

# Rows that belong to one role and are copied as they are, with `role` pointing at the copy.
_ROLE_ROWS = [
    RoleSkill,
    Responsibility,
    DevelopmentSuggestion,
    NextStep,
    CareerMove,
    LadderLevel,
    SalaryBand,
    RoleCourse,
    RoleCertification,
    HiringCompany,
    IndustrySector,
    FAQ,
    TransitionPath,
]

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
    copy.save()

    artifacts = []
    for model in _ROLE_ROWS:
        related = ["sources", "artifacts"] if model is TransitionPath else ["sources"]
        originals = list(model.objects.filter(role=original).prefetch_related(*related))
        cited = [[source.pk for source in obj.sources.all()] for obj in originals]
        paths = [list(obj.artifacts.all()) for obj in originals] if model is TransitionPath else []
        rows = model.objects.bulk_create([_fresh(obj, original=original, copy=copy) for obj in originals])
        through = model.sources.through
        fk = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            through(**{fk: row.pk}, source_id=source_id)
            for row, source_ids in zip(rows, cited, strict=True)
            for source_id in source_ids
        )
        for new_path, path_artifacts in zip(rows, paths, strict=False):  # paths: transition paths only
            for artifact in path_artifacts:
                artifact.path = new_path
                artifacts.append(_as_new(artifact))
    TransitionArtifact.objects.bulk_create(artifacts)
    RoleFieldSource.objects.bulk_create(
        RoleFieldSource(role=copy, field=row.field, source_id=row.source_id)
        for row in RoleFieldSource.objects.filter(role=original)
    )
    return copy
