"""The fleet's measures: official cars, warnings raised (by rule), and warnings the car's unit
has not explained yet, counted for the unit that owns the car."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import Dimension, Measure, Source
from oversight.orgs.access import scope_q

from .models import FleetWarning, Rule, Vehicle

VEHICLES = Source(
    id="fleet.vehicles",
    label=_("Official vehicles"),
    model=Vehicle,
    scope=lambda viewer: scope_q(viewer, node="unit"),
    node="unit",
    record_url=lambda v: reverse("fleet:vehicle_detail", args=[v.pk]),
    record_label=lambda v: f"{v.plate} · {v.unit.name}",
    select_related=("unit",),
)

WARNINGS = Source(
    id="fleet.warnings",
    label=_("Vehicle warnings"),
    model=FleetWarning,
    scope=lambda viewer: scope_q(viewer, node="vehicle__unit"),
    node="vehicle__unit",
    record_url=lambda w: reverse("fleet:warning_detail", args=[w.item_id]),
    record_label=lambda w: f"{w.vehicle.plate} · {w.get_rule_display()} · {w.started_at:%Y-%m-%d}",
    dimension=Dimension("rule", _("rule"), lambda: list(Rule.Kind.choices)),
    select_related=("vehicle",),
)

MEASURES = [
    Measure(
        "fleet.vehicles",
        _("Official vehicles"),
        source=VEHICLES,
        where=lambda w: ~Q(status=Vehicle.Status.RETIRED),
        definition=_("Official vehicles registered and not retired (today)."),
        perm="fleet:vehicle:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "fleet.warnings",
        _("Vehicle warnings"),
        source=WARNINGS,
        where=lambda w: Q(raised_on__gte=w.start, raised_on__lte=w.end),
        definition=_("Warnings the vehicle rules raised in the period (by rule)."),
        perm="fleet:vehicle:view",
        order=20,
    ),
    Measure(
        "fleet.unexplained",
        _("Vehicle warnings not yet explained"),
        source=WARNINGS,
        where=lambda w: Q(raised_on__lte=w.end, item__state="open"),
        definition=_(
            "Warnings raised up to the end of the period that the car's unit has not explained "
            "yet (today)."
        ),
        perm="fleet:vehicle:view",
        order=30,
    ),
]
