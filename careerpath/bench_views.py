"""The benchmark's floor: a constant page through the whole middleware stack, with no database.

bench/run.py divides each endpoint's requests per second by this one's, so the ratio says how much
the view itself costs. Routed only when CAREERPATH_BENCH_FLOOR=1 (see the end of careerpath/urls.py).
"""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

FLOOR_BODY = b"floor\n"


@require_GET
def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="text/plain; charset=utf-8")
