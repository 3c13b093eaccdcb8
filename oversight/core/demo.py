"""The demonstration county: who can sign in, and the order in which apps build their data.

``manage.py demo`` calls each builder in ``BUILDERS`` with one ``random.Random(seed)`` per app,
so the county is the same on every machine and a second run changes nothing. Later modules add
their builder to the list.

The county has a past, and it is written honestly: the whole build runs under a moved clock
(``core.clock``). The org tree is built at the start of that past; a builder that takes a
``history`` argument schedules its records' stories on it (``History.story``: a generator that
calls the services and yields how long to wait before its next step), and the history is then
played in time order, each step run by the platform's own services at its historical time, up
to the present. Builders without ``history`` run at the present, after the past. Nothing is
back-dated after it was written, so ``verify_ledger`` finds the demo exactly as it was recorded.
"""

from __future__ import annotations

import heapq
import inspect
import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import import_module

from django.utils import timezone

from . import clock

DEMO_PASSWORD = "oversight-demo-2026"

# (username, role, where) — printed by `make run` and listed in the README.
DEMO_ACCOUNTS = [
    ("admin", "administrator / 系统管理员", "清河县 (all data)"),
    ("leader", "commission leader / 纪委领导", "清河县纪委监委 (all data)"),
    ("supervisor", "supervisor / 监督检查室干部", "清河县纪委监委 (all data)"),
    ("group1", "stationed-group officer / 派驻纪检组", "派驻第一纪检监察组 (its units)"),
    ("town1", "town officer / 乡镇纪委", "城关镇 (the town and its villages)"),
    ("clerk", "unit clerk / 单位联络员", "县教育局 (the bureau)"),
    ("cadre", "cadre / 党员干部", "县教育局 (own records)"),
]

BUILDERS = [
    "oversight.orgs.demo",
    "oversight.documents.demo",
    "oversight.matters.demo",
    "oversight.duties.demo",
    "oversight.integrity.demo",
    "oversight.inspections.demo",
    "oversight.team.demo",
    "oversight.joint.demo",
    "oversight.disclosure.demo",
    "oversight.collective.demo",
    "oversight.analytics.demo",
    "oversight.traces.demo",
    "oversight.public.demo",
    "oversight.cockpit.demo",
    "oversight.schedules.demo",
    "oversight.fleet.demo",
    "oversight.ecology.demo",
    "oversight.risks.demo",
]


# How far back the county's past starts (the org tree exists from then on).
HISTORY_DAYS = 400

Story = Iterator[timedelta | None]


class History:
    """The demo's past: steps run in time order under the moved clock, up to ``present``."""

    def __init__(self, moved: clock.MovedClock, *, present: datetime, start: datetime) -> None:
        self.clock = moved
        self.present = present
        self.start = start
        self._steps: list[tuple[datetime, int, Callable[[], None] | Story]] = []
        self._order = itertools.count()
        self._then: list[Callable[[], None]] = []

    def at(self, when: datetime, step: Callable[[], None]) -> None:
        """Run ``step`` at ``when`` (never later than the present)."""
        heapq.heappush(self._steps, (min(when, self.present), next(self._order), step))

    def then(self, step: Callable[[], None]) -> None:
        """Run ``step`` at the present, once the whole past has been played (in call order)."""
        self._then.append(step)

    def story(self, when: datetime, steps: Story) -> None:
        """Play a generator from ``when``: each ``yield timedelta(...)`` waits that long before
        its next step (a step that would fall after the present runs at the present)."""
        heapq.heappush(self._steps, (min(when, self.present), next(self._order), steps))

    def run(self) -> None:
        while self._steps:
            when, _order, step = heapq.heappop(self._steps)
            self.clock.set(when)
            if callable(step):
                step()
                continue
            try:
                wait = next(step)
            except StopIteration:
                continue
            self.story(self.clock.now() + (wait or timedelta(0)), step)
        self.clock.set(self.present)
        while self._then:
            self._then.pop(0)()


@contextmanager
def past(history: History | None, *, days: int = HISTORY_DAYS) -> Iterator[History]:
    """The history a builder schedules on: the demo's, or (a builder called alone, as in its
    tests) one of its own, played when the block ends."""
    if history is not None:
        yield history
        return
    present = timezone.now()
    start = present - timedelta(days=days)
    with clock.moved(start) as moved:
        own = History(moved, present=present, start=start)
        yield own
        own.run()


def build(*, seed: int = 2026, stdout=None, now: datetime | None = None) -> None:
    """Build (or complete) the demonstration data of every app, its past written at its
    historical times; ``now`` is the present it ends at (the real time by default)."""
    present = now or timezone.now()
    start = present - timedelta(days=HISTORY_DAYS)
    with clock.moved(start) as moved:
        history = History(moved, present=present, start=start)
        for dotted in BUILDERS:
            module = import_module(dotted)
            rng = random.Random(f"{seed}:{dotted}")
            if "history" in inspect.signature(module.build).parameters:
                module.build(rng=rng, stdout=stdout, history=history)
            else:
                history.then(lambda m=module, r=rng: m.build(rng=r, stdout=stdout))
        history.run()
