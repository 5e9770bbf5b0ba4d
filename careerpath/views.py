"""Site-wide pages: home, health check and the styled error pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from assessments.dashboard import member_home
from roles.models import Role


@require_safe
def home(request):
    """The guides, flagship ones (chosen by editors: Role.is_featured) first; for a signed-in member,
    also where they left off: a draft to continue, their plan's next item, their latest readiness."""
    roles = Role.objects.published().select_related("family").order_by("-is_featured", "title")[:6]
    context = {"featured_roles": roles}
    if request.user.is_authenticated:
        context["member"] = member_home(request.user)
    return render(request, "home.html", context)


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
