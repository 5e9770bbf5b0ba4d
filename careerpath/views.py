"""Site-wide pages: home, health check and the styled error pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from roles.models import Role


@require_safe
def home(request):
    roles = Role.objects.published().select_related("family").order_by("title")[:6]
    return render(request, "home.html", {"featured_roles": roles})


@never_cache
@require_GET
def healthz(request):
    """200 when the app and its database answer; 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a plain render of a static page.
    return render(request, "500.html", status=500)
