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

from django.db.models import Count, Max, QuerySet, Sum

from oversight.orgs.access import has_perm, scope_q, sees_everything
from oversight.orgs.models import OrgNode

from . import registry
from .models import Snapshot, SnapshotRun
from .registry import AGE, MEAN, NONE, RATE, SYSTEM, Measure, Period, Window


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


def _base(measure: Measure, viewer) -> QuerySet:
    source = measure.source
    qs = source.model._default_manager.all()
    if viewer is not SYSTEM:
        qs = qs.filter(source.scope(viewer))
    return qs


def _aggregates(measures: list[Measure], win: Window) -> dict:
    aggregates = {}
    for i, m in enumerate(measures):
        where = m.where(win)
        aggregates[f"c{i}"] = Count("pk", filter=where)
        if m.kind == RATE:
            aggregates[f"n{i}"] = Count("pk", filter=where & m.good)
        elif m.kind == MEAN:
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


def _grouped_rows(measures: list[Measure], viewer, win: Window, split: bool, param: str):
    """One query for every measure of one source: rows of (node id, dimension value, counts)."""
    source = measures[0].source
    qs = _base(measures[0], viewer).filter(reduce(or_, (m.where(win) for m in measures)))
    if param and source.dimension:
        qs = qs.filter(**{source.dimension.field: param})
    group = []
    if source.node:
        group.append(source.node)
    if split and source.dimension:
        group.append(source.dimension.field)
    aggregates = _aggregates(measures, win)
    if not group:
        return [qs.order_by().aggregate(**aggregates)]
    return list(qs.order_by().values(*group).annotate(**aggregates))


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
) -> dict[str, dict]:
    """``{measure id: {node id: Figure}}`` (with ``split``: ``{measure id: {(node id,
    dimension value): Figure}}``) for ``nodes`` and ``period``, one query per source.
    ``live`` computes a closed period from the records even when it was kept.

    A node's figure covers its subtree; a measure that does not roll up covers the node's own
    records only. ``param`` limits every figure to one value of the source's dimension.
    """
    win = window(period, on)
    result: dict[str, dict] = {m.id: {} for m in measures}
    todo = list(measures)
    if not live and not win.live and period.end < (on or today()):
        todo = _from_snapshots(result, viewer, measures, nodes, win, split, param)
    by_source: dict[str, list[Measure]] = defaultdict(list)
    for m in todo:
        by_source[m.source.id].append(m)
    paths = None
    for group in by_source.values():
        rows = _grouped_rows(group, viewer, win, split, param)
        source = group[0].source
        if source.node and paths is None:
            paths = dict(OrgNode.objects.values_list("pk", "path"))
        requested = {n.pk for n in nodes}
        for row in rows:
            dim = row.get(source.dimension.field) if split and source.dimension else None
            if source.node:
                path = paths.get(row[source.node])
                if path is None:
                    continue
                ids = [int(part) for part in path.strip("/").split("/")]
                own = ids[-1]
            else:
                ids, own = list(requested), None
            for i, m in enumerate(group):
                count = row.get(f"c{i}") or 0
                numerator = _numerator(row.get(f"n{i}"))
                if not count and numerator is None:
                    continue
                targets = [own] if (m.rollup == NONE and own is not None) else ids
                for node_id in targets:
                    if node_id not in requested:
                        continue
                    key = (node_id, dim) if split else node_id
                    fig = result[m.id].get(key)
                    if fig is None:
                        fig = result[m.id][key] = Figure(m, value=None)
                    fig.add(count, numerator)
        for m in group:
            for fig in result[m.id].values():
                fig.settle(win.as_of)
            if not split:
                for node in nodes:
                    if node.pk not in result[m.id]:
                        result[m.id][node.pk] = Figure(m).settle(win.as_of)
    return result


def _from_snapshots(result, viewer, measures, nodes, win, split, param) -> list[Measure]:
    """Fill ``result`` from the snapshots of a closed period when the viewer sees every
    requested node whole; returns the measures still to compute from the records."""
    if not all(sees_subtree(viewer, n) for n in nodes):
        return list(measures)
    taken = set(
        SnapshotRun.objects.filter(
            measure__in=[m.id for m in measures], period=win.period.key
        ).values_list("measure", flat=True)
    )
    from_snapshot = {m.id: m for m in measures if m.id in taken}
    if not from_snapshot:
        return list(measures)
    qs = Snapshot.objects.filter(
        measure__in=list(from_snapshot), period=win.period.key, node__in=nodes
    )
    qs = qs.exclude(param="") if split else qs.filter(param=param)
    for snap in qs:
        m = from_snapshot[snap.measure]
        key = (snap.node_id, snap.param) if split else snap.node_id
        result[m.id][key] = Figure(m, snap.count, snap.numerator, None, snapshot=True).settle(
            win.as_of
        )
    if not split:
        for m in from_snapshot.values():
            for node in nodes:
                if node.pk not in result[m.id]:
                    result[m.id][node.pk] = Figure(m, snapshot=True).settle(win.as_of)
    return [m for m in measures if m.id not in from_snapshot]


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
) -> QuerySet:
    """The records behind ``measure``'s figure for ``node`` and ``period``, in the viewer's
    scope (the click-through list); for a rate, the good ones are those of ``good_records``."""
    win = window(period, on)
    source = measure.source
    qs = _base(measure, viewer).filter(measure.where(win))
    if source.node and node is not None:
        if measure.rollup == NONE:
            qs = qs.filter(**{source.node: node.pk})
        else:
            qs = qs.filter(**{f"{source.node}__path__startswith": node.path})
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
