"""Indicator systems and their indicators as traced rows: ``verify_ledger`` compares each with
the state its latest leaf recorded, so a weight or rule changed behind the services shows."""

from oversight.ledger.targets import traced

from .models import Indicator, IndicatorSystem

TARGETS = [traced(IndicatorSystem), traced(Indicator)]
