"""Site-wide middleware: a database outage is a 503, and a signed-in person's pages are never stored.

`PrivatePagesMiddleware`: every answer to a signed-in person says `Cache-Control: private, no-store`
(with Django's never-cache set: no-cache, must-revalidate, max-age=0, Expires). The navbar alone
names them and carries their CSRF token, and most pages show their own data (the home page their
readiness and plan), so no browser history, shared proxy or CDN keeps any of them. Visitors' public
pages keep whatever their view says (the role guides may be cached).

`DatabaseUnavailableMiddleware`: a database that cannot answer is a 503 "we'll be right back", never
a 500 with a traceback.

While PostgreSQL restarts (or refuses writes, or is out of disk), a request fails with an
OperationalError or InterfaceError. `DatabaseUnavailableMiddleware` answers those from a view with
templates/503.html (which reads nothing from the database) or, for the page script's autosave, a
JSON body, both with `Retry-After`. `careerpath.views.server_error` does the same for the ones
raised elsewhere (a middleware loading the session, say). The connection itself heals: Django
checks a kept connection before reusing it (CONN_HEALTH_CHECKS) and drops one that failed.
"""

import logging

from django.db import DatabaseError, InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 5
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: "cannot execute ... in a read-only transaction"

logger = logging.getLogger(__name__)


def database_unavailable(exc):
    """True for the errors a retry later can cure: no connection, a restart, a read-only database."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, InternalError) and getattr(exc.__cause__, "sqlstate", None) == READ_ONLY_SQLSTATE


def unavailable_response(request):
    if request.headers.get("X-Requested-With") == "fetch":
        response = JsonResponse(
            {"saved": False, "error": "The site is restarting; your answer is kept and will be sent again."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if _signed_in(request) and not ("no-store" in cache_control and "private" in cache_control):
            add_never_cache_headers(response)
        return response


def _signed_in(request):
    try:
        return request.user.is_authenticated
    except DatabaseError:  # the session or the user could not be read (a 503 page): count it as personal
        return True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.warning("Database unavailable (%s: %s): answered 503", type(exception).__name__, exception)
        return unavailable_response(request)
