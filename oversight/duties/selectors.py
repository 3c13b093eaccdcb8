"""Reads of duty lists, scoped by the org tree: a unit sees its own lists, reports and score;
the commission sees those of its tree."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
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
    if report.reported_on is None and report.due < today and report.item.closed_at is None:
        return Decimal(0)
    return None


def scores(*, viewer, duty_list: DutyList, today: datetime.date | None = None) -> list[Score]:
    """Each unit's score on ``duty_list`` so far, ranked among units of the same type.

    An item counts its full points once any of its occurrences can be scored, and earns them
    in proportion to the mean share its scorable occurrences earned."""
    today = today or timing.today()
    unit_lists = list(unit_list_list(viewer=viewer, duty_list=duty_list))
    result = {u.pk: Score(unit_list=u) for u in unit_lists}
    shares: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    points: dict[int, Decimal] = {}
    reports = DutyReport.objects.filter(unit_list__in=unit_lists).select_related(
        "duty_item", "item"
    )
    for report in reports:
        score = result[report.unit_list_id]
        score.reports += 1
        if report.reported_on is not None:
            score.documented += 1
            if report.reported_on > report.due:
                score.late += 1
        elif report.due < today:
            score.missing += 1
        share = _counted(report, today)
        points[report.duty_item_id] = report.duty_item.points
        if share is not None:
            shares[(report.unit_list_id, report.duty_item_id)].append(share)
    for (unit_list_id, item_id), values in shares.items():
        score = result[unit_list_id]
        earned = points[item_id] * sum(values) / len(values)
        score.items[item_id] = earned
        score.earned += earned
        score.possible += points[item_id]
    for score in result.values():
        score.earned = score.earned.quantize(Decimal("0.01"))
    ranked = sorted(
        result.values(),
        key=lambda s: (s.percent is None, -(s.percent or 0), s.node.name),
    )
    by_type: dict[str, list[Score]] = defaultdict(list)
    for score in ranked:
        by_type[score.node.type].append(score)
    for group in by_type.values():
        previous, rank = None, 0
        for n, score in enumerate(group, 1):
            if score.percent is None:
                continue
            if score.percent != previous:
                rank, previous = n, score.percent
            score.rank = rank
    return ranked


def items_of(duty_list: DutyList) -> QuerySet[DutyItem]:
    return DutyItem.objects.filter(area__duty_list=duty_list).select_related("area")


# --- copied and thin reports ---------------------------------------------------------------------

COPY_THRESHOLD = 0.6  # the share of own shingles two reports have in common to be flagged
THIN_SHINGLES = 20  # fewer shingles of its own than this (beyond the requirement): thin


@dataclass
class Check:
    """What the supervisor is shown about a report: the peers' reports it resembles (each with
    its similarity in %), whether it is thin, whether it has no evidence attached."""

    text: str = ""
    copied: list = field(default_factory=list)
    thin: bool = False
    no_evidence: bool = False

    @property
    def flagged(self) -> bool:
        return bool(self.copied) or self.thin or self.no_evidence


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
    report: DutyReport, text: str, peers, threshold: float = COPY_THRESHOLD
) -> list[tuple[DutyReport, int]]:
    """Which of ``peers`` (reports of other units on the same duty) ``text`` resembles, with
    the similarity in %, most alike first; the duty's requirement and evidence are discounted."""
    from oversight.lib.shingles import similarity

    boilerplate = f"{report.duty_item.requirement}\n{report.duty_item.evidence}"
    peers = list(peers)
    texts = _latest_texts([p.item_id for p in peers])
    found = []
    for peer in peers:
        other = texts.get(peer.item_id)
        if other is None:
            continue
        alike = similarity(text, other, boilerplate=boilerplate)
        if alike >= threshold:
            peer.text = other
            found.append((peer, round(100 * alike)))
    found.sort(key=lambda pair: -pair[1])
    return found


def peers_of(report: DutyReport, reports=None):
    """The reports other units made on the same duty (of ``reports``: all by default)."""
    reports = DutyReport.objects.all() if reports is None else reports
    return reports.filter(duty_item=report.duty_item_id, reported_on__isnull=False).exclude(
        unit_list=report.unit_list_id
    )


def report_check(*, viewer, report: DutyReport, threshold: float = COPY_THRESHOLD) -> Check:
    """Compare ``report`` with the reports other units in the viewer's scope made on the same
    duty: near-duplicates (the duty's requirement discounted) and thin or unevidenced reports."""
    from oversight.lib.shingles import own_length

    text = _latest_texts([report.item_id]).get(report.item_id)
    if text is None:
        return Check()
    boilerplate = f"{report.duty_item.requirement}\n{report.duty_item.evidence}"
    peers = peers_of(report, report_list(viewer=viewer)).select_related("unit_list__node")
    return Check(
        text=text,
        copied=similar_reports(report, text, peers, threshold),
        thin=own_length(text, boilerplate=boilerplate) < THIN_SHINGLES,
        no_evidence=not report.item.attachments.exists(),
    )
