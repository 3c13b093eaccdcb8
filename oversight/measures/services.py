"""Writes of the measures registry: snapshots of closed periods."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.orgs.models import OrgNode

from . import registry, selectors
from .models import Snapshot, SnapshotRun
from .registry import SYSTEM, Period


def snapshot_take(*, period: Period, on: datetime.date | None = None) -> int:
    """Keep every measure's figures of the closed ``period`` for every node (and every value of
    its dimension), once: a measure already taken for the period is left as it was, so a
    year-end result never changes. Returns the number of figures stored."""
    on = on or selectors.today()
    if period.end >= on:
        raise ValidationError({"period": _("Only a period that is over can be kept.")})
    nodes = list(OrgNode.objects.all())
    done = set(SnapshotRun.objects.filter(period=period.key).values_list("measure", flat=True))
    measures = [m for m in registry.all_measures() if m.id not in done]
    stored = 0
    # One transaction per source: a source's figures are kept whole or not at all.
    by_source: dict[str, list] = {}
    for m in measures:
        by_source.setdefault(m.source.id, []).append(m)
    for group in by_source.values():
        totals = selectors.figures(
            viewer=SYSTEM, measures=group, nodes=nodes, period=period, on=on, live=True
        )
        split = {}
        if group[0].source.dimension:
            split = selectors.figures(
                viewer=SYSTEM, measures=group, nodes=nodes, period=period, on=on, split=True,
                live=True,
            )  # fmt: skip
        rows = []
        for m in group:
            for node_id, fig in totals[m.id].items():
                if fig.count or fig.numerator is not None:
                    rows.append(_row(m, period, node_id, "", fig))
            for (node_id, param), fig in split.get(m.id, {}).items():
                if param not in (None, "") and (fig.count or fig.numerator is not None):
                    rows.append(_row(m, period, node_id, str(param), fig))
        with transaction.atomic():
            Snapshot.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
            SnapshotRun.objects.bulk_create(
                [SnapshotRun(measure=m.id, period=period.key) for m in group],
                ignore_conflicts=True,
            )
            # The kept figures' digest goes into the ledger with them: a year-end result
            # changed later in the table would no longer match its leaf.
            ledger.record(
                actor=None,
                action="measures.snapshot.take",
                target=("measures.snapshot", f"{period.key}:{group[0].source.id}"),
                before=None,
                after={"figures": len(rows), "digest": _digest(rows)},
                details={"period": period.key, "measures": [m.id for m in group]},
            )
        stored += len(rows)
    return stored


def _digest(rows: list[Snapshot]) -> str:
    """SHA-256 of the kept figures in a canonical order."""
    lines = sorted(
        f"{r.measure}|{r.node_id}|{r.param}|{r.count}|{r.numerator!r}|{r.value!r}" for r in rows
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _row(measure, period: Period, node_id: int, param: str, fig) -> Snapshot:
    value = fig.value
    return Snapshot(
        measure=measure.id,
        period=period.key,
        node_id=node_id,
        param=param,
        count=fig.count,
        numerator=fig.numerator,
        value=float(value) if value is not None else None,
    )
