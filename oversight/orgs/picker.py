"""The unit picker: a searchable view of the org tree for every unit field.

The widget (``UnitPicker``, ``UnitPickerMultiple``) renders the field's choices as an indented
tree of radio buttons or checkboxes with a search box; typing asks ``node_pick`` (HTMX) for the
matches, by any part of the name (教育 finds 县教育局), by pinyin initials (xjyj) or by full
pinyin (jiaoyu), each shown with the path above it. Choosing several units needs no Ctrl-click.
Everything is rendered on the server; ``static/js/unit-picker.js`` only keeps a ticked match
among the chosen when the next search replaces the matches.
"""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from pypinyin import Style, lazy_pinyin

from .models import OrgNode
from .selectors import node_list

MAX_MATCHES = 50


@lru_cache(maxsize=20_000)
def spellings(name: str) -> tuple[str, str]:
    """The pinyin initials and the full pinyin of ``name``, lower case without spaces."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(name, errors="default"))
    return initials.lower(), full.lower()


def matches(name: str, code: str, query: str) -> bool:
    """Whether a node named ``name`` answers ``query`` (part of the name or code, pinyin)."""
    query = "".join(query.split()).lower()
    if not query:
        return True
    if query in "".join(name.split()).lower() or query in code.lower():
        return True
    initials, full = spellings(name)
    return query in initials or query in full


def node_search(*, viewer, query: str, limit: int = MAX_MATCHES) -> list[OrgNode]:
    """Active nodes in ``viewer``'s scope that answer ``query``, in tree order."""
    found = []
    for node in node_list(viewer=viewer, include_inactive=False).only(
        "pk", "name", "code", "path", "depth", "parent_id"
    ):
        if matches(node.name, node.code, query):
            found.append(node)
            if len(found) >= limit:
                break
    return found


def _trail(nodes: list[OrgNode]) -> dict[int, str]:
    """Each node's ancestors' names, « › »-joined, read in one query."""
    ids = {int(part) for n in nodes for part in n.path.strip("/").split("/")[:-1] if part}
    names = dict(OrgNode.objects.filter(pk__in=ids).values_list("pk", "name"))
    trail = {}
    for n in nodes:
        above = [int(p) for p in n.path.strip("/").split("/")[:-1] if p]
        trail[n.pk] = " › ".join(names[p] for p in above if p in names)
    return trail


@login_required
@require_GET
def node_pick(request):
    """The matches of a search in a unit picker (an HTML fragment for HTMX)."""
    query = request.GET.get("q", "")[:50]
    name = request.GET.get("name", "")[:100]
    multiple = request.GET.get("multiple") == "1"
    nodes = node_search(viewer=request.user, query=query) if query.strip() else []
    trail = _trail(nodes)
    options = [(n.pk, n.name, trail.get(n.pk, ""), 0) for n in nodes]
    return render(
        request,
        "orgs/_unit_options.html",
        {"options": options, "name": name, "multiple": multiple, "query": query, "chosen": set()},
    )


class UnitPicker(forms.Select):
    """A unit field as a searchable tree (one unit)."""

    allow_multiple_selected = False
    template = "orgs/_unit_picker.html"

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value) if v not in (None, "")}
        options, labels = [], {}
        for option_value, label in self.choices:
            key = "" if option_value is None else str(getattr(option_value, "value", option_value))
            if not key:
                continue
            text = str(label)
            depth = len(text) - len(text.lstrip("　"))
            options.append((key, text.lstrip("　"), "", depth))
            labels[key] = text.lstrip("　")
        context = {
            "id": final.get("id") or f"id_{name}",
            "name": name,
            "multiple": self.allow_multiple_selected,
            "options": options,
            "chosen": chosen,
            "chosen_labels": [(k, labels[k]) for k in labels if k in chosen],
            "search_url": reverse("orgs:node_pick"),
            "required": final.get("required", False),
        }
        return render_to_string(self.template, context)

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            values = getter(name) if getter else data.get(name, [])
            return [v for v in dict.fromkeys(values) if v]
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else name not in data


class UnitPickerMultiple(UnitPicker):
    """A unit field as a searchable tree (several units, ticked, no Ctrl-click)."""

    allow_multiple_selected = True
