"""Reads of disclosure supervision, scoped by the org tree: a town sees its villages' notices
and lapses, the commission those of its whole tree, a sibling town nothing of another's."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q

from .models import CatalogueItem, Collected, Fetch, Lapse, Occurrence, Publication, Source


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


FAILING = (
    Fetch.Outcome.BROKEN,
    Fetch.Outcome.TIMEOUT,
    Fetch.Outcome.REFUSED,
    Fetch.Outcome.EMPTY,
)
HEALTH = ("ok", "failing", "silent", "unread")


def source_list(*, viewer, node=None, kind: str = "") -> QuerySet[Source]:
    """Sources of units in the viewer's scope (of ``node`` and below when given), each with its
    latest fetch (``last_outcome``, ``last_at``, ``last_status``, ``last_error``), when a new
    notice last came (``last_new_at``) and the date of its latest notice (``last_published``)."""
    latest = Fetch.objects.filter(source=OuterRef("pk")).order_by("-at", "-pk")
    newest = Collected.objects.filter(source=OuterRef("pk"))
    qs = (
        Source.objects.filter(scope_q(viewer, node="node"))
        .select_related("node")
        .annotate(
            last_outcome=Subquery(latest.values("outcome")[:1]),
            last_at=Subquery(latest.values("at")[:1]),
            last_status=Subquery(latest.values("status")[:1]),
            last_error=Subquery(latest.values("error")[:1]),
            last_new_at=Subquery(newest.order_by("-collected_at").values("collected_at")[:1]),
            last_published=Subquery(
                newest.filter(published_on__isnull=False)
                .order_by("-published_on")
                .values("published_on")[:1]
            ),
        )
    )
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("node__path", "name")


def source_health(source: Source, *, on) -> tuple[str, str]:
    """The health of a source read through ``source_list``: ``failing`` (its latest fetch
    failed; the error), ``silent`` (nothing new for longer than its cadence allows on the
    working-day calendar), ``unread`` (never fetched) or ``ok``; with a detail to show."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from oversight.loop import timing

    if source.kind != Source.Kind.UPLOAD and source.last_outcome in FAILING:
        return "failing", source.last_error or Fetch.Outcome(source.last_outcome).label
    since = source.last_published or timezone.localdate(source.created_at)
    until = timing.calendar().add_days(since, source.cadence_days, working=True)
    if on > until:
        return "silent", _("Nothing new since %(since)s (expected by %(until)s).") % {
            "since": since,
            "until": until,
        }
    if source.kind != Source.Kind.UPLOAD and source.last_outcome is None:
        return "unread", ""
    return "ok", ""


def with_health(sources, *, on) -> list[Source]:
    """``sources`` as a list, each with ``health`` and ``health_detail`` set."""
    sources = list(sources)
    for source in sources:
        source.health, source.health_detail = source_health(source, on=on)
    return sources


def source_health_list(
    *, viewer, on, node=None, kind: str = "", health: str = ""
) -> QuerySet[Source]:
    """``source_list`` filtered to one health (computed for the viewer's sources)."""
    qs = source_list(viewer=viewer, node=node, kind=kind)
    if health in HEALTH:
        keep = [s.pk for s in with_health(qs, on=on) if s.health == health]
        qs = qs.filter(pk__in=keep)
    return qs


def source_get(*, viewer, pk: int) -> Source:
    return get_object_or_404(source_list(viewer=viewer), pk=pk)


def fetch_list(*, viewer, source: Source) -> QuerySet[Fetch]:
    """A source's fetch history (the source read through ``source_get`` first)."""
    return Fetch.objects.filter(source=source_get(viewer=viewer, pk=source.pk)).order_by(
        "-at", "-pk"
    )


def collected_list(*, viewer, source: Source) -> QuerySet[Collected]:
    """What was collected from a source (read through ``source_get`` first), newest first."""
    return (
        Collected.objects.filter(source=source_get(viewer=viewer, pk=source.pk))
        .select_related("publication", "publication__catalogue_item")
        .order_by("-collected_at", "-pk")
    )


def unclassified_list(*, viewer, node=None) -> QuerySet[Collected]:
    """Collected notices of sources in the viewer's scope that the rules did not place: no
    captured notice (no date, say), or one without a catalogue item or period."""
    qs = (
        Collected.objects.filter(scope_q(viewer, node="source__node"))
        .filter(
            Q(publication__isnull=True)
            | Q(publication__catalogue_item__isnull=True)
            | Q(publication__key="")
        )
        .select_related("source", "source__node", "publication")
    )
    if node is not None:
        qs = qs.filter(source__node__path__startswith=node.path)
    return qs.order_by("-collected_at", "-pk")


def collected_get(*, viewer, pk: int) -> Collected:
    return get_object_or_404(
        Collected.objects.filter(scope_q(viewer, node="source__node")).select_related(
            "source", "source__node", "publication"
        ),
        pk=pk,
    )


def upload_sources(*, viewer) -> QuerySet[Source]:
    """The enabled upload sources of units in the viewer's scope."""
    return (
        Source.objects.filter(scope_q(viewer, node="node"), kind=Source.Kind.UPLOAD, enabled=True)
        .select_related("node")
        .order_by("node__path", "name")
    )
