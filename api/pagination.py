"""Cursor pagination: `?page_size=` (1-100, default 20) and opaque `next`/`previous` links, stable
while rows are added. A cursor or page size that is not one of ours is a 400, not a silent default."""

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 100


class Cursor(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        """The view's `ordering` (a unique, unchanging field: slugs, ids), else newest first."""
        ordering = getattr(view, "ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}, code="invalid"
            )
        return int(raw)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {"cursor": ["Not a cursor from this list: follow the next and previous links."]}
            ) from None
