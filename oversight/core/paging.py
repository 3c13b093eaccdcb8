"""Pagination for list pages."""

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 50):
    """The requested page of ``queryset``; out-of-range or bad page numbers give the nearest."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
