"""Per-request parts of the page chrome, such as the navbar's unread-notices badge.

An upper app registers `name -> function(request) -> safe HTML` in its AppConfig.ready()
(`register_request_part`), and templates print `{{ name }}`. A normal render gets the function's
HTML through the context processor `request_parts`; a page rendered for the page cache stores a
placeholder instead (`part_holes`, given by pagecache.strict_context), and `fill_parts` puts each
request's own HTML in its place whenever the stored page is served. So a cached page shows a count
that changes without its key changing. This module imports no app and no model.
"""

import functools
import hashlib

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

_parts = {}


def register_request_part(name, render):
    _parts[name] = render


def _hole(name):
    digest = hashlib.sha256(f"careerpath-page-part:{name}:{settings.SECRET_KEY}".encode()).hexdigest()
    return f"parthole{digest[:24]}"


def request_parts(request):
    """Context processor: each part rendered for this request, lazily (a page that does not print
    it costs nothing); nothing while a page is rendered for the cache (it gets the holes)."""
    if getattr(request, "_rendering_for_cache", False):
        return {}
    return {name: SimpleLazyObject(functools.partial(render, request)) for name, render in _parts.items()}


def part_holes():
    return {name: mark_safe(_hole(name)) for name in _parts}


def fill_parts(html, request):
    for name, render in _parts.items():
        hole = _hole(name)
        if hole in html:
            html = html.replace(hole, str(render(request)))
    return html
