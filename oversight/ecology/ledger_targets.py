"""Indicator systems, indicators, rounds, ratings and portraits as traced rows: ``verify_ledger`` compares each with
the state its latest leaf recorded, so a weight or rule changed behind the services shows."""

from oversight.ledger.targets import traced

from .models import (
    EvaluationRound,
    Indicator,
    IndicatorSystem,
    Portrait,
    PortraitDocument,
    Rating,
)

TARGETS = [
    traced(IndicatorSystem),
    traced(Indicator),
    traced(EvaluationRound, many=("units",)),
    traced(Rating),
    traced(Portrait),
    traced(PortraitDocument),
]
