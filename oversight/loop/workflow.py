"""How a module declares a kind of work item: its states, transitions and time limits.

A module writes one ``Workflow`` in its ``workflows.py`` and registers it; the engine owns
everything else (transitions, deadlines, lights, reminders, escalation, statistics, history).

    TASK = Workflow(
        kind="matters.task", label=_("Task"),
        states=[State("assigned", _("Assigned"), waiting_on=RESPONSIBLE, limit=Limit(10, working=True)), ...],
        transitions=[Transition("submit", _("Report"), source=["assigned"], target="submitted",
                                permission="matters:task:report", actor=RESPONSIBLE), ...],
    )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

# Who a state waits for, and who may perform a transition, relative to the item.
RESPONSIBLE = "responsible"  # the assignee, or staff of the responsible (or a co-owning) unit
SUPERVISING = "supervising"  # staff of the supervising node or below it
ANYONE = "anyone"  # anyone whose data scope covers the item
PUBLIC = "public"  # a citizen without an account, or the platform itself: no staff may perform it


@dataclass(frozen=True)
class Limit:
    """A time limit for a step: ``days`` calendar days, or working days when ``working``."""

    days: int
    working: bool = False


@dataclass(frozen=True)
class State:
    code: str
    label: Promise | str
    waiting_on: str | None = None  # RESPONSIBLE / SUPERVISING; None for terminal states
    limit: Limit | None = None
    terminal: bool = False


# The audiences a warning ladder's rung may name; a kind may declare more (``Workflow.audiences``).
AUDIENCE_RESPONSIBLE = "responsible"  # the officer in charge: the assignee, else the unit's staff
AUDIENCE_RESPONSIBLE_LEADERS = "responsible_leaders"  # the unit's leaders (its party secretary)
AUDIENCE_SUPERVISING = "supervising"  # the supervising node's staff
AUDIENCE_SUPERVISING_LEADERS = "supervising_leaders"  # the supervising node's leaders
LADDER_LIGHTS = ("green", "yellow", "red")


@dataclass(frozen=True)
class Rung:
    """One rung of a warning ladder: from ``days`` before the deadline (green, yellow) or
    ``days`` after it (red; 0 is the first overdue day) the item is told to ``audiences``.

    A kind's ladder replaces its single reminder and its escalations' fixed recipients: each
    green or yellow rung reached sends one reminder, overdue items are escalated every
    ``escalate_every_days`` to the audiences of the deepest red rung reached, and a yellow rung
    sets when the light turns yellow."""

    light: str
    days: int
    audiences: Sequence[str]

    def as_dict(self) -> dict:
        return {"light": self.light, "days": self.days, "audiences": list(self.audiences)}


@dataclass(frozen=True)
class Audience:
    """Someone a kind's ladder may warn beyond the loop's own audiences, such as the leader in
    charge of a rectification task: ``accounts(item)`` gives their active accounts."""

    code: str
    label: Promise | str
    accounts: Callable


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise | str
    source: Sequence[str]
    target: str
    permission: str
    actor: str = RESPONSIBLE
    requires_comment: bool = False
    allows_attachments: bool = False
    # Called as hook(item=..., event=..., actor=...) after the transition, in its transaction.
    on_enter: Sequence[Callable] = ()
    style: str = "primary"  # how the button looks: primary / secondary / danger


@dataclass(frozen=True)
class Workflow:
    kind: str
    label: Promise | str
    states: Sequence[State]
    transitions: Sequence[Transition]
    initial: str
    # Defaults an administrator can change per kind (loop.KindSetting).
    yellow_days: int = 3
    behind_margin: int = (
        30  # yellow when progress lags the elapsed share of time by this many points
    )
    remind_days_before: int = 2
    escalate_every_days: int = 3
    detail_url: Callable | None = None  # item -> URL of the module's own page, if any
    # The warning ladder by default (an administrator's ``KindSetting.ladder`` replaces it) and
    # the kind's own audiences its rungs may name besides the loop's.
    ladder: Sequence[Rung] = ()
    audiences: Sequence[Audience] = ()
    _states: dict = field(init=False, repr=False, compare=False)
    _transitions: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        states = {s.code: s for s in self.states}
        transitions = {t.name: t for t in self.transitions}
        if len(states) != len(self.states) or len(transitions) != len(self.transitions):
            raise ValueError(f"{self.kind}: duplicate state or transition names")
        if self.initial not in states:
            raise ValueError(f"{self.kind}: initial state {self.initial} is not declared")
        for t in self.transitions:
            unknown = [s for s in (*t.source, t.target) if s not in states]
            if unknown:
                raise ValueError(f"{self.kind}.{t.name}: undeclared states {unknown}")
            if t.actor not in (RESPONSIBLE, SUPERVISING, ANYONE, PUBLIC):
                raise ValueError(f"{self.kind}.{t.name}: unknown actor {t.actor}")
        object.__setattr__(self, "_states", states)
        object.__setattr__(self, "_transitions", transitions)

    def state(self, code: str) -> State:
        return self._states[code]

    def transition(self, name: str) -> Transition | None:
        return self._transitions.get(name)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    @property
    def terminal_states(self) -> list[str]:
        return [s.code for s in self.states if s.terminal]
