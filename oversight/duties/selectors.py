"""Reads of duty lists, scoped by the org tree: a unit sees its own lists, reports and score;
the commission sees those of its tree."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from oversight.loop import timing
from oversight.orgs.access import scope_q

from .models import DutyItem, DutyList, DutyReport, UnitList


def unit_list_list(*, viewer, duty_list: DutyList | None = None) -> QuerySet[UnitList]:
    """The unit lists whose unit lies in the viewer's scope."""
    qs = UnitList.objects.filter(scope_q(viewer, node="node")).select_related(
        "duty_list", "node", "supervising_node", "signed_by"
    )
    if duty_list is not None:
        qs = qs.filter(duty_list=duty_list)
    return qs.order_by("-duty_list__year", "duty_list__title", "node__path")


def unit_list_get(*, viewer, pk: int) -> UnitList:
    return get_object_or_404(unit_list_list(viewer=viewer), pk=pk)


def list_list(*, viewer) -> QuerySet[DutyList]:
    """The lists the viewer's body issues (its scope covers the issuing body), and those issued
    to a unit in its scope."""
    own = scope_q(viewer, node="owner_node")
    qs = DutyList.objects.all()
    if own:  # an empty Q is "everything": or-ing anything to it would narrow it
        issued = UnitList.objects.filter(scope_q(viewer, node="node")).values("duty_list")
        qs = qs.filter(own | Q(pk__in=issued))
    return (
        qs.select_related("owner_node")
        .annotate(units=Count("unit_lists", distinct=True))
        .order_by("-year", "kind", "title")
    )


def list_get(*, viewer, pk: int) -> DutyList:
    return get_object_or_404(list_list(viewer=viewer), pk=pk)


def list_tree(*, duty_list: DutyList) -> list:
    """The areas of a list with their items, in order."""
    return list(duty_list.areas.prefetch_related("items"))


def report_list(*, viewer) -> QuerySet[DutyReport]:
    return DutyReport.objects.filter(scope_q(viewer, node="unit_list__node")).select_related(
        "item", "duty_item", "duty_item__area", "unit_list", "unit_list__node"
    )


def report_get(*, viewer, pk: int) -> DutyReport:
    """A report by its work item's id, if its unit is in the viewer's scope; else 404."""
    return get_object_or_404(report_list(viewer=viewer), item_id=pk)


# --- live scores -------------------------------------------------------------------------------


@dataclass
class Score:
    """A unit's score so far: the points earned of those that could be earned by now."""

    unit_list: UnitList
    earned: Decimal = Decimal(0)
    possible: Decimal = Decimal(0)
    reports: int = 0
    documented: int = 0
    late: int = 0
    missing: int = 0
    rank: int | None = None
    vetoed: bool = False
    items: dict = field(default_factory=dict)

    @property
    def node(self):
        return self.unit_list.node

    @property
    def percent(self) -> Decimal | None:
        if not self.possible:
            return None
        return (100 * self.earned / self.possible).quantize(Decimal("0.1"))


def _counted(report: DutyReport, today: datetime.date) -> Decimal | None:
    """The share (0–1) of its item's points a report earns so far, or None while it cannot be
    scored yet: scored reports by their score; a report left empty past its deadline scores
    nothing (entry locks); one awaiting review or not yet due does not count."""
    points = report.duty_item.points
    if report.score is not None:
        return report.score / points
    if _empty_past_deadline(report, today):
        return Decimal(0)
    return None


def _empty_past_deadline(report: DutyReport, today: datetime.date) -> bool:
    return report.reported_on is None and report.due < today and report.item.closed_at is None


def measured_values(
    *, items, nodes, year: int, today: datetime.date
) -> dict[str, dict[int, Decimal | None]]:
    """Each measure's figure (``{measure id: {node id: value}}``) of the items computed from a
    measure, for ``nodes`` over ``year`` up to ``today``, read from the records by the measures
    registry (the platform's own view: the units' lists decide who sees the result)."""
    from oversight.core.measure_registry import MEASURES, SYSTEM, Period
    from oversight.measures import selectors as measures

    wanted = sorted({i.measure for i in items if i.measure in MEASURES})
    if not wanted or not nodes:
        return {}
    period = Period.containing(datetime.date(year, 1, 1), Period.YEAR)
    figs = measures.figures(
        viewer=SYSTEM,
        measures=[MEASURES[m] for m in wanted],
        nodes=list(nodes),
        period=period,
        on=min(today, period.end) if today >= period.start else period.start,
        live=True,
    )
    return {
        m: {
            pk: None if fig.value is None else Decimal(str(fig.value))
            for pk, fig in figs[m].items()
        }
        for m in wanted
    }


def all_scores(duty_list: DutyList, today: datetime.date) -> list[Score]:
    """Every unit's score on ``duty_list`` (see ``scores``), unscoped, computed from scratch from
    all its reports: the reference the stored rows (``scoring``) are held to by the tests."""
    from . import rules

    unit_lists = list(
        UnitList.objects.filter(duty_list=duty_list).select_related(
            "duty_list", "node", "supervising_node", "signed_by"
        )
    )
    result = {u.pk: Score(unit_list=u) for u in unit_lists}
    items = {i.pk: i for i in items_of(duty_list)}
    shares: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    ranked_values: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    vetoed: set[int] = set()
    reports = DutyReport.objects.filter(unit_list__duty_list=duty_list).select_related("item")
    for report in reports:
        item = items[report.duty_item_id]
        report.duty_item = item
        score = result[report.unit_list_id]
        score.reports += 1
        if report.reported_on is not None:
            score.documented += 1
            if report.reported_on > report.due:
                score.late += 1
        elif report.due < today:
            score.missing += 1
        if item.rule == rules.VETO:
            if report.value is not None and report.value > 0:
                vetoed.add(report.unit_list_id)
            continue
        if item.rule == rules.RANK:
            if report.value is not None:
                ranked_values[item.pk][report.unit_list_id].append(report.value)
            elif _empty_past_deadline(report, today):
                shares[(report.unit_list_id, item.pk)].append(Decimal(0))
            continue
        share = _counted(report, today)
        if share is not None:
            shares[(report.unit_list_id, item.pk)].append(share)
    measured = [i for i in items.values() if i.measure]
    values = measured_values(
        items=measured, nodes=[u.node for u in unit_lists], year=duty_list.year, today=today
    )
    for item in measured:
        for unit_list in unit_lists:
            value = values.get(item.measure, {}).get(unit_list.node_id)
            if value is None or not item.applies_to(unit_list.node):
                continue
            if item.rule == rules.VETO:
                if value > 0:
                    vetoed.add(unit_list.pk)
            elif item.rule == rules.RANK:
                ranked_values[item.pk][unit_list.pk].append(value)
            else:
                earned = rules.points_for(item.rule, item.params, item.points, value)
                shares[(unit_list.pk, item.pk)].append(earned / item.points)
    for item_id, per_unit in ranked_values.items():
        item = items[item_id]
        by_type: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for unit_list_id, found in per_unit.items():
            node_type = result[unit_list_id].node.type
            by_type[node_type][unit_list_id] = sum(found, Decimal(0)) / len(found)
        for group in by_type.values():
            placed = rules.ranks(group, lower_is_better=bool(item.params.get("lower_is_better")))
            for unit_list_id, rank in placed.items():
                earned = rules.rank_points(item.params, item.points, rank, len(group))
                shares[(unit_list_id, item_id)].append(earned / item.points)
    for (unit_list_id, item_id), found in shares.items():
        score = result[unit_list_id]
        points = items[item_id].points
        earned = points * sum(found) / len(found)
        score.items[item_id] = earned
        score.earned += earned
        score.possible += points
    for score in result.values():
        score.earned = score.earned.quantize(Decimal("0.01"))
        if score.unit_list.pk in vetoed:
            score.vetoed = True
            score.earned = Decimal("0.00")
    ranked = sorted(
        result.values(),
        key=lambda s: (s.percent is None, -(s.percent or 0), s.node.name),
    )
    by_type_rank: dict[str, list[Score]] = defaultdict(list)
    for score in ranked:
        by_type_rank[score.node.type].append(score)
    for group in by_type_rank.values():
        previous, rank = None, 0
        for n, score in enumerate(group, 1):
            if score.percent is None:
                continue
            if score.percent != previous:
                rank, previous = n, score.percent
            score.rank = rank
    return ranked


def scores(
    *,
    viewer,
    duty_list: DutyList,
    today: datetime.date | None = None,
    with_items: bool = True,
) -> list[Score]:
    """The score so far on ``duty_list`` of each unit in the viewer's scope, ranked among all
    the units of the same type the list was issued to (a unit sees its own rank, not the
    others' scores).

    An item counts its full points once any of its occurrences can be scored, and earns them
    in proportion to the mean share its scorable occurrences earned; items computed from a
    measure count once the measure has a figure for the unit; rank items are placed among
    the units of the type; a triggered veto makes the whole score 0."""
    from . import scoring

    today = today or timing.today()
    visible = set(unit_list_list(viewer=viewer, duty_list=duty_list).values_list("pk", flat=True))
    if not visible:
        return []
    return scoring.read(duty_list, today, visible, with_items)


def score_of(*, unit_list: UnitList, today: datetime.date | None = None) -> Score:
    """The score and rank of one unit's list (the caller has read ``unit_list`` in its scope)."""
    from . import scoring

    return scoring.score_of(unit_list, today or timing.today())


def ratings_of(*, report: DutyReport) -> tuple[Decimal | None, Decimal | None, list[Decimal]]:
    """The raters' points on a report: their mean, their spread (highest less lowest) and the
    points themselves, in the order given."""
    from . import rules

    given = [r.score for r in report.ratings.order_by("rated_at", "pk")]
    if not given:
        return None, None, []
    mean, spread = rules.average(given)
    return mean, spread, given


def items_of(duty_list: DutyList) -> QuerySet[DutyItem]:
    return DutyItem.objects.filter(area__duty_list=duty_list).select_related("area")


# --- copied and thin reports ---------------------------------------------------------------------

THIN_SHINGLES = 20  # fewer shingles of its own than this (beyond the requirement): thin


@dataclass
class Check:
    """What the supervisor is shown about a report: the peers' reports it resembles (each with
    its similarity in %), whether it is thin, whether it has no evidence attached."""

    text: str = ""
    copied: list = field(default_factory=list)
    history: list = field(default_factory=list)
    thin: bool = False
    no_evidence: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.copied) or bool(self.history) or self.thin or self.no_evidence


def _latest_texts(item_ids) -> dict[int, str]:
    """The latest report text (the comment of the last ``submit`` step) of each work item."""
    from oversight.loop.models import Event

    texts: dict[int, str] = {}
    for item_id, comment in (
        Event.objects.filter(item_id__in=item_ids, transition="submit")
        .order_by("item_id", "at", "pk")
        .values_list("item_id", "comment")
    ):
        texts[item_id] = comment
    return texts


def similar_reports(
    report: DutyReport, text: str, peers, threshold: float, own: frozenset | None = None
) -> list[tuple[DutyReport, int]]:
    """Which of ``peers`` (reports of other units on the same duty) ``text`` resembles, with
    the similarity in %, most alike first; the duty's requirement and evidence are discounted.
    Compared from the reports' stored prints: only the peers sharing an LSH bucket with the
    text (above ``prints.LSH_FLOOR``; every peer below it), and the texts read of those found."""
    from . import prints

    if own is None:
        own = frozenset(prints.own_hashes(text, prints.boilerplate_of(report.duty_item)))
    if not own:
        return []
    if threshold >= prints.LSH_FLOOR:
        near = prints.candidates(report, own)
        peers = peers.filter(Q(pk__in=near) | Q(print__isnull=True))
    peers = list(peers)
    sets = prints.sets_of(peers)
    found = []
    for peer in peers:
        alike = prints.jaccard(own, sets[peer.pk])
        if alike >= threshold:
            found.append((peer, round(100 * alike)))
    texts = _latest_texts([peer.item_id for peer, _alike in found])
    for peer, _alike in found:
        peer.text = texts.get(peer.item_id, "")
    found.sort(key=lambda pair: -pair[1])
    return found


def peers_of(report: DutyReport, reports=None):
    """The reports other units made on the same duty this year (of ``reports``: all by
    default)."""
    reports = DutyReport.objects.all() if reports is None else reports
    return reports.filter(duty_item=report.duty_item_id, reported_on__isnull=False).exclude(
        unit_list=report.unit_list_id
    )


def own_history(report: DutyReport):
    """The unit's own reports on the same duty in earlier years' versions of the list."""
    return DutyReport.objects.filter(
        unit_list__node=report.unit_list.node_id,
        duty_item__lineage=report.duty_item.lineage,
        unit_list__duty_list__year__lt=report.unit_list.duty_list.year,
        reported_on__isnull=False,
    ).select_related("unit_list__duty_list", "unit_list__node")


def threshold_of(report: DutyReport) -> float:
    """The similarity the list's commission set for flagging a report as copied."""
    return float(report.unit_list.duty_list.copy_threshold)


def report_check(*, viewer, report: DutyReport, threshold: float | None = None) -> Check:
    """Compare ``report`` with the reports other units in the viewer's scope made on the same
    duty this year and with the unit's own reports of earlier years: near-duplicates (above the
    list's threshold, the duty's requirement discounted) and thin or unevidenced reports."""
    threshold = threshold_of(report) if threshold is None else threshold
    from . import prints

    text = _latest_texts([report.item_id]).get(report.item_id)
    if text is None:
        return Check()
    own = prints.sets_of([report])[report.pk]
    peers = peers_of(report, report_list(viewer=viewer)).select_related("unit_list__node")
    return Check(
        text=text,
        copied=similar_reports(report, text, peers, threshold, own),
        history=similar_reports(report, text, own_history(report), threshold, own),
        thin=len(own) < THIN_SHINGLES,
        no_evidence=not report.item.attachments.exists(),
    )


# --- the year-end assessment -------------------------------------------------------------------


def assessment_of(*, viewer, duty_list: DutyList):
    """The frozen assessment of a list the viewer sees, or None."""
    from .models import Assessment

    return (
        Assessment.objects.filter(duty_list=duty_list)
        .select_related("duty_list", "result_document", "circular", "frozen_by")
        .first()
    )


def result_list(*, viewer, assessment) -> QuerySet:
    """The frozen results of the units in the viewer's scope."""
    from .models import AssessmentResult

    return (
        AssessmentResult.objects.filter(assessment=assessment)
        .filter(scope_q(viewer, node="node"))
        .select_related("node", "appeal", "assessment__duty_list")
        .order_by("node__type", "rank", "node__name")
    )


def result_get(*, viewer, pk: int):
    """A frozen result of a unit in the viewer's scope; else 404."""
    from .models import AssessmentResult

    return get_object_or_404(
        AssessmentResult.objects.filter(scope_q(viewer, node="node")).select_related(
            "node", "appeal", "assessment__duty_list__owner_node", "unit_list"
        ),
        pk=pk,
    )


# --- charts ------------------------------------------------------------------------------------


def score_distribution(rows: list[Score]) -> dict:
    """How many of ``rows`` score in each tenth of 100 % (the last holds 100 %)."""
    names = [f"{10 * k}–{10 * k + 10}" for k in range(10)]
    counts = [0] * 10
    for score in rows:
        if score.percent is not None:
            counts[min(int(score.percent // 10), 9)] += 1
    return {"names": names, "values": counts}


def progress(*, viewer, duty_list: DutyList, today: datetime.date | None = None) -> dict:
    """Month by month up to today: the reports due by each month's end, how many of them had
    been made by their deadline, and how many had been accepted, of the units in the viewer's
    scope."""
    import calendar

    today = today or timing.today()
    mine = report_list(viewer=viewer).filter(unit_list__duty_list=duty_list).order_by()
    by_due = list(
        mine.values("due").annotate(
            n=Count("pk"), on_time=Count("pk", filter=Q(reported_on__lte=F("due")))
        )
    )
    by_scored = list(
        mine.filter(scored_on__isnull=False).values("scored_on").annotate(n=Count("pk"))
    )
    months, due, on_time, scored = [], [], [], []
    for month in range(1, 13):
        end = datetime.date(duty_list.year, month, calendar.monthrange(duty_list.year, month)[1])
        if end.replace(day=1) > today:
            break
        end = min(end, today)
        months.append(f"{duty_list.year}-{month:02d}")
        due.append(sum(r["n"] for r in by_due if r["due"] <= end))
        on_time.append(sum(r["on_time"] for r in by_due if r["due"] <= end))
        scored.append(sum(r["n"] for r in by_scored if r["scored_on"] <= end))
    return {"names": months, "due": due, "on_time": on_time, "scored": scored}


def recheck_year(duty_list: DutyList) -> dict[int, int | None]:
    """Every report made on ``duty_list`` compared again with the other units' reports on the
    same duty (the duty's requirement discounted, above the list's threshold): ``{report id:
    the id of the report it most resembles, or None}``. Worked from the stored prints: the
    pairs sharing an LSH bucket (every pair below ``prints.LSH_FLOOR``), in the order of the
    sets' sizes, those whose sizes alone rule the threshold out skipped."""
    from itertools import combinations

    from . import prints
    from .models import ReportPrint

    threshold = float(duty_list.copy_threshold)
    reports = list(
        DutyReport.objects.filter(unit_list__duty_list=duty_list, reported_on__isnull=False)
        .select_related("duty_item")
        .only(
            "pk",
            "item_id",
            "unit_list_id",
            "duty_item__requirement",
            "duty_item__evidence",
            "duty_item__lineage",
        )
    )
    sets = prints.sets_of(reports)
    signatures = dict(
        ReportPrint.objects.filter(report__unit_list__duty_list=duty_list).values_list(
            "report_id", "signature"
        )
    )
    by_item: dict[int, list] = defaultdict(list)
    for report in reports:
        by_item[report.duty_item_id].append(report)
    found: dict[int, int | None] = {}
    for group in by_item.values():
        entries = sorted(((r, sets[r.pk]) for r in group), key=lambda pair: len(pair[1]))
        if threshold >= prints.LSH_FLOOR:
            buckets: dict[int, list[int]] = defaultdict(list)
            for i, (report, own) in enumerate(entries):
                if own:
                    for key in prints.band_keys(signatures.get(report.pk) or b""):
                        buckets[key].append(i)
            pairs = sorted(
                {
                    pair
                    for held in buckets.values()
                    if len(held) > 1
                    for pair in combinations(held, 2)
                }
            )
        else:
            pairs = combinations(range(len(entries)), 2)
        best: dict[int, tuple[float, int]] = {}
        for i, j in pairs:
            (a, sa), (b, sb) = entries[i], entries[j]
            if not sa or len(sa) < threshold * len(sb) or a.unit_list_id == b.unit_list_id:
                continue
            alike = prints.jaccard(sa, sb)
            if alike >= threshold:
                if alike > best.get(a.pk, (0, 0))[0]:
                    best[a.pk] = (alike, b.pk)
                if alike > best.get(b.pk, (0, 0))[0]:
                    best[b.pk] = (alike, a.pk)
        for report, _set in entries:
            found[report.pk] = best[report.pk][1] if report.pk in best else None
    return found
