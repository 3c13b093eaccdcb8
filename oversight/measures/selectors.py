"""Reading measures: figures for many nodes and one period, and the records behind a figure.

Figures obey the viewer's data scope: they count only the records the viewer's lists show
(the source's own scope filter), and a measure whose permission the viewer lacks is not
offered to them (``measures_for``). Closed periods are read from snapshots, but only for nodes
whose whole subtree the viewer sees; anything else is computed from the records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Count, Max, Q, QuerySet, Sum

from oversight.orgs.access import NOTHING, has_perm, scope_q, sees_everything
from oversight.orgs.models import OrgNode

from . import registry
from .models import Snapshot, SnapshotRun
from .registry import AGE, MEAN, NONE, RATE, SYSTEM, TOTAL, Measure, Period, Window


def today() -> datetime.date:
    """The day figures are computed on (the loop's calendar day; tests freeze it)."""
    from oversight.loop import timing

    return timing.today()


@dataclass
class Figure:
    """A measure's figure for one node (and one value of its dimension, when split)."""

    measure: Measure
    count: int = 0
    numerator: float | None = None
    value: float | int | None = 0
    as_of: datetime.date | None = None
    snapshot: bool = False

    def add(self, count: int, numerator) -> None:
        self.count += count
        if numerator is None:
            return
        if self.measure.kind == AGE:
            self.numerator = max(self.numerator or 0, numerator)
        else:
            self.numerator = (self.numerator or 0) + numerator

    def settle(self, as_of: datetime.date) -> Figure:
        self.as_of = as_of
        self.value = self.measure.value_of(self.count, self.numerator, as_of)
        return self


def measures_for(viewer) -> list[Measure]:
    """The measures whose records ``viewer`` may see."""
    return [m for m in registry.all_measures() if viewer is SYSTEM or has_perm(viewer, m.perm)]


def window(period: Period, on: datetime.date | None = None) -> Window:
    return registry.window(period, on or today())


def _base(measure: Measure, viewer, memo: dict | None = None) -> QuerySet:
    """The source's records in the viewer's scope. ``memo`` (one per page) keeps each
    source's scope filter, so a page of many figures composes each scope once."""
    source = measure.source
    qs = source.model._default_manager.all()
    if viewer is SYSTEM:
        return qs
    if memo is None:
        return qs.filter(source.scope(viewer))
    key = ("scope", source.id)
    if key not in memo:
        memo[key] = source.scope(viewer)
    return qs.filter(memo[key])


def _aggregates(measures: list[Measure], win: Window) -> dict:
    aggregates = {}
    for i, m in enumerate(measures):
        where = m.where(win)
        aggregates[f"c{i}"] = Count("pk", filter=where)
        if m.kind == RATE:
            aggregates[f"n{i}"] = Count("pk", filter=where & m.good)
        elif m.kind in (MEAN, TOTAL):
            aggregates[f"n{i}"] = Sum(m.field, filter=where)
        elif m.kind == AGE:
            aggregates[f"n{i}"] = Max(m.field, filter=where)
    return aggregates


def _numerator(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().toordinal()
    if isinstance(value, datetime.date):
        return value.toordinal()
    return float(value)


def _within(lookup: str, nodes: list[OrgNode]) -> Q:
    """Records under any of ``nodes`` (all of them when one is a root: no condition)."""
    if any(n.parent_id is None for n in nodes):
        return Q()
    tops = []
    for node in sorted(nodes, key=lambda n: len(n.path)):
        if not any(node.path.startswith(top) for top in tops):
            tops.append(node.path)
    under = reduce(or_, (Q(path__startswith=top) for top in tops))
    return Q(**{f"{lookup}__in": OrgNode.objects.filter(under).values("pk")})


def _grouped_rows(
    measures: list[Measure], viewer, win: Window, split: bool, param: str, nodes=None, memo=None
) -> tuple[list[str], list[tuple]]:
    """One query for every measure of one source: its column names and rows of (node id,
    dimension value, counts and numerators), as the database answers them."""
    source = measures[0].source
    if source.node and nodes and all(_sees_subtree(viewer, n, memo) for n in nodes):
        # Every record under these nodes is the viewer's to see: no scope filter needed.
        qs = _base(measures[0], SYSTEM).filter(_within(source.node, nodes))
    else:
        qs = _base(measures[0], viewer, memo)
        if source.node and nodes:
            qs = qs.filter(_within(source.node, nodes))
    if source.relevant is None and source.prefilter:
        qs = qs.filter(reduce(or_, (m.where(win) for m in measures)))
    if param and source.dimension:
        qs = qs.filter(**{source.dimension.field: param})
    group = []
    if source.node:
        group.append(source.node)
    if split and source.dimension:
        group.append(source.dimension.field)
    aggregates = _aggregates(measures, win)
    parts = [qs] if source.relevant is None else [qs.filter(q) for q in source.relevant(win)]
    if not group:
        rows = [part.order_by().aggregate(**aggregates) for part in parts]
        columns = list(aggregates)
        return columns, [tuple(row[c] for c in columns) for row in rows]
    if any(m.kind == AGE for m in measures):
        # A latest date needs the field's converter (SQLite answers dates as text).
        columns = [*group, *aggregates]
        rows = [
            tuple(row[c] for c in columns)
            for part in parts
            for row in part.order_by().values(*group).annotate(**aggregates)
        ]
        return columns, rows
    # Counts, sums and group keys are plain numbers and strings: read the rows as the
    # database gives them, without the ORM's per-value converters (thousands of rows a page).
    # Rows of several parts may share a node: the roll-up adds them like any two rows.
    columns, rows = [], []
    for part in parts:
        grouped = part.order_by().values(*group).annotate(**aggregates)
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
        with connections[grouped.db].cursor() as cursor:
            cursor.execute(sql, params)
            columns = [c[0] for c in cursor.description]
            rows.extend(cursor.fetchall())
    return columns, rows


def figures(
    *,
    viewer,
    measures: list[Measure],
    nodes: list[OrgNode],
    period: Period,
    split: bool = False,
    param: str = "",
    on: datetime.date | None = None,
    live: bool = False,
    memo: dict | None = None,
) -> dict[str, dict]:
    """``{measure id: {node id: Figure}}`` (with ``split``: ``{measure id: {(node id,
    dimension value): Figure}}``) for ``nodes`` and ``period``, one query per source.
    ``live`` computes a closed period from the records even when it was kept; ``memo`` (a
    dict the caller keeps for one page) spares recomposing scopes across calls.

    A node's figure covers its subtree; a measure that does not roll up covers the node's own
    records only. ``param`` limits every figure to one value of the source's dimension.
    """
    win = window(period, on)
    result: dict[str, dict] = {m.id: {} for m in measures}
    todo = list(measures)
    if not live and not win.live and period.end < (on or today()):
        todo = _from_snapshots(result, viewer, measures, nodes, win, split, param, memo)
    by_source: dict[str, list[Measure]] = defaultdict(list)
    for m in todo:
        by_source[m.source.id].append(m)
    requested = {n.pk for n in nodes}
    targets_of: dict[int, tuple[list[int], list[int]]] = {}
    paths = None
    for group in by_source.values():
        columns, rows = _grouped_rows(group, viewer, win, split, param, nodes, memo)
        source = group[0].source
        if source.node and paths is None:
            paths = _paths(memo)
        position = {name: i for i, name in enumerate(columns)}
        node_at = position[source.node] if source.node else None
        dim_at = position[source.dimension.field] if split and source.dimension else None
        slots = [
            (position[f"c{i}"], position.get(f"n{i}"), m, result[m.id], m.rollup == NONE)
            for i, m in enumerate(group)
        ]
        everyone = list(requested)
        for row in rows:
            dim = row[dim_at] if dim_at is not None else None
            if node_at is not None:
                node_id = row[node_at]
                cached = targets_of.get(node_id)
                if cached is None:
                    path = paths.get(node_id)
                    ancestors = [int(p) for p in path.strip("/").split("/")] if path else []
                    cached = targets_of[node_id] = (
                        [a for a in ancestors if a in requested],
                        [node_id] if node_id in requested else [],
                    )
                up, own = cached
                if not up:
                    continue  # a record of a node outside the requested subtrees
            else:
                up = own = everyone
            for count_at, numerator_at, m, figs, own_only in slots:
                count = row[count_at] or 0
                numerator = row[numerator_at] if numerator_at is not None else None
                if not count and numerator is None:
                    continue
                numerator = _numerator(numerator)
                for node_id in own if own_only else up:
                    key = (node_id, dim) if split else node_id
                    fig = figs.get(key)
                    if fig is None:
                        fig = figs[key] = Figure(m, value=None)
                    fig.add(count, numerator)
        for m in group:
            for fig in result[m.id].values():
                fig.settle(win.as_of)
            if not split:
                for node in nodes:
                    if node.pk not in result[m.id]:
                        result[m.id][node.pk] = Figure(m).settle(win.as_of)
    return result


def _paths(memo: dict | None) -> dict[int, str]:
    """Every org node's path by id (once per page when ``memo`` is given)."""
    if memo is not None and "paths" in memo:
        return memo["paths"]
    paths = dict(OrgNode.objects.values_list("pk", "path"))
    if memo is not None:
        memo["paths"] = paths
    return paths


def summed(figs: dict, node_ids, measure: Measure) -> Figure:
    """One figure for several disjoint nodes (a stationed group's units): counts and
    numerators added, as the roll-up does."""
    total = Figure(measure, value=None)
    as_of = None
    for node_id in node_ids:
        fig = figs.get(node_id)
        if fig is not None:
            total.add(fig.count, fig.numerator)
            as_of = as_of or fig.as_of
    return total.settle(as_of or today())


def figures_and_split(
    *, viewer, measures: list[Measure], nodes: list[OrgNode], period: Period, on=None, memo=None
) -> tuple[dict[str, dict], dict[str, dict]]:
    """Both ``figures`` and their split by dimension. While the period runs, one query per
    source answers both (the totals are the sums of the parts); a closed period is read as
    two (its snapshots keep totals and parts apart)."""
    win = window(period, on)
    kwargs = {"viewer": viewer, "measures": measures, "nodes": nodes, "period": period}
    split = figures(**kwargs, split=True, on=on, memo=memo)
    if not win.live:
        whole = figures(**kwargs, on=on, memo=memo)
        return whole, split
    whole: dict[str, dict] = {}
    for m in measures:
        per_node = {n.pk: Figure(m, value=None) for n in nodes}
        for (node_id, _dim), fig in split[m.id].items():
            per_node[node_id].add(fig.count, fig.numerator)
        whole[m.id] = {pk: fig.settle(win.as_of) for pk, fig in per_node.items()}
    return whole, split


def prefetch_kept(*, measures: list[Measure], nodes: list[OrgNode], periods, memo: dict) -> None:
    """Read the kept figures (totals) of several closed periods at once — a trend's months —
    into ``memo``, so that ``figures`` of each of them reads no table of its own."""
    keys = [p.key for p in periods]
    ids = [m.id for m in measures]
    taken: dict[str, set] = {key: set() for key in keys}
    for measure, period in SnapshotRun.objects.filter(measure__in=ids, period__in=keys).values_list(
        "measure", "period"
    ):
        taken[period].add(measure)
    rows: dict[str, list] = {key: [] for key in keys}
    for row in Snapshot.objects.filter(
        measure__in=ids, period__in=keys, node__in=nodes, param=""
    ).values_list("period", "measure", "node_id", "count", "numerator"):
        rows[row[0]].append(row[1:])
    covered = (frozenset(ids), frozenset(n.pk for n in nodes))
    for key in keys:
        memo[("kept", key)] = (covered, taken[key], rows[key])


def _kept(measures, nodes, period_key: str, split: bool, param: str, memo):
    """The measures kept for the period and their rows (measure, node id, param, count,
    numerator): from ``prefetch_kept`` when it covered them, else read now."""
    ids = [m.id for m in measures]
    pre = memo.get(("kept", period_key)) if memo is not None and not split and not param else None
    if pre is not None:
        (measure_ids, node_ids), taken, rows = pre
        if measure_ids.issuperset(ids) and node_ids.issuperset(n.pk for n in nodes):
            wanted = {n.pk for n in nodes}
            return taken & set(ids), [
                (measure, node_id, "", count, numerator)
                for measure, node_id, count, numerator in rows
                if measure in ids and node_id in wanted
            ]
    taken = set(
        SnapshotRun.objects.filter(measure__in=ids, period=period_key).values_list(
            "measure", flat=True
        )
    )
    if not taken:
        return taken, []
    qs = Snapshot.objects.filter(measure__in=list(taken), period=period_key, node__in=nodes)
    qs = qs.exclude(param="") if split else qs.filter(param=param)
    return taken, list(qs.values_list("measure", "node_id", "param", "count", "numerator"))


def _from_snapshots(result, viewer, measures, nodes, win, split, param, memo) -> list[Measure]:
    """Fill ``result`` from the snapshots of a closed period when the viewer sees every
    requested node whole; returns the measures still to compute from the records."""
    if not all(_sees_subtree(viewer, n, memo) for n in nodes):
        return list(measures)
    taken, rows = _kept(measures, nodes, win.period.key, split, param, memo)
    from_snapshot = {m.id: m for m in measures if m.id in taken}
    if not from_snapshot:
        return list(measures)
    for measure, node_id, snap_param, count, numerator in rows:
        m = from_snapshot[measure]
        key = (node_id, snap_param) if split else node_id
        result[m.id][key] = Figure(m, count, numerator, None, snapshot=True).settle(win.as_of)
    if not split:
        for m in from_snapshot.values():
            for node in nodes:
                if node.pk not in result[m.id]:
                    result[m.id][node.pk] = Figure(m, snapshot=True).settle(win.as_of)
    return [m for m in measures if m.id not in from_snapshot]


def _sees_subtree(viewer, node: OrgNode, memo: dict | None) -> bool:
    """``sees_subtree``; with ``memo`` (one page), the nodes outside the viewer's scope are
    read once and every node of the page is answered from them."""
    if memo is None:
        return sees_subtree(viewer, node)
    if "unseen" not in memo:
        memo["unseen"] = _unseen_paths(viewer)
    unseen = memo["unseen"]
    return unseen is not None and not any(path.startswith(node.path) for path in unseen)


def _unseen_paths(viewer) -> list[str] | None:
    """The paths of the org nodes outside the viewer's scope (none for whoever sees
    everything); ``None`` when the viewer sees no node at all."""
    if viewer is SYSTEM or sees_everything(viewer):
        return []
    q = scope_q(viewer, node="")
    if q == NOTHING:
        return None
    return list(OrgNode.objects.exclude(q).values_list("path", flat=True))


def sees_subtree(viewer, node: OrgNode) -> bool:
    """Whether the viewer's data scope covers ``node`` and everything below it."""
    if viewer is SYSTEM or sees_everything(viewer):
        return True
    subtree = OrgNode.objects.filter(path__startswith=node.path)
    return not subtree.exclude(scope_q(viewer, node="")).exists()


def records(
    *,
    viewer,
    measure: Measure,
    node: OrgNode | None,
    period: Period,
    param: str = "",
    on: datetime.date | None = None,
    nodes: list[OrgNode] | None = None,
) -> QuerySet:
    """The records behind ``measure``'s figure for ``node`` (or the sum of its figures for
    several ``nodes``) and ``period``, in the viewer's scope (the click-through list); for a
    rate, the good ones are those of ``good_records``."""
    win = window(period, on)
    source = measure.source
    qs = _base(measure, viewer).filter(measure.where(win))
    chosen = nodes if nodes else [node] if node is not None else []
    if source.node and chosen:
        if measure.rollup == NONE:
            qs = qs.filter(**{f"{source.node}__in": [n.pk for n in chosen]})
        else:
            qs = qs.filter(
                reduce(or_, (Q(**{f"{source.node}__path__startswith": n.path}) for n in chosen))
            )
    if param and source.dimension:
        qs = qs.filter(**{source.dimension.field: param})
    if source.select_related:
        qs = qs.select_related(*source.select_related)
    return qs.order_by("-pk")


def good_records(**kwargs) -> QuerySet:
    """For a rate: the records of its numerator."""
    measure = kwargs["measure"]
    return records(**kwargs).filter(measure.good)


def node_choices(*, viewer) -> list[OrgNode]:
    """The nodes whose figures the viewer may ask for."""
    from oversight.orgs.selectors import node_list

    return list(node_list(viewer=viewer).order_by("path"))
