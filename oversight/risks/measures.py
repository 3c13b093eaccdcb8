"""Integrity risks' measures: reminders fired and open by level (the risk map reads the first),
the personal-matter reports overdue (open reminders of that rule), and reminder talks held.
Counted on the reminders whose work items the viewer may see, and talks of units in scope."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import Dimension, Measure, Source
from oversight.orgs.access import scope_q

from .models import Level, Reminder, RiskRule, Talk
from .selectors import reminder_scope

REMINDERS = Source(
    id="risks.reminders",
    label=_("Integrity risk reminders"),
    model=Reminder,
    scope=reminder_scope,
    node="node",
    record_url=lambda r: reverse("risks:reminder_detail", args=[r.item_id]),
    record_label=lambda r: f"{r.node.name} · {r.item.title}",
    dimension=Dimension("level", _("level"), lambda: list(Level.choices)),
    select_related=("node", "item"),
)

TALKS = Source(
    id="risks.talks",
    label=_("Reminder talks"),
    model=Talk,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda t: (
        reverse("risks:reminder_detail", args=[t.reminder.item_id])
        if t.reminder_id
        else reverse("risks:reminder_list")
    ),
    record_label=lambda t: f"{t.held_on} · {t.person.name}",
    select_related=("person", "reminder"),
)


def still_open(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True)
    return Q(item__opened_at__lt=w.as_of_end) & (
        Q(item__closed_at__isnull=True) | Q(item__closed_at__gte=w.as_of_end)
    )


MEASURES = [
    Measure(
        "risks.reminders_fired",
        _("Risk reminders fired"),
        source=REMINDERS,
        where=lambda w: Q(fired_on__gte=w.start, fired_on__lte=w.end),
        definition=_("Integrity risk reminders the rules fired in the period, by level."),
        perm="risks:view",
        order=10,
    ),
    Measure(
        "risks.reminders_open",
        _("Risk reminders open"),
        source=REMINDERS,
        where=still_open,
        definition=_("Integrity risk reminders not yet confirmed on the reference day, by level."),
        perm="risks:view",
        order=20,
    ),
    Measure(
        "risks.reports_overdue",
        _("Personal-matter reports overdue"),
        source=REMINDERS,
        where=lambda w: still_open(w) & Q(rule__kind=RiskRule.Kind.REPORT_MISSING),
        definition=_(
            "Leading cadres reminded that their yearly personal-matter report is missing, the "
            "reminder still open on the reference day."
        ),
        perm="risks:view",
        order=30,
    ),
    Measure(
        "risks.talks",
        _("Reminder talks held"),
        source=TALKS,
        where=lambda w: Q(held_on__gte=w.start, held_on__lte=w.end),
        definition=_("Reminder talks (提醒谈话) held in the period."),
        perm="risks:view",
        order=40,
    ),
]
