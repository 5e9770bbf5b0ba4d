"""Secret link tokens: 256 random bits, shown to their owner once; only their SHA-256 is kept.

Share links and review links (like team invitations, docs/teams.md) store `token_digest(token)`,
never the token: a copy of the database, a backup or an admin page opens no link. A link is found
by the digest of the token in its URL, and the stored digest is compared with `hmac.compare_digest`,
so neither the lookup nor the comparison leaks the token. The page that makes a link shows it once;
a lost link is revoked and a new one made.
"""

import hashlib
import hmac
import secrets


def new_token():
    return secrets.token_urlsafe(32)  # 256 bits, a URL slug


def token_digest(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def find_by_token(queryset, token):
    """The row of `queryset` whose `token_digest` is the token's, or None."""
    digest = token_digest(token)
    found = queryset.filter(token_digest=digest).first()
    if found is None or not hmac.compare_digest(found.token_digest, digest):
        return None
    return found
