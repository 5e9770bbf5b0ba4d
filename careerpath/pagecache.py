"""Whole pages from the cache, with the per-request parts filled in.

Most of a role guide or a submitted report is the same on every request; what differs is the CSRF
token in its forms and, in the navbar, the signed-in person's name. `cached_page` renders the page
once with placeholders in those places, stores the HTML under a key that names everything else the
page depends on (the caller's job: a content revision, a report's id and its owner's data stamp),
and answers each later request with a cache read and two string replacements: no template work.

The navbar differs between visitors, members and staff, so each has its own entry. A page with a
flash message waiting is rendered normally (messages are shown once) and not stored.

So a template served this way may read of `user` only `is_authenticated`, `is_staff` and
`get_username` (anything else renders empty), and of `request` only what its key already fixes
(its path): whatever else differs between requests would be stored for the next one.
"""

import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape

CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class Holes:
    """Placeholders that nobody can type into content (they derive from the secret key) and that
    HTML escaping leaves as they are (letters and digits only)."""

    csrf: str
    username: str


@functools.cache
def _holes():
    digest = hashlib.sha256(f"careerpath-page-holes:{settings.SECRET_KEY}".encode()).hexdigest()
    return Holes(csrf=f"csrfhole{digest[:24]}", username=f"userhole{digest[24:48]}")


@dataclass(frozen=True)
class NavbarUser:
    """What the navbar reads of `request.user`, with the name left as a placeholder."""

    is_authenticated: bool
    is_staff: bool
    username: str

    def get_username(self):
        return self.username


def variant(user):
    if not user.is_authenticated:
        return "visitor"
    return "staff" if user.is_staff else "member"


def fill(html, request):
    """The stored page with this request's CSRF token and user name in place."""
    holes = _holes()
    if holes.csrf in html:
        html = html.replace(holes.csrf, get_token(request))
    if holes.username in html:
        html = html.replace(holes.username, escape(request.user.get_username()))
    return html


def render_page(request, template_name, context):
    """The page with placeholders where the per-request parts go (for storing)."""
    holes = _holes()
    user = request.user
    page_context = {
        **context,
        "csrf_token": holes.csrf,
        "user": NavbarUser(user.is_authenticated, user.is_authenticated and user.is_staff, holes.username),
        "messages": (),
    }
    return render_to_string(template_name, page_context, request=request)


def _cache_key(key, navbar):
    """The stored page's key; a long one (an absurd slug in a URL) is hashed to stay a valid key."""
    if len(key) > 200:
        key = "h:" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"page:{key}:{navbar}"


def cached_page(request, key, template_name, get_context, *, status=200):
    """Serve `template_name` with `get_context()` from the cache under `key` and the navbar variant.

    `get_context` is only called on a miss. `key` must change whenever anything the page shows
    changes, except the CSRF token, the user's name and flash messages, which are handled here.
    """
    if len(messages.get_messages(request)):
        return HttpResponse(render_to_string(template_name, get_context(), request=request), status=status)
    full_key = _cache_key(key, variant(request.user))
    html = cache.get(full_key)
    if html is None:
        html = render_page(request, template_name, get_context())
        cache.set(full_key, html, timeout=CACHE_SECONDS)
    return HttpResponse(fill(html, request), status=status)
