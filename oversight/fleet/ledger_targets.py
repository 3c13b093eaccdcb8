"""The fleet's records as traced rows: the check compares each with the state its latest leaf
recorded, so a vehicle moved to another unit, a fence redrawn or a warning's evidence changed
with SQL is named."""

from oversight.ledger.targets import traced

from .models import FleetWarning, Geofence, Rule, SealingPeriod, TripOrder, Vehicle

TARGETS = [
    traced(Vehicle),
    traced(Geofence, many=("vehicles",)),
    traced(SealingPeriod),
    traced(TripOrder),
    traced(Rule),
    traced(FleetWarning),
]
