"""Every row of the collective's books is traced: a later change of an entry, an asset, a
contract, a payout, a statement or an anomaly in the database is named by ``verify_ledger``.
A published month of accounts is also a fixed record (``collective.statement``): its content
is exactly what the public page shows, and anyone may download its receipt."""

from oversight.ledger.targets import TargetKind, traced

from .models import Anomaly, Asset, Collective, Contract, Entry, Member, Payout, Statement

STATEMENT = "collective.published_month"


def _published_statement(record_id: str):
    from .services import statement_content

    statement = Statement.objects.filter(pk=record_id).select_related("collective").first()
    return statement_content(statement) if statement is not None else None


TARGETS = [
    traced(Collective),
    traced(Entry),
    traced(Statement),
    traced(Asset),
    traced(Contract),
    traced(Payout),
    traced(Member),
    traced(Anomaly),
    TargetKind(type=STATEMENT, snapshot=_published_statement, table="collective_statement"),
]
