"""The site's URLs plus one that fails, so the browser tests can see the real 500 page."""

from django.urls import path

from careerpath.urls import handler404, handler500
from careerpath.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("a deliberate failure, to show the 500 page")


urlpatterns = [path("__boom__/", boom), *site_urlpatterns]
