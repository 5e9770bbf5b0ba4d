"""Whose data each owned row is (an assessment, and so its ratings and share links; a plan, and so
its items; a review, a membership...) and whose cached pages show it: declared once per model.

`Owner.of(request)` (careerpath/owner.py) is the requester (a signed-in user, or a visitor's
session); `Owner.of_user(user)` a user handed to a selector or service. `objects.owned_by(...)`
takes only an `Owner`, so "whose rows" is always said the same way. Each owned model's queryset is
an `OwnedQuerySet` that declares two different things:

- `owner_path`: whose data a row is. `objects.owned_by(owner)` follows it, and the access modules
  (`<app>/access.py`), the exports and the data download read through it. None for a row that is
  nobody's alone (a team, its assignments and cycles: a member reads them through a membership);
- `shown_on_pages_of`: on whose cached pages a row appears (a review: its assessment's owner's and
  its reviewer's; a team: its members' dashboards); the owner alone when not given. From that
  alone, every ORM write (saves, deletes and many-to-many changes through signals, bulk writes
  through the queryset) calls `changed`, which retires those people's cached pages and values.

A model whose rows are someone's but on no cached page (an API token) has an `OwnedByQuerySet`: its
`owner_path` and `owned_by` alone, so its writes retire nobody's pages.
"""

from django.db import models

from careerpath import pagecache
from careerpath.owner import Owner


def changed(*owners):
    """The owners' data changed: their cached pages and values go (see careerpath.pagecache)."""
    for scope in {owner.scope for owner in owners} - {None}:
        pagecache.forget_owner(scope)


def _is_assessment_path(path):
    return path == "" or path.endswith("__")


class OwnedByQuerySet(models.QuerySet):
    """A queryset whose rows are someone's data: `owner_path` leads from a row to its owner, an
    assessment ("" for an Assessment, "request__assessment__": its user or visitor session) or a user
    field ("user", "item__plan__user"); None for rows that are nobody's alone. `owned_by(owner)` follows it.

    On its own (an API token) it says nothing about cached pages; `OwnedQuerySet` adds those."""

    owner_path: str | None = ""

    def owned_by(self, owner):
        """The rows `owner` owns; `owner` is an Owner (Owner.of(request), Owner.of_user(user))."""
        path = self.owner_path
        if path is None:
            raise TypeError(
                f"a {self.model.__name__} is nobody's alone (owner_path = None): read it through what a person owns"
            )
        if not isinstance(owner, Owner):
            raise TypeError(
                "owned_by takes an Owner (Owner.of(request), or Owner.of_user(user) in a selector or service), "
                f"not {type(owner).__name__}"
            )
        if not (owner.user_id or owner.session_key):
            return self.none()
        if not _is_assessment_path(path):  # a user field: a visitor's session owns none of these
            return self.filter(**{path: owner.user_id}) if owner.user_id else self.none()
        return self.filter(owner.q(path))


class OwnedQuerySet(OwnedByQuerySet):
    """The queryset of every model whose rows an owner's cached pages show.

    Each path leads to an assessment ("" for an Assessment, "assessment__", "request__assessment__":
    its user or visitor session) or to a user ("reviewer"). `owner_path` is whose data a row is
    (`owned_by`), `shown_on_pages_of` whose cached pages show it. Saves and deletes call `changed` through model
    signals (`connect_signals`); the bulk writes, which send no signals, call it here. So no ORM
    path, the admin's included, leaves an owner's cached page stale (careerpath/tests/test_stale_pages.py)."""

    shown_on_pages_of: tuple[str, ...] = ()  # () : the owner's pages only

    @classmethod
    def page_paths(cls):
        """The paths to the people whose cached pages show a row."""
        return cls.shown_on_pages_of or (cls.owner_path,)

    def page_owners(self):
        """The owners whose pages show these rows."""
        found = set()
        for path in self.page_paths():
            found |= _owners_at(self, path)
        return found

    def update(self, **kwargs):
        touched = self.page_owners()
        moved = list(self.values_list("pk", flat=True)) if self._moves_rows(kwargs) else []
        rows = super().update(**kwargs)
        if moved:  # e.g. a visitor's draft given to their new account: the new owners' pages too
            touched |= self.model._default_manager.filter(pk__in=moved).page_owners()
        if rows:
            changed(*touched)
        return rows

    def _moves_rows(self, kwargs):
        """Whether an update of these fields can change whose pages show a row."""
        fields = {self.model._meta.get_field(name).name for name in kwargs}
        firsts = {path.partition("__")[0] for path in self.page_paths()}
        return bool(fields & ({"user", "session_key"} if "" in firsts else firsts))

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        changed(*owners_of(self.model, objs))
        return objs

    def delete(self):
        touched = self.page_owners()
        result = super().delete()
        if result[0]:
            changed(*touched)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class DeletedWithParent(models.Model):
    """An owned row that goes with its parent, which has the same owners (a rating with its
    assessment, a reviewer's rating with the review). No delete signal, so Django deletes such rows
    in one statement, not one by one with a query each; the parent's own delete tells the owners,
    a queryset delete tells them in OwnedQuerySet.delete, and a row deleted on its own here."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        changed(*owners_of(type(self), [self]))
        return result


def _owners_at(queryset, path):
    """The owners that `path` reaches from the rows of `queryset`."""
    rows = queryset.order_by()
    if _is_assessment_path(path):
        pairs = rows.values_list(f"{path}user", f"{path}session_key").distinct()
        return {Owner(user_id=user_id) if user_id else Owner(session_key=key or "") for user_id, key in pairs}
    return {Owner(user_id=pk) for pk in rows.values_list(path, flat=True).distinct() if pk}


def owners_of(model, rows):
    """The owners whose pages show these rows (instances, saved or just deleted): one query per
    path at most, through the rows' first foreign key."""
    found = set()
    for path in model._default_manager.get_queryset().page_paths():
        if path == "":
            found.update(Owner.of_assessment(row) for row in rows)
            continue
        first, _, rest = path.partition("__")
        field = model._meta.get_field(first)
        if not field.concrete:  # a reverse relation (a team's members): through the rows themselves
            found |= _owners_at(model._base_manager.filter(pk__in=[row.pk for row in rows]), path)
            continue
        assessment_at_hand = path.count("__") == 1 and all(field.is_cached(row) for row in rows)
        if _is_assessment_path(path) and assessment_at_hand:  # no query: e.g. the ratings autosave makes
            found.update(Owner.of_assessment(getattr(row, first)) for row in rows)
            continue
        ids = {getattr(row, field.attname) for row in rows} - {None}
        if not _is_assessment_path(path) and not rest:  # a user's foreign key
            found.update(Owner(user_id=pk) for pk in ids)
        elif ids:
            found |= _owners_at(field.related_model._base_manager.filter(pk__in=ids), rest)
    return found


def _row_saved_or_deleted(sender, instance, **kwargs):
    changed(*owners_of(sender, [instance]))


def _links_changed(model, field):
    """A receiver for a many-to-many field of an owned model (e.g. an assignment's members)."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        if not reverse:
            rows = [instance]
        elif pk_set:
            rows = list(model._base_manager.filter(pk__in=pk_set))
        else:  # clearing from the other side: the rows still linked
            rows = list(model._base_manager.filter(**{field.name: instance}))
        changed(*owners_of(model, rows))

    return receiver


def _user_deleted(sender, instance, **kwargs):
    pagecache.drop_owner(Owner(user_id=instance.pk).scope)


def connect_signals():
    """ORM saves and deletes of every model with an OwnedQuerySet (and a deleted user) call
    `changed`. Found from the models, so a new model only declares its queryset."""
    from django.apps import apps
    from django.conf import settings
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in owned_models(apps):
        name = model._meta.label
        post_save.connect(_row_saved_or_deleted, sender=model, dispatch_uid=f"owner-save-{name}")
        if not issubclass(model, DeletedWithParent):
            post_delete.connect(_row_saved_or_deleted, sender=model, dispatch_uid=f"owner-delete-{name}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _links_changed(model, field),
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"owner-m2m-{name}-{field.name}",
            )
    post_delete.connect(_user_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="owner-delete-user")


def owned_models(apps):
    """The models whose rows appear on owners' cached pages (an OwnedQuerySet)."""
    return [m for m in apps.get_models() if isinstance(m._default_manager.get_queryset(), OwnedQuerySet)]


def personal_models(apps):
    """The models whose rows are someone's data: an OwnedByQuerySet with an `owner_path`."""
    return [
        m
        for m in apps.get_models()
        if isinstance(qs := m._default_manager.get_queryset(), OwnedByQuerySet) and qs.owner_path is not None
    ]
