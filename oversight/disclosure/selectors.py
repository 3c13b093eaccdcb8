"""Reads of disclosure supervision, scoped by the org tree: a town sees its villages' notices
and lapses, the commission those of its whole tree, a sibling town nothing of another's."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q

from .models import CatalogueItem, Fetch, Lapse, Occurrence, Publication, Source


def catalogue_list(*, viewer) -> QuerySet[CatalogueItem]:
    """The catalogue is the commission's rule book: the same for everyone who may see it."""
    return CatalogueItem.objects.all()


def publication_list(
    *, viewer, node=None, unmatched: bool = False, catalogue_item=None
) -> QuerySet[Publication]:
    """Captured notices of units in the viewer's scope (of ``node`` and below when given)."""
    qs = Publication.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "catalogue_item"
    )
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    if unmatched:
        qs = qs.filter(catalogue_item__isnull=True) | qs.filter(key="")
    if catalogue_item is not None:
        qs = qs.filter(catalogue_item=catalogue_item)
    return qs.order_by("-published_on", "-pk")


def publication_get(*, viewer, pk: int) -> Publication:
    return get_object_or_404(publication_list(viewer=viewer), pk=pk)


def event_list(*, viewer) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "catalogue_item"
    )


def lapse_list(*, viewer, node=None, kind: str = "", open_only: bool = False) -> QuerySet[Lapse]:
    """Lapses of units in the viewer's scope, the newest first."""
    qs = Lapse.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "catalogue_item", "item", "publication"
    )
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.filter(item__closed_at__isnull=True)
    return qs.order_by("-found_on", "node__path", "pk")


def lapse_get(*, viewer, pk: int) -> Lapse:
    """A lapse by its work item's id, if its unit is in the viewer's scope; else 404."""
    return get_object_or_404(lapse_list(viewer=viewer), item_id=pk)


# --- the public side (sunshine disclosure): only what units published ---------------------------


def public_units():
    """The active units of the kinds the catalogue covers, with their parents, for the index."""
    from oversight.orgs.models import OrgNode

    kinds = CatalogueItem.objects.filter(active=True).values("unit_type")
    return (
        OrgNode.objects.filter(is_active=True, type__in=kinds)
        .select_related("parent")
        .order_by("path")
    )


def public_unit(*, code: str):
    return get_object_or_404(public_units(), code=code)


def public_notices(*, node, limit: int = 60) -> list[tuple[CatalogueItem, list[Publication]]]:
    """The notices ``node`` published, classified, by catalogue item (newest first); notices
    waiting to be classified are not shown until a person has placed them."""
    notices = list(
        Publication.objects.filter(node=node, catalogue_item__isnull=False)
        .exclude(key="")
        .select_related("catalogue_item")
        .order_by("-published_on", "-pk")[:limit]
    )
    grouped: dict[int, list[Publication]] = {}
    for notice in notices:
        grouped.setdefault(notice.catalogue_item_id, []).append(notice)
    items = CatalogueItem.objects.filter(active=True, unit_type=node.type)
    return [(item, grouped.get(item.pk, [])) for item in items]


def source_list(*, viewer) -> QuerySet[Source]:
    """Sources of units in the viewer's scope, each with its latest fetch's outcome and time
    (``last_outcome``, ``last_at``) for the health light."""
    latest = Fetch.objects.filter(source=OuterRef("pk")).order_by("-at", "-pk")
    return (
        Source.objects.filter(scope_q(viewer, node="node"))
        .select_related("node")
        .annotate(
            last_outcome=Subquery(latest.values("outcome")[:1]),
            last_at=Subquery(latest.values("at")[:1]),
        )
        .order_by("node__path", "name")
    )


def source_get(*, viewer, pk: int) -> Source:
    return get_object_or_404(source_list(viewer=viewer), pk=pk)


def fetch_list(*, viewer, source: Source) -> QuerySet[Fetch]:
    """A source's fetch history (the source read through ``source_get`` first)."""
    return Fetch.objects.filter(source=source_get(viewer=viewer, pk=source.pk)).order_by(
        "-at", "-pk"
    )
