"""The global search: matters, work items, complaints, documents, people and units, each read
through its own module's scoped selector, so nobody finds what they could not open."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.orgs.access import has_perm

PER_SECTION = 8


@dataclass
class Section:
    key: str
    label: object
    rows: list = field(default_factory=list)  # (url, title, detail)
    more_url: str = ""
    total: int = 0


def global_search(*, viewer, query: str) -> list[Section]:
    """What ``viewer`` may open that matches ``query``, by kind, at most ``PER_SECTION`` each."""
    query = query.strip()[:100]
    if len(query) < 1:
        return []
    sections = []

    def add(key, label, queryset, row, more_url):
        total = queryset.count()
        if total:
            sections.append(
                Section(key, label, [row(x) for x in queryset[:PER_SECTION]], more_url, total)
            )

    if has_perm(viewer, "matters:matter:view"):
        from oversight.matters.selectors import matter_list

        add(
            "matters",
            _("Major matters"),
            matter_list(viewer=viewer, search=query),
            lambda m: (
                reverse("matters:matter_detail", args=[m.item_id]),
                m.item.title,
                m.item.state_label,
            ),
            f"{reverse('matters:matter_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "loop:item:view"):
        from oversight.loop.selectors import ItemFilters, item_list

        add(
            "items",
            _("Work items"),
            item_list(viewer=viewer, filters=ItemFilters(search=query)),
            lambda i: (
                reverse("loop:item_detail", args=[i.pk]),
                i.title,
                f"{i.kind_label} · {i.state_label} · {i.responsible_node.name}",
            ),
            f"{reverse('loop:item_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "public:complaint:view"):
        from oversight.public.selectors import ComplaintFilters, complaint_list

        add(
            "complaints",
            _("Complaints"),
            complaint_list(viewer=viewer, filters=ComplaintFilters(search=query)),
            lambda c: (
                reverse("public_staff:complaint_detail", args=[c.item_id]),
                f"{c.reference} {c.item.title}",
                c.item.state_label,
            ),
            f"{reverse('public_staff:complaint_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "documents:document:view"):
        from oversight.documents.selectors import document_list

        add(
            "documents",
            _("Issued documents"),
            document_list(viewer=viewer, search=query),
            lambda d: (
                reverse("documents:document_detail", args=[d.pk]),
                f"{d.serial} {d.title}",
                d.recipient_unit,
            ),
            f"{reverse('documents:document_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "documents:received:view"):
        from oversight.documents.selectors import received_list

        add(
            "received",
            _("Received documents"),
            received_list(viewer=viewer, search=query),
            lambda r: (
                reverse("documents:received_detail", args=[r.pk]),
                f"{r.document.serial} {r.document.title}",
                r.node.name,
            ),
            f"{reverse('documents:received_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "orgs:person:view"):
        from oversight.orgs.selectors import person_list

        add(
            "people",
            _("People"),
            person_list(viewer=viewer, search=query).select_related("org_node"),
            lambda p: (reverse("orgs:person_detail", args=[p.pk]), p.name, p.org_node.name),
            f"{reverse('orgs:person_list')}?{urlencode({'q': query})}",
        )
    if has_perm(viewer, "orgs:node:view"):
        from oversight.orgs.picker import node_search

        nodes = node_search(viewer=viewer, query=query, limit=PER_SECTION + 1)
        if nodes:
            sections.append(
                Section(
                    "units",
                    _("Units"),
                    [
                        (reverse("orgs:node_detail", args=[n.pk]), n.name, n.code)
                        for n in nodes[:PER_SECTION]
                    ],
                    "",
                    len(nodes),
                )
            )
    return sections
