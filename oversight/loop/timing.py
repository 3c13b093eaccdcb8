"""Deadlines and lights: the working-day calendar with administrators' corrections, and the
traffic light computed from time left and reported progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from oversight.core.prepared import Prepared
from oversight.lib.workdays import WorkCalendar

from .models import CalendarDay, KindSetting, WorkItem
from .workflow import Limit, Rung, Workflow

_CALENDAR_KEY = "loop:calendar-version"


def today() -> date:
    return timezone.localdate()


_calendar_cache: dict[int, WorkCalendar] = {}


def calendar() -> WorkCalendar:
    """The national calendar with every administrator's correction; rebuilt when one changes."""
    version = cache.get(_CALENDAR_KEY, 0)
    built = _calendar_cache.get(version)
    if built is None:
        overrides = dict(CalendarDay.objects.values_list("day", "is_working"))
        built = WorkCalendar(overrides)
        _calendar_cache.clear()
        _calendar_cache[version] = built
    return built


def calendar_changed() -> None:
    """Invalidate the calendar in every process sharing the cache."""
    try:
        cache.incr(_CALENDAR_KEY)
    except ValueError:
        cache.set(_CALENDAR_KEY, 1, None)
    _calendar_cache.clear()


def deadline_after(start: date, limit: Limit) -> date:
    """The deadline of a step that starts on ``start``."""
    return calendar().add_days(start, limit.days, working=limit.working)


@dataclass(frozen=True)
class KindTiming:
    yellow_days: int
    behind_margin: int
    remind_days_before: int
    escalate_every_days: int
    ladder: tuple[Rung, ...] = ()

    def before_rungs(self) -> list[Rung]:
        """The green and yellow rungs, earliest first (their index is the reminder's level)."""
        rungs = [r for r in self.ladder if r.light != "red"]
        return sorted(rungs, key=lambda r: -r.days)

    def red_rungs(self) -> list[Rung]:
        return sorted((r for r in self.ladder if r.light == "red"), key=lambda r: r.days)


def rungs_from(rows) -> tuple[Rung, ...]:
    return tuple(Rung(r["light"], int(r["days"]), tuple(r["audiences"])) for r in rows or ())


def _with_ladder(timing: KindTiming, ladder: tuple[Rung, ...]) -> KindTiming:
    """A ladder's yellow rung decides when the light turns yellow."""
    if not ladder:
        return timing
    yellow = [r.days for r in ladder if r.light == "yellow"]
    return KindTiming(
        max(yellow) if yellow else timing.yellow_days,
        timing.behind_margin,
        timing.remind_days_before,
        timing.escalate_every_days,
        ladder,
    )


_TIMING_COLUMNS = (
    "yellow_days",
    "behind_margin",
    "remind_days_before",
    "escalate_every_days",
    "ladder",
)
_KIND_SETTING = Prepared(
    lambda kind: (
        KindSetting.objects.filter(kind=kind).order_by("pk").values_list(*_TIMING_COLUMNS)[:1]
    )
)  # every item opened reads it


def kind_timing(workflow: Workflow, rows: dict[str, KindSetting] | None = None) -> KindTiming:
    """The kind's light and reminder settings: an administrator's row, else the declaration.

    ``rows`` (kind -> KindSetting) spares a query per item when many items are processed.
    """
    if rows is None:
        found = _KIND_SETTING.rows(workflow.kind)
        if found:
            *numbers, ladder = found[0]
            return _with_ladder(KindTiming(*numbers), rungs_from(ladder) or tuple(workflow.ladder))
        row = None
    else:
        row = rows.get(workflow.kind)
    if row is not None:
        return _with_ladder(
            KindTiming(
                row.yellow_days, row.behind_margin, row.remind_days_before, row.escalate_every_days
            ),
            rungs_from(row.ladder) or tuple(workflow.ladder),
        )
    return _with_ladder(
        KindTiming(
            workflow.yellow_days,
            workflow.behind_margin,
            workflow.remind_days_before,
            workflow.escalate_every_days,
        ),
        tuple(workflow.ladder),
    )


def compute_light(
    *,
    deadline: date | None,
    started: date | None,
    progress: int,
    closed: bool,
    on: date,
    timing: KindTiming,
) -> str:
    """Red when overdue; yellow when few days remain or progress lags the elapsed share of time;
    green otherwise. Closed items and items without a deadline have no light."""
    if closed or deadline is None:
        return WorkItem.Light.NONE
    days_left = (deadline - on).days
    if days_left < 0:
        return WorkItem.Light.RED
    if days_left <= timing.yellow_days:
        return WorkItem.Light.YELLOW
    if started is not None and deadline > started:
        elapsed_share = 100 * (on - started).days / (deadline - started).days
        if elapsed_share - progress >= timing.behind_margin:
            return WorkItem.Light.YELLOW
    return WorkItem.Light.GREEN


def light_for(item: WorkItem, *, on: date | None = None, timing: KindTiming | None = None) -> str:
    return compute_light(
        deadline=item.deadline,
        started=item.step_started_on or item.opened_at.date(),
        progress=item.progress,
        closed=item.closed_at is not None,
        on=on or today(),
        timing=timing or kind_timing(item.workflow),
    )
