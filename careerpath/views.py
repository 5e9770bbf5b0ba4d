"""Site-wide pages: home, health checks and the styled error pages."""

import secrets
import sys

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from roles.models import Role

from .middleware import database_unavailable, unavailable_response


@require_safe
def home(request):
    roles = Role.objects.published().select_related("family").order_by("title")[:6]
    return render(request, "home.html", {"featured_roles": roles})


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache (see readyz)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness: 503 unless the database answers; a cache that does not answer is only "degraded"
    (pages are slower without it, never broken), so the instance stays in rotation."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable", "cache": _cache_state()}, status=503)
    cache_state = _cache_state()
    return JsonResponse({"status": "ok" if cache_state == "ok" else "degraded", "database": "ok", "cache": cache_state})


def _cache_state():
    probe = secrets.token_hex(8)
    cache.set("readyz-probe", probe, timeout=10)  # a cache that is down misses instead of raising
    if cache.get("readyz-probe") == probe:
        return "ok"
    return "degraded"


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):  # e.g. a middleware that could not load the session
        return unavailable_response(request)
    # No context processors that could fail again: a plain render of a static page.
    return render(request, "500.html", status=500)
