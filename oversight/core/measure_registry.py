"""Measures: named figures about the platform's data, declared by the apps that own the data.

An app declares its measures in ``<app>/measures.py`` as ``MEASURES`` (a list of ``Measure``),
collected at start-up like permissions, menus and loop kinds. This vocabulary and the collection
live in core, below every app, so any app declares measures without importing the measures app
(which keeps the snapshots and pages; ``oversight.measures.registry`` re-exports this module). A measure counts the records of
one ``Source`` (a model, the data scope that limits it, the lookup to the org node a record
belongs to) that satisfy its condition in a period::

    ITEMS = Source(model=WorkItem, node="responsible_node", scope=item_scope, ...)
    MEASURES = [
        Measure("loop.opened", _("Work items opened"), source=ITEMS,
                where=lambda p: Q(opened_at__gte=p.start_at, opened_at__lt=p.end_at)),
    ]

Because the figure and its click-through list are the same filter on the same scoped
queryset, what a figure says and what its list shows cannot disagree. Every measure of one
source is answered for many nodes and one period by one grouped query (``selectors.figures``);
a node's figure covers its whole subtree (the roll-up), computed from the per-unit rows.

Kinds of figure: ``COUNT`` (the number of records), ``RATE`` (the share, in %, of the records
that are ``good``), ``MEAN`` (the average of ``field`` over the records), ``TOTAL`` (the sum of
``field`` over the records: hours, amounts) and ``AGE`` (days from the latest ``field`` to the
period's reference day). All roll up by summing their counts and
numerators, so a mean is weighted by its count; ``rollup=NONE`` marks a figure that has no
per-node meaning (it is the same for every node).
"""

from __future__ import annotations

import calendar as _calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from oversight.core.discovery import declarations

COUNT, RATE, MEAN, AGE, TOTAL = "count", "rate", "mean", "age", "total"
SUM, WEIGHTED, NONE = "sum", "weighted", "none"

UNITS = {
    COUNT: _("records"),
    RATE: "%",
    MEAN: "",
    TOTAL: "",
    AGE: _("days"),
}


class _System:
    """The viewer of the platform's own jobs (snapshots): no data scope applies."""

    is_authenticated = True
    pk = None

    def __repr__(self) -> str:
        return "<system>"


SYSTEM = _System()


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year: ``2026-11``, ``2026-Q4``, ``2026``."""

    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    MONTH, QUARTER, YEAR = "month", "quarter", "year"

    @property
    def key(self) -> str:
        if self.kind == self.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == self.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.key

    FIRST_YEAR, LAST_YEAR = 1970, 2999  # beyond these a period means nothing here

    @classmethod
    def containing(cls, day: datetime.date, kind: str = "month") -> Period:
        if kind == cls.MONTH:
            first, months = datetime.date(day.year, day.month, 1), 1
        elif kind == cls.QUARTER:
            first, months = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), 3
        elif kind == cls.YEAR:
            first, months = datetime.date(day.year, 1, 1), 12
        else:
            raise ValueError(f"unknown kind of period: {kind!r}")
        last_month = first.month + months - 1
        last = datetime.date(
            first.year, last_month, _calendar.monthrange(first.year, last_month)[1]
        )
        return cls(kind, first, last)

    @classmethod
    def parse(cls, key: str) -> Period:
        """The period named by ``key``; ``ValueError`` names what is wrong."""
        key = (key or "").strip()
        year = key[:4]
        if year.isdigit() and not cls.FIRST_YEAR <= int(year) <= cls.LAST_YEAR:
            raise ValueError(
                f"a period lies between {cls.FIRST_YEAR} and {cls.LAST_YEAR}, not {key!r}"
            )
        try:
            if len(key) == 4:
                return cls.containing(datetime.date(int(key), 1, 1), cls.YEAR)
            year, rest = key.split("-", 1)
            if rest.upper().startswith("Q") and rest[1:] in ("1", "2", "3", "4"):
                month = 3 * (int(rest[1:]) - 1) + 1
                return cls.containing(datetime.date(int(year), month, 1), cls.QUARTER)
            return cls.containing(datetime.date(int(year), int(rest), 1), cls.MONTH)
        except (ValueError, TypeError):
            raise ValueError(f"a period is written 2026-11, 2026-Q4 or 2026, not {key!r}") from None

    def previous(self) -> Period:
        return Period.containing(self.start - datetime.timedelta(days=1), self.kind)

    def next(self) -> Period:
        return Period.containing(self.end + datetime.timedelta(days=1), self.kind)

    # The bounds as aware datetimes, so date conditions compare indexed columns directly.
    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """Midnight after the last day (exclusive)."""
        return _midnight(self.end + datetime.timedelta(days=1))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@dataclass(frozen=True)
class Window:
    """A period as a measure sees it: ``as_of`` is the day its stock figures (open, overdue)
    describe — the period's last day once it is over, today while it runs."""

    period: Period
    as_of: datetime.date
    live: bool

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.period, name)

    @property
    def as_of_end(self) -> datetime.datetime:
        """Midnight after ``as_of``: what was open then had not closed before this moment."""
        return _midnight(self.as_of + datetime.timedelta(days=1))


def window(period: Period, today: datetime.date) -> Window:
    live = period.start <= today <= period.end
    return Window(period, today if live else period.end, live)


@dataclass(frozen=True)
class Dimension:
    """A breakdown of a source (kind of work item, category, model): the field and its labels."""

    field: str
    label: Promise | str
    choices: Callable[[], list[tuple[str, str]]]


@dataclass(frozen=True)
class Source:
    """Where a family of measures counts: the model, the data scope, the org node of a record.

    ``scope(viewer)`` is the module's own scope filter (the one its lists use); it must admit
    at least every record whose node the viewer's org scope covers (so figures of nodes the
    viewer sees whole are counted without it, and snapshots of such nodes may be shown); the
    registry's tests check every source against its click-through. ``node`` is the lookup from
    a record to its ``OrgNode`` (``None``: the records belong to no node).
    ``record_url`` and ``record_label`` show one record in a click-through list.
    """

    id: str
    label: Promise | str
    model: type[models.Model]
    scope: Callable[[object], Q]
    node: str | None
    record_url: Callable[[models.Model], str]
    record_label: Callable[[models.Model], str] = str
    dimension: Dimension | None = None
    select_related: tuple[str, ...] = ()
    # Whether the grouped query first selects the records any of its measures counts (an OR
    # of their conditions). A large table whose measures count most rows anyway (every open
    # work item) is faster read whole from a covering index, grouped in its order.
    prefilter: bool = True
    # Disjoint parts whose union holds every record any measure of the source counts in a
    # window, each served by one range of an index (work items open; closed since the window
    # began): one grouped query per part instead of one filtered by the OR of the measures.
    relevant: Callable[[Window], list[Q]] | None = None


@dataclass(frozen=True)
class Measure:
    """One named figure. See the module's docstring."""

    id: str
    label: Promise | str
    source: Source
    where: Callable[[Window], Q]
    definition: Promise | str
    perm: str
    kind: str = COUNT
    higher_is_better: bool | None = False
    rollup: str = SUM
    good: Q | None = None  # RATE: the records counted in the numerator
    field: str = ""  # MEAN: the averaged column; TOTAL: the summed one; AGE: the date column
    unit: Promise | str = ""
    list_url: Callable[[object, Window, str], str] | None = None  # the module's own list
    order: int = 100
    precision: int = 1
    extra: dict = dc_field(default_factory=dict)

    @property
    def unit_label(self) -> str:
        return str(self.unit or UNITS[self.kind])

    def value_of(self, count: int, numerator: float | None, as_of: datetime.date):
        """The figure from its count and numerator (see the module's docstring)."""
        if self.kind == COUNT:
            return count
        if self.kind == AGE:
            if numerator is None:
                return None
            return (as_of - datetime.date.fromordinal(int(numerator))).days
        if self.kind == TOTAL:
            return round(numerator or 0, self.precision)
        if not count or numerator is None:
            return None
        if self.kind == RATE:
            return round(100 * numerator / count, self.precision)
        return round(numerator / count, self.precision)


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    """Declare a measure once; a second declaration of the same id is an error."""
    existing = MEASURES.get(measure.id)
    if existing is not None and existing is not measure:
        raise ValueError(f"measure {measure.id} declared twice")
    if measure.kind == RATE and measure.good is None:
        raise ValueError(f"rate {measure.id} needs the records it counts as good")
    if measure.kind in (MEAN, AGE, TOTAL) and not measure.field:
        raise ValueError(f"{measure.kind} {measure.id} needs a field")
    MEASURES[measure.id] = measure
    return measure


def unregister(measure_id: str) -> None:
    """Forget a measure (tests declare temporary ones)."""
    MEASURES.pop(measure_id, None)


def get(measure_id: str) -> Measure:
    return MEASURES[measure_id]


def all_measures() -> list[Measure]:
    return sorted(MEASURES.values(), key=lambda m: (m.id.split(".")[0], m.order, m.id))


_DISCOVERED = False


def autodiscover() -> None:
    """Collect MEASURES from every installed oversight app, once."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for _config, measure in declarations("measures", "MEASURES"):
        register(measure)
