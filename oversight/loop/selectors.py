"""Every read of work items, limited by the viewer's data scope.

An item is visible when the viewer's scope covers its responsible unit, its supervising node or
one of its co-owning units, or when the viewer is its assignee or opened it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Avg, Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q, sees_everything
from oversight.orgs.models import OrgNode

from .models import CoOwner, Event, ExtensionRequest, WorkItem
from .workflow import RESPONSIBLE, SUPERVISING


def item_scope(viewer) -> Q:
    """The filter of the items ``viewer`` may see."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    if sees_everything(viewer):
        return Q()
    co_owned = CoOwner.objects.filter(scope_q(viewer, node="node")).values("item_id")
    return (
        scope_q(viewer, node="responsible_node", owner="assignee")
        | scope_q(viewer, node="supervising_node", owner="created_by")
        | Q(pk__in=co_owned)
        | Q(assignee_id=viewer.pk)
        | Q(created_by_id=viewer.pk)
    )


def visible_item_ids(*, viewer, ids) -> set[str]:
    """Which of ``ids`` (strings) ``viewer`` may open: the notifications' audience."""
    if sees_everything(viewer):
        return {str(i) for i in ids}
    found: set[str] = set()
    ids = sorted({int(i) for i in ids})
    for start in range(0, len(ids), 500):
        found.update(
            str(pk)
            for pk in WorkItem.objects.filter(
                item_scope(viewer), pk__in=ids[start : start + 500]
            ).values_list("pk", flat=True)
        )
    return found


def whole_file_visible_ids(*, viewer, ids) -> set[str]:
    """Which of ``ids`` (strings) ``viewer`` may see with every item below it: whose electronic
    file (and its receipt, which holds the whole tree) reveals nothing outside their scope."""
    if viewer is None or not viewer.is_authenticated:
        return set()
    if sees_everything(viewer):
        return {str(i) for i in ids}
    found: set[str] = set()
    for item in WorkItem.objects.filter(
        item_scope(viewer), pk__in=[int(i) for i in ids if str(i).isdigit()]
    ):
        if not descendants(item).exclude(item_scope(viewer)).exists():
            found.add(str(item.pk))
    return found


@dataclass(frozen=True)
class ItemFilters:
    kind: str = ""
    state: str = ""
    light: str = ""
    node: OrgNode | None = None  # responsible unit within this subtree
    open: bool | None = None
    overdue: bool = False
    search: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    on_time: bool | None = None


def item_list(*, viewer, filters: ItemFilters = ItemFilters()) -> QuerySet[WorkItem]:
    """Items in scope, filtered; overdue and red first, then by deadline."""
    qs = WorkItem.objects.filter(item_scope(viewer)).select_related("responsible_node", "assignee")
    f = filters
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.light:
        qs = qs.filter(light=f.light)
    if f.node is not None:
        qs = qs.filter(responsible_node__path__startswith=f.node.path)
    if f.open is True:
        qs = qs.filter(closed_at__isnull=True)
    elif f.open is False:
        qs = qs.filter(closed_at__isnull=False)
    if f.overdue:
        qs = qs.filter(closed_at__isnull=True, light=WorkItem.Light.RED)
    if f.search:
        qs = qs.filter(title__icontains=f.search)
    if f.opened_from:
        qs = qs.filter(opened_at__date__gte=f.opened_from)
    if f.opened_to:
        qs = qs.filter(opened_at__date__lte=f.opened_to)
    if f.closed_from:
        qs = qs.filter(closed_at__date__gte=f.closed_from)
    if f.closed_to:
        qs = qs.filter(closed_at__date__lte=f.closed_to)
    if f.on_time is not None:
        qs = qs.filter(closed_on_time=f.on_time)
    return qs.order_by(
        F("closed_at").asc(nulls_first=True),
        "-priority",
        F("final_deadline").asc(nulls_last=True),
        "-id",
    )


def item_get(*, viewer, pk: int) -> WorkItem:
    """One item in scope, or 404."""
    return get_object_or_404(
        WorkItem.objects.filter(item_scope(viewer)).select_related(
            "responsible_node", "supervising_node", "assignee", "parent", "created_by"
        ),
        pk=pk,
    )


def item_children(*, viewer, item: WorkItem) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(item_scope(viewer), parent=item).select_related(
        "responsible_node"
    )


def item_timeline(*, item: WorkItem) -> QuerySet[Event]:
    """The events of an item already fetched through ``item_get``."""
    return (
        item.events.select_related("actor__person")
        .prefetch_related("attachments")
        .order_by("at", "id")
    )


def my_work(*, viewer, tab: str):
    """待办 (waiting for me), 已办 (I acted on), 我发起的 (I opened): something a Paginator takes
    (``count()`` and slices of work items, units and assignees fetched for the slice only)."""
    base = WorkItem.objects.prefetch_related("responsible_node", "assignee", "parent")
    if tab == "done":
        acted = Event.objects.filter(actor_id=viewer.pk).values("item_id")
        return base.filter(pk__in=acted).order_by("-updated_at", "-id")
    if tab == "started":
        return base.filter(created_by_id=viewer.pk).order_by("-opened_at", "-id")
    branches = _waiting_branches(viewer)
    if connection.vendor == "postgresql" and len(branches) > 1:
        return _MergedBranches(branches)
    # SQLite answers the OR of the three branches with its multi-index OR; PostgreSQL would
    # bitmap-scan every waiting row before sorting, hence the merged branches above.
    return base.filter(_any_of(branches)).order_by(
        F("final_deadline").asc(nulls_last=True), "-priority", "id"
    )


def _waiting_branches(viewer) -> list[Q]:
    """Three disjoint filters, each served by its own index: assigned to me; unassigned at my
    unit; waiting for my supervising node. The last two only for a viewer whose data scope
    covers their own node: a cadre who sees only their own records is not counted the unit's
    work (they could not open it)."""
    node_id = viewer.org_node_id
    mine = Q(assignee_id=viewer.pk, waiting_on=RESPONSIBLE, closed_at__isnull=True)
    if not sees_everything(viewer) and not (
        OrgNode.objects.filter(scope_q(viewer, node=""), pk=node_id).exists()
    ):
        return [mine]
    return [
        mine,
        Q(
            responsible_node_id=node_id,
            waiting_on=RESPONSIBLE,
            closed_at__isnull=True,
            assignee__isnull=True,
        ),
        Q(supervising_node_id=node_id, waiting_on=SUPERVISING, closed_at__isnull=True),
    ]


class _MergedBranches:
    """ "To do" on PostgreSQL: a UNION ALL of the branches, each read in deadline order from its
    partial index, then the page's items fetched by id."""

    ORDER = ("final_deadline", "-priority", "id")  # ascending deadlines put NULLs last here

    def __init__(self, branches: list[Q]):
        self.parts = [
            WorkItem.objects.filter(b).values("id", "final_deadline", "priority") for b in branches
        ]

    def count(self) -> int:
        return sum(part.count() for part in self.parts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        union = self.parts[0].union(*self.parts[1:], all=True).order_by(*self.ORDER)
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = [row["id"] for row in union[index]]
        items = WorkItem.objects.prefetch_related("responsible_node", "assignee", "parent").in_bulk(
            ids
        )
        return [items[pk] for pk in ids if pk in items]


def my_overdue_count(*, viewer) -> int:
    """How many of the items waiting for ``viewer`` are red."""
    return WorkItem.objects.filter(
        _any_of(_waiting_branches(viewer)), light=WorkItem.Light.RED
    ).count()


def _any_of(branches: list[Q]) -> Q:
    combined = branches[0]
    for branch in branches[1:]:
        combined |= branch
    return combined


def pending_extensions(*, viewer) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.PENDING, item__in=WorkItem.objects.filter(item_scope(viewer))
    ).select_related("item", "requested_by")


# --- statistics (C5) -------------------------------------------------------------------------


@dataclass
class StatRow:
    key: object
    label: str
    opened: int = 0
    closed: int = 0
    open_overdue: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    average_days: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        """Closed on time among those closed and those overdue and still open: an overdue item
        counts against the rate before it closes (as the measure ``loop.on_time_rate``)."""
        done = self.closed_on_time + self.closed_late + self.open_overdue
        return round(100 * self.closed_on_time / done, 1) if done else None

    @property
    def overdue(self) -> int:
        return self.open_overdue + self.closed_late


def statistics(
    *,
    viewer,
    group_by: str = "node",
    kind: str = "",
    start: date | None = None,
    end: date | None = None,
    under: OrgNode | None = None,
) -> list[StatRow]:
    """Opened / closed / overdue / on-time rate / average days to close, per unit or per kind.

    Grouping by unit counts each item under the child of ``under`` (or of the viewer's highest
    visible nodes) that contains its responsible unit, so a county sees its towns and bureaus
    and a click goes one level down.
    """
    qs = WorkItem.objects.filter(item_scope(viewer))
    if kind:
        qs = qs.filter(kind=kind)
    if start:
        qs = qs.filter(opened_at__date__gte=start)
    if end:
        qs = qs.filter(opened_at__date__lte=end)
    field = "kind" if group_by == "kind" else "responsible_node"
    groups = None
    if group_by != "kind":
        groups = _groups(viewer, under)
        # Only items of units under the groups are counted: read only those (an index range
        # per group, instead of every item in the viewer's scope walked in unit order).
        if groups and all(g.parent_id is not None for g in groups):
            under_groups = Q()
            for g in groups:
                under_groups |= Q(path__startswith=g.path)
            qs = qs.filter(responsible_node__in=OrgNode.objects.filter(under_groups).values("pk"))
    rows = qs.values(field).annotate(
        opened=Count("id"),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        open_overdue=Count("id", filter=Q(closed_at__isnull=True, light=WorkItem.Light.RED)),
        on_time=Count("id", filter=Q(closed_on_time=True)),
        late=Count("id", filter=Q(closed_on_time=False)),
        average=Avg("days_to_close", filter=Q(closed_at__isnull=False)),
    )
    if group_by == "kind":
        from .registry import WORKFLOWS

        result = []
        for r in rows:
            workflow = WORKFLOWS.get(r["kind"])
            result.append(_stat(r["kind"], str(workflow.label) if workflow else r["kind"], r))
        return sorted(result, key=lambda s: s.label)
    return _roll_up(rows, under, groups)


def _stat(key, label, r) -> StatRow:
    average = r["average"]
    return StatRow(
        key=key,
        label=label,
        opened=r["opened"],
        closed=r["closed"],
        open_overdue=r["open_overdue"],
        closed_on_time=r["on_time"],
        closed_late=r["late"],
        average_days=round(average, 1) if average is not None else None,
    )


def _groups(viewer, under: OrgNode | None) -> list[OrgNode]:
    """The rows of a statistics by unit: the children of ``under`` and ``under`` itself (its
    own items), or the viewer's top visible nodes."""
    if under is not None:
        return list(OrgNode.objects.filter(parent=under).order_by("sort", "name")) + [under]
    from oversight.orgs.selectors import node_roots

    return list(node_roots(viewer=viewer))


def _roll_up(rows, under: OrgNode | None, groups: list[OrgNode]) -> list[StatRow]:
    """Sum per-unit rows into the children of ``under`` (or into the top visible nodes)."""
    rows = list(rows)
    node_ids = [r["responsible_node"] for r in rows]
    paths = dict(OrgNode.objects.filter(pk__in=node_ids).values_list("pk", "path"))
    totals: dict[int, StatRow] = {}
    weights: dict[int, float] = {}
    for r in rows:
        path = paths.get(r["responsible_node"], "")
        group = next(
            (
                g
                for g in groups
                if path.startswith(g.path) and (g is not under or path == under.path)
            ),
            None,
        )
        if group is None:
            continue
        row = totals.setdefault(group.pk, StatRow(key=group.pk, label=group.name))
        row.opened += r["opened"]
        row.closed += r["closed"]
        row.open_overdue += r["open_overdue"]
        row.closed_on_time += r["on_time"]
        row.closed_late += r["late"]
        if r["average"] is not None:
            weights[group.pk] = weights.get(group.pk, 0.0) + r["average"] * r["closed"]
    for pk, row in totals.items():
        if row.closed and pk in weights:
            row.average_days = round(weights[pk] / row.closed, 1)
    return sorted(totals.values(), key=lambda s: (-(s.on_time_rate or -1), s.label))


def descendants(item: WorkItem) -> QuerySet[WorkItem]:
    """The item with every sub-item below it, in tree order (unscoped: the caller has already
    fetched ``item`` through a scoped selector)."""
    return WorkItem.objects.filter(tree_path__startswith=item.tree_path).order_by("tree_path")
