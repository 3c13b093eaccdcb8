"""The catalogue, events, captured notices, expectations and lapses as traced rows: a later
change of any of them in the database (a notice's date moved, a lapse's kind rewritten) is
named by ``verify_ledger``."""

from oversight.ledger.targets import traced

from .models import CatalogueItem, Expectation, Lapse, Occurrence, Publication, Source

TARGETS = [
    traced(CatalogueItem),
    traced(Occurrence),
    traced(Publication),
    traced(Expectation),
    traced(Lapse),
    traced(Source, exclude=("etag", "last_modified")),
]
