"""Every row of the collective's books is traced: a later change of an entry, an asset, a
contract, a payout, a statement, an anomaly, a reimbursement or an asset step in the database
is named by ``verify_ledger``.
A published month of accounts is also a fixed record (``collective.statement``): its content
is exactly what the public page shows, and anyone may download its receipt. So is an approved
reimbursement (``collective.approved_reimbursement``, with the entry it was booked as) and an
approved asset step (``collective.approved_asset_step``, with the status it gave the asset)."""

from oversight.ledger.targets import TargetKind, traced

from .models import (
    Anomaly,
    Asset,
    AssetStep,
    Collective,
    Contract,
    Entry,
    Member,
    Payout,
    Reimbursement,
    Statement,
)

STATEMENT = "collective.published_month"
REIMBURSEMENT = "collective.approved_reimbursement"
ASSET_STEP = "collective.approved_asset_step"


def _published_statement(record_id: str):
    from .services import statement_content

    statement = Statement.objects.filter(pk=record_id).select_related("collective").first()
    return statement_content(statement) if statement is not None else None


def _approved_reimbursement(record_id: str):
    from .services import reimbursement_content

    row = Reimbursement.objects.filter(pk=record_id).first()
    return reimbursement_content(row) if row is not None else None


def _approved_asset_step(record_id: str):
    from .services import asset_step_content

    row = AssetStep.objects.filter(pk=record_id).first()
    return asset_step_content(row) if row is not None else None


TARGETS = [
    traced(Collective),
    traced(Entry),
    traced(Statement),
    traced(Asset),
    traced(Contract),
    traced(Payout),
    traced(Member),
    traced(Anomaly),
    traced(Reimbursement),
    traced(AssetStep),
    TargetKind(type=STATEMENT, snapshot=_published_statement, table="collective_statement"),
    TargetKind(
        type=REIMBURSEMENT, snapshot=_approved_reimbursement, table="collective_reimbursement"
    ),
    TargetKind(type=ASSET_STEP, snapshot=_approved_asset_step, table="collective_assetstep"),
]
