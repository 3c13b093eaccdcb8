"""The catalogue, events, captured notices, expectations and lapses as traced rows: a later
change of any of them in the database (a notice's date moved, a lapse's kind rewritten) is
named by ``verify_ledger``."""

from oversight.ledger.targets import traced

from .models import CatalogueItem, DisclosureEvent, Expectation, Lapse, Publication

TARGETS = [
    traced(CatalogueItem),
    traced(DisclosureEvent),
    traced(Publication),
    traced(Expectation),
    traced(Lapse),
]
