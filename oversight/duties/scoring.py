"""Live scores kept in rows (``UnitScore``), one a unit and list: recomputed for a unit by the
report steps that change its score (in their transaction, ``refresh_unit``), for the rows whose
day has passed at the first read of a day (or by the nightly job), and read by the pages with
the rank among the units of the type counted by the database.

The figures are those of ``selectors.all_scores`` (the computation from scratch the tests hold
the rows to): each row keeps the parts of its score (each item's shares, and for rank items
the values the units are placed on), so a change of one unit re-ranks the others from their
rows without re-reading their reports."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Rank

from oversight.loop import timing

from .models import DutyItem, DutyList, DutyReport, UnitList, UnitScore

CENT, TENTH = Decimal("0.01"), Decimal("0.1")
FIGURES = ["reports", "documented", "late", "missing", "vetoed", "parts"]
FIGURES += ["computed_on", "valid_until", "node_type", "duty_list"]
FINAL = ["earned", "possible", "percent", "items"]


def _valid(today: datetime.date, measured: bool) -> Q:
    """The rows right for ``today``: computed on it, or (no item read from a measure, whose
    figures move every day) computed earlier with no deadline of an empty report passed since."""
    q = Q(computed_on=today)
    if not measured:
        q |= Q(computed_on__lt=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return q


def _collect(
    duty_list: DutyList, unit_lists: list[UnitList], items: dict, today: datetime.date
) -> dict[int, UnitScore]:
    """The rows of ``unit_lists`` with their own figures and parts (not yet the points, which
    rank items settle among all the units of the type), read from their reports."""
    from . import rules
    from .selectors import _counted, _empty_past_deadline, measured_values

    rows = {
        u.pk: UnitScore(
            unit_list=u,
            duty_list=duty_list,
            node_type=u.node.type,
            computed_on=today,
            valid_until=None,
        )
        for u in unit_lists
    }
    shares: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    values: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    zeros: dict[tuple[int, int], int] = defaultdict(int)
    reports = DutyReport.objects.select_related("item").only(
        "unit_list", "duty_item", "due", "reported_on", "score", "value", "item__closed_at"
    )
    if len(unit_lists) == UnitList.objects.filter(duty_list=duty_list).count():
        reports = reports.filter(unit_list__duty_list=duty_list)
    else:
        reports = reports.filter(unit_list__in=[u.pk for u in unit_lists])
    for report in reports:
        item = items[report.duty_item_id]
        report.duty_item = item
        row = rows[report.unit_list_id]
        key = (report.unit_list_id, item.pk)
        row.reports += 1
        if report.reported_on is not None:
            row.documented += 1
            if report.reported_on > report.due:
                row.late += 1
        else:
            if report.due < today:
                row.missing += 1
            elif row.valid_until is None or report.due < row.valid_until:
                row.valid_until = report.due  # the last day it is not yet past its deadline
        if item.rule == rules.VETO:
            if report.value is not None and report.value > 0:
                row.vetoed = True
            continue
        if item.rule == rules.RANK:
            if report.value is not None:
                values[key].append(report.value)
            elif _empty_past_deadline(report, today):
                zeros[key] += 1
            continue
        share = _counted(report, today)
        if share is not None:
            shares[key].append(share)
    measured = [i for i in items.values() if i.measure]
    found = measured_values(
        items=measured, nodes=[u.node for u in unit_lists], year=duty_list.year, today=today
    )
    for item in measured:
        for unit_list in unit_lists:
            value = found.get(item.measure, {}).get(unit_list.node_id)
            if value is None or not item.applies_to(unit_list.node):
                continue
            if item.rule == rules.VETO:
                if value > 0:
                    rows[unit_list.pk].vetoed = True
            elif item.rule == rules.RANK:
                values[(unit_list.pk, item.pk)].append(value)
            else:
                earned = rules.points_for(item.rule, item.params, item.points, value)
                shares[(unit_list.pk, item.pk)].append(earned / item.points)
    for row in rows.values():
        row.parts = {"shares": {}, "ranked": {}}
    for (unit_list_id, item_id), got in shares.items():
        rows[unit_list_id].parts["shares"][str(item_id)] = [str(sum(got)), len(got)]
    for key in set(values) | set(zeros):
        got = values.get(key, [])
        rows[key[0]].parts["ranked"][str(key[1])] = [
            str(sum(got, Decimal(0))),
            len(got),
            zeros.get(key, 0),
        ]
    return rows


def _finalise(rows, items: dict) -> None:
    """Each row's points: its items' shares, the rank items placed among the rows of its type
    (``rows`` holds every row of the list when it has rank items); a veto makes the score 0."""
    from . import rules

    placed: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for item in items.values():
        if item.rule != rules.RANK:
            continue
        by_type: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for row in rows:
            got = row.parts.get("ranked", {}).get(str(item.pk))
            if got and got[1]:
                by_type[row.node_type][row.unit_list_id] = Decimal(got[0]) / got[1]
        for group in by_type.values():
            ranks = rules.ranks(group, lower_is_better=bool(item.params.get("lower_is_better")))
            for unit_list_id, rank in ranks.items():
                earned = rules.rank_points(item.params, item.points, rank, len(group))
                placed[unit_list_id][item.pk] = earned / item.points
    for row in rows:
        found: dict[int, tuple[Decimal, int]] = {}
        for key, (total, count) in row.parts.get("shares", {}).items():
            found[int(key)] = (Decimal(total), count)
        for key, (_total, _count, empty) in row.parts.get("ranked", {}).items():
            share = placed[row.unit_list_id].get(int(key))
            if share is not None:
                found[int(key)] = (share, empty + 1)
            elif empty:
                found[int(key)] = (Decimal(0), empty)
        earned_sum, possible, points_of = Decimal(0), Decimal(0), {}
        for item_id in items:
            if item_id in found:
                total, count = found[item_id]
                points = items[item_id].points
                earned = points * total / count
                points_of[str(item_id)] = str(earned)
                earned_sum += earned
                possible += points
        row.earned = Decimal("0.00") if row.vetoed else earned_sum.quantize(CENT)
        row.possible = possible
        row.percent = (100 * row.earned / possible).quantize(TENTH) if possible else None
        row.items = points_of


def _items(duty_list: DutyList) -> dict[int, DutyItem]:
    return {i.pk: i for i in DutyItem.objects.filter(area__duty_list=duty_list)}


@transaction.atomic
def refresh(
    duty_list: DutyList, today: datetime.date, unit_lists: list[UnitList] | None = None
) -> int:
    """Recompute the rows of ``unit_lists`` (every unit of the list by default) for ``today``,
    and the points of every row of the list when a rank item ties them together."""
    from . import rules

    items = _items(duty_list)
    if unit_lists is None:
        unit_lists = list(UnitList.objects.filter(duty_list=duty_list).select_related("node"))
    if not unit_lists:
        return 0
    rows = list(_collect(duty_list, unit_lists, items, today).values())
    ranked = any(i.rule == rules.RANK for i in items.values())
    if not ranked:
        _finalise(rows, items)
    UnitScore.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["unit_list"],
        update_fields=FIGURES + FINAL,
    )
    if ranked:
        every = list(UnitScore.objects.filter(duty_list=duty_list))
        _finalise(every, items)
        UnitScore.objects.bulk_update(every, FINAL, batch_size=500)
    return len(rows)


def refresh_unit(unit_list_id: int, today: datetime.date | None = None) -> None:
    """The step of a report changed its unit's score: recompute the unit's row (in the step's
    transaction)."""
    unit_list = UnitList.objects.select_related("node", "duty_list").get(pk=unit_list_id)
    refresh(unit_list.duty_list, today or timing.today(), [unit_list])


def ensure_fresh(duty_list: DutyList, today: datetime.date) -> int:
    """Recompute the rows of the list not right for ``today`` (new units, a deadline of an
    empty report passed, a new day for a list with measured items); how many were."""
    measured = DutyItem.objects.filter(area__duty_list=duty_list).exclude(measure="").exists()
    fresh = UnitScore.objects.filter(duty_list=duty_list).filter(_valid(today, measured))
    stale = list(
        UnitList.objects.filter(duty_list=duty_list)
        .exclude(pk__in=fresh.values("unit_list"))
        .select_related("node")
    )
    if not stale:
        return 0
    return refresh(duty_list, today, stale)


def _score(row: UnitScore, rank, with_items: bool = True):
    from .selectors import Score

    return Score(
        unit_list=row.unit_list,
        earned=row.earned,
        possible=row.possible,
        reports=row.reports,
        documented=row.documented,
        late=row.late,
        missing=row.missing,
        rank=rank if row.percent is not None else None,
        vetoed=row.vetoed,
        items={int(k): Decimal(v) for k, v in row.items.items()} if with_items else {},
    )


FEW = 40  # up to this many rows: each row's rank counted apart; beyond, one window


def read(duty_list: DutyList, today: datetime.date, visible=None, with_items: bool = True) -> list:
    """The scores of the list's units (of ``visible`` unit list ids only, when given), ranked
    as ``selectors.all_scores`` ranks them: by score, then name, rank among units of a type
    (without the points of each item unless ``with_items``: the ranking does not show them)."""
    ensure_fresh(duty_list, today)
    rows = (
        UnitScore.objects.filter(duty_list=duty_list)
        .select_related(
            "unit_list__duty_list",
            "unit_list__node",
            "unit_list__supervising_node",
            "unit_list__signed_by",
        )
        .defer("parts", *([] if with_items else ["items"]))
    )
    if visible is not None and len(visible) <= FEW:
        better = (
            UnitScore.objects.filter(
                duty_list=OuterRef("duty_list"),
                node_type=OuterRef("node_type"),
                percent__gt=OuterRef("percent"),
            )
            .order_by()
            .values("duty_list")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = rows.filter(unit_list__in=list(visible)).annotate(
            place=Coalesce(Subquery(better), Value(0)) + 1
        )
    else:
        rows = rows.annotate(
            place=Window(
                Rank(), partition_by=[F("node_type")], order_by=F("percent").desc(nulls_last=True)
            )
        )
    found = [
        _score(r, r.place, with_items) for r in rows if visible is None or r.unit_list_id in visible
    ]
    found.sort(key=lambda s: (s.percent is None, -(s.percent or 0), s.node.name, s.node.path))
    return found


def score_of(unit_list: UnitList, today: datetime.date):
    """One unit's score and rank (two indexed reads)."""
    (found,) = read(unit_list.duty_list, today, {unit_list.pk})
    return found
