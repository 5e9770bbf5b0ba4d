"""Who owns a row: a signed-in user or a visitor's session, and that owner's cache scope, spelled
here only. The page cache keys and retires an owner's pages by `Owner.of(request).scope`, and the
apps' owned querysets (assessments/owners.py) find an owner's rows with `objects.owned_by(owner)`."""

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Q, Value
from django.db.models.functions import Concat


@dataclass(frozen=True)
class Owner:
    """A user, or a visitor's session; `Owner()` is nobody, who owns nothing."""

    user_id: int | None = None
    session_key: str = ""

    USER_SCOPE: ClassVar[str] = "u"  # a scope is the prefix and the user's id or the session's key
    SESSION_SCOPE: ClassVar[str] = "s"

    @classmethod
    def of(cls, request):
        """The requester as an owner (nobody for a visitor without a session)."""
        if request.user.is_authenticated:
            return cls(user_id=request.user.pk)
        return cls(session_key=request.session.session_key or "")

    @classmethod
    def of_user(cls, user):
        """A user as an owner, where a selector or service is handed a user, not a request."""
        return cls(user_id=user.pk)

    @classmethod
    def of_assessment(cls, assessment):
        """The owner of a row with a `user` and a `session_key` (an assessment)."""
        return cls(user_id=assessment.user_id) if assessment.user_id else cls(session_key=assessment.session_key)

    @property
    def scope(self):
        """The owner's cache scope ('u<user id>' or 's<session key>', the `careerpath.OwnerKey` row
        of their pages), None for nobody."""
        if self.user_id:
            return f"{self.USER_SCOPE}{self.user_id}"
        return f"{self.SESSION_SCOPE}{self.session_key}" if self.session_key else None

    @classmethod
    def session_scope_sql(cls, session_key_field):
        """`scope` as a database expression over a column of session keys, for queries over many
        sessions (the cleanup's keys of sessions that are gone)."""
        return Concat(Value(cls.SESSION_SCOPE), session_key_field)

    def q(self, path=""):
        """The rows this owner owns, for a model whose `user` and `session_key` are at `path` ('' for
        an assessment itself, 'request__assessment__')."""
        if self.user_id:
            return Q(**{f"{path}user_id": self.user_id})
        return Q(**{f"{path}user__isnull": True, f"{path}session_key": self.session_key})
