"""The shared list component: paging, sorting, page size and "export what I filtered".

Every list page calls ``paginate`` (optionally with its ``columns``) and includes
``_pager.html``; links are built with ``{% querystring %}``, so the filters of the request survive
paging, sorting and a change of page size. A list that declares columns is sortable by the
columns that name an ordering (``{% sort_th "key" %}`` from ``core/templatetags/listing.py``) and
exports the filtered rows, in the chosen order, as Excel (``?export=xlsx``, see ``export_or``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet

PAGE_SIZES = (20, 50, 100, 200)
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Column:
    """One column of a list: its key in the query string, its header, its value in an export,
    and the ordering that sorts by it (``None``: not sortable)."""

    key: str
    label: Any
    value: Callable[[Any], Any] | None = None
    sort: str | tuple[str, ...] | None = None

    def orderings(self, descending: bool) -> list:
        fields = (self.sort,) if isinstance(self.sort, str) else tuple(self.sort or ())
        return [
            F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields
        ]


def _sorted(request, queryset, columns: Sequence[Column]):
    """``queryset`` in the order the request asks (``sort=key`` or ``sort=-key``), if allowed."""
    wanted = request.GET.get("sort", "")
    key = wanted.lstrip("-")
    column = next((c for c in columns if c.key == key and c.sort), None)
    if column is None or not isinstance(queryset, QuerySet):
        return queryset, ""
    return queryset.order_by(*column.orderings(wanted.startswith("-")), "-pk"), wanted


def paginate(
    request,
    queryset,
    per_page: int = 50,
    *,
    columns: Sequence[Column] = (),
    export_perm: str | None = None,
):
    """The requested page of ``queryset``, sorted and sized as the request asks; out-of-range
    or bad page numbers give the nearest. The page carries what ``_pager.html`` and
    ``sort_th`` need: the columns, the current sort, the page sizes, whether export is offered.
    """
    from oversight.orgs.access import has_perm

    queryset, sort = _sorted(request, queryset, columns)
    size = request.GET.get("per_page", "")
    if size.isdigit() and int(size) in PAGE_SIZES:
        per_page = int(size)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.columns = list(columns)
    page.sort = sort
    page.per_page = per_page
    page.sizes = sorted({*PAGE_SIZES, per_page})
    page.exportable = any(c.value for c in columns) and (
        export_perm is None or has_perm(request.user, export_perm)
    )
    return page


def wants_export(request) -> bool:
    return request.GET.get("export") == "xlsx"


def export_response(
    request,
    queryset,
    *,
    columns: Sequence[Column],
    filename: str,
    title: str,
    export_perm: str | None = None,
):
    """An Excel file of every row of ``queryset`` (already filtered and scoped by the list's
    selector) in the order the list shows, one column per declared column with a value."""
    from oversight.orgs.access import has_perm

    from .excel import xlsx_response

    if export_perm is not None and not has_perm(request.user, export_perm):
        raise PermissionDenied(export_perm)
    queryset, _sort = _sorted(request, queryset, columns)
    exported = [c for c in columns if c.value]
    rows = (
        queryset.iterator(chunk_size=1000)
        if isinstance(queryset, QuerySet)
        else queryset[:EXPORT_LIMIT]
    )
    return xlsx_response(
        filename=filename,
        title=str(title),
        headers=[c.label for c in exported],
        rows=(
            [_cell(c.value(row)) for c in exported]
            for n, row in enumerate(rows)
            if n < EXPORT_LIMIT
        ),
    )


def _cell(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)


def export_or(request, queryset, *, columns, filename, title, export_perm=None, render):
    """A list view's answer: the Excel file when asked for (``?export=xlsx``), else
    ``render(page)``."""
    if wants_export(request):
        return export_response(
            request,
            queryset,
            columns=columns,
            filename=filename,
            title=title,
            export_perm=export_perm,
        )
    return render(paginate(request, queryset, columns=columns, export_perm=export_perm))
