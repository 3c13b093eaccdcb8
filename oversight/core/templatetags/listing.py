"""Sortable column headers of the shared list component (see ``core/paging.py``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label=None):
    """A ``<th>`` for column ``key`` of the page's columns: a link that sorts by it (again to
    reverse), keeping every other parameter of the request but the page number."""
    page = context.get("page")
    request = context.get("request")
    column = next((c for c in getattr(page, "columns", ()) if c.key == key), None)
    text = label if label is not None else (column.label if column else key)
    if column is None or not column.sort or request is None:
        return format_html("<th>{}</th>", text)
    current = getattr(page, "sort", "")
    descending = current == key
    query = request.GET.copy()
    query["sort"] = f"-{key}" if descending else key
    query.pop("page", None)
    query.pop("export", None)
    if current == key:
        mark, state = "▲", "ascending"
    elif current == f"-{key}":
        mark, state = "▼", "descending"
    else:
        mark, state = "", "none"
    return format_html(
        '<th aria-sort="{}"><a href="?{}" title="{}">{}</a>{}</th>',
        state,
        query.urlencode(),
        _("Sort by this column"),
        text,
        format_html(' <span aria-hidden="true">{}</span>', mark) if mark else "",
    )
