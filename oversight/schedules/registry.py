"""Recurring obligations, declared by modules in ``<app>/schedules.py`` as ``SCHEDULES``::

    SCHEDULES = [
        Recurring(
            id="disclosure.quarterly",
            title=_("Quarterly disclosure {key}"),
            kind="disclosure.report",             # a loop kind: the item runs its workflow
            rule=Quarterly(working_days=15),
            units=lambda: OrgNode.objects.filter(type="village"),
            supervisor=lambda node: node.parent,
        ),
    ]

The service (``services.schedule_run``, run daily by the worker) opens each occurrence's work
item ``open_days_before`` days ahead of its due date, once per unit; the loop's sweep then
lights it and sends its reminders and escalations like any other item. ``AfterEvent`` rules are
opened by the module when the event happens (``services.schedule_event``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from oversight.core.discovery import declarations

from .rules import AfterEvent, Monthly, Quarterly, Yearly


@dataclass(frozen=True)
class Recurring:
    id: str
    title: Promise | str  # may name the occurrence: "{key}"
    kind: str
    rule: Monthly | Quarterly | Yearly | AfterEvent
    units: Callable[[], Iterable]
    supervisor: Callable[[object], object]
    open_days_before: int = 10
    description: Promise | str = ""


SCHEDULES: dict[str, Recurring] = {}
_DISCOVERED = False


def register(recurring: Recurring) -> Recurring:
    existing = SCHEDULES.get(recurring.id)
    if existing is not None and existing is not recurring:
        raise ValueError(f"schedule {recurring.id} declared twice")
    SCHEDULES[recurring.id] = recurring
    return recurring


def unregister(recurring_id: str) -> None:
    SCHEDULES.pop(recurring_id, None)


def all_schedules() -> list[Recurring]:
    return sorted(SCHEDULES.values(), key=lambda r: r.id)


def autodiscover() -> None:
    """Collect SCHEDULES from every installed oversight app, once."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for _config, recurring in declarations("schedules", "SCHEDULES"):
        register(recurring)
