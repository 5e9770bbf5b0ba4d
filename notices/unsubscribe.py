"""One-click unsubscribe links (RFC 8058): signed, so they work without signing in, and they expire.

A link names one person and one preference (a kind of notice, or "digest" for the weekly digest);
following it (a POST: the mail client's one-click, or the button on the page a GET shows) turns that
preference back to "in the app only" and changes nothing else.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from .models import Kind

SALT = "notices.unsubscribe"
MAX_AGE = timedelta(days=90)  # a link in a mail older than this asks the reader to sign in instead
DIGEST = "digest"


class InvalidLink(Exception):
    """Tampered with, cut short, or naming a preference that does not exist."""


class ExpiredLink(Exception):
    pass


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    what: str  # a Kind value, or DIGEST

    @property
    def label(self):
        return "the weekly digest" if self.what == DIGEST else f"“{Kind(self.what).label}”"


def make_token(user_id, what):
    if what != DIGEST and what not in Kind.values:
        raise ValueError(f"no such preference: {what!r}")
    return signing.dumps({"u": user_id, "k": what}, salt=SALT, compress=False)


def read_token(token):
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidLink
    what = data.get("k")
    if what != DIGEST and what not in Kind.values:
        raise InvalidLink
    return Unsubscribe(user_id=data["u"], what=what)
