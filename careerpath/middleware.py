"""A database that cannot answer is a 503 "we'll be right back", never a 500 with a traceback.

While PostgreSQL restarts (or refuses writes, or is out of disk), a request fails with an
OperationalError or InterfaceError. `DatabaseUnavailableMiddleware` answers those from a view with
templates/503.html (which reads nothing from the database) or, for the page script's autosave, a
JSON body, both with `Retry-After`. `careerpath.views.server_error` does the same for the ones
raised elsewhere (a middleware loading the session, say). The connection itself heals: Django
checks a kept connection before reusing it (CONN_HEALTH_CHECKS) and drops one that failed.
"""

import logging

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

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
