"""The site's URLs plus two that fail, so the browser tests can see the real 500 and 503 pages."""

from django.db import OperationalError
from django.urls import path

from careerpath.urls import handler404, handler500
from careerpath.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("a deliberate failure, to show the 500 page")


def database_down(request):
    raise OperationalError("a deliberate outage, to show the 503 page")


urlpatterns = [path("__boom__/", boom), path("__database_down__/", database_down), *site_urlpatterns]
