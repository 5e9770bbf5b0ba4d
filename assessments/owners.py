"""Who owns an assessment, and so its ratings, plan, plan items and share links: defined once.

`Owner.of(request)` is the requester (a signed-in user, or a visitor's session); each owned model's
`objects.owned_by(owner)` is the one queryset every view, cache key, export and the data download
reads through; `changed(owner)` is the one call after a write that the owner's cached pages and
values depend on (model signals make it for ORM saves and deletes; services that write in bulk
make it themselves).
"""

from dataclasses import dataclass

from django.db.models import Q

from careerpath import pagecache


@dataclass(frozen=True)
class Owner:
    user_id: int | None = None
    session_key: str = ""

    @classmethod
    def of(cls, request):
        """The requester as an owner, or None for a visitor without a session (who owns nothing)."""
        if request.user.is_authenticated:
            return cls(user_id=request.user.pk)
        key = request.session.session_key
        return cls(session_key=key) if key else None

    @classmethod
    def coerce(cls, owner):
        """An Owner from an Owner, a user (or None: nobody)."""
        if owner is None or isinstance(owner, cls):
            return owner
        return cls(user_id=owner.pk)

    @classmethod
    def of_assessment(cls, assessment):
        return cls(user_id=assessment.user_id) if assessment.user_id else cls(session_key=assessment.session_key)

    @property
    def scope(self):
        """The owner's cache scope, as careerpath.pagecache.owner_scope names it."""
        return f"u{self.user_id}" if self.user_id else f"s{self.session_key}"

    def q(self, path=""):
        """The rows this owner owns, for a model whose assessment is at `path` ('' for Assessment)."""
        if self.user_id:
            return Q(**{f"{path}user_id": self.user_id})
        return Q(**{f"{path}user__isnull": True, f"{path}session_key": self.session_key})


def owned(queryset, owner, path=""):
    owner = Owner.coerce(owner)
    if owner is None or not (owner.user_id or owner.session_key):
        return queryset.none()
    return queryset.filter(owner.q(path))


def changed(*owners):
    """The owners' data changed: their cached pages and values go (see careerpath.pagecache)."""
    for owner in owners:
        owner = Owner.coerce(owner)
        if owner is not None and (owner.user_id or owner.session_key):
            pagecache.forget_owner(owner.scope)


def _assessment_saved_or_deleted(sender, instance, **kwargs):
    changed(Owner.of_assessment(instance))


def _row_saved_or_deleted(sender, instance, **kwargs):
    from .models import Assessment, PlanItem

    lookup = {"plan__pk": instance.plan_id} if sender is PlanItem else {"pk": instance.assessment_id}
    row = Assessment.objects.filter(**lookup).values("user_id", "session_key").first()
    if row is not None:  # else the assessment went too, and its own signal said so
        changed(Owner(user_id=row["user_id"], session_key=row["session_key"]))


def _user_deleted(sender, instance, **kwargs):
    pagecache.drop_owner(Owner(user_id=instance.pk).scope)


def connect_signals():
    """ORM saves and deletes of owned rows (and a deleted user) call `changed`. Ratings only on
    save: they are deleted with their assessment (a delete receiver would stop Django deleting an
    assessment's ratings in one statement)."""
    from django.conf import settings
    from django.db.models.signals import post_delete, post_save

    from .models import Assessment, Plan, PlanItem, Rating, ShareLink

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_assessment_saved_or_deleted, sender=Assessment, dispatch_uid=f"owner-{name}-Assessment")
        for model in (Plan, PlanItem, ShareLink):
            signal.connect(_row_saved_or_deleted, sender=model, dispatch_uid=f"owner-{name}-{model.__name__}")
    post_save.connect(_row_saved_or_deleted, sender=Rating, dispatch_uid="owner-save-Rating")
    post_delete.connect(_user_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="owner-delete-user")
