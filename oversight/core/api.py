"""API conventions shared by every app."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Limit/offset paging with bounds: an absurd limit or offset is clamped, not sent to the
    database (SQLite rejects integers beyond 64 bits)."""

    default_limit = 50
    max_limit = 500
    max_offset = 10**12

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)
