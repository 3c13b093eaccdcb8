"""Issued documents, their serial numbers and their receipts are traced rows: every column
edited with SQL behind the platform's back is named, a fresh history verifies clean."""

from __future__ import annotations

import datetime

import pytest

from oversight.documents import services
from oversight.documents.models import DocType, Document, Receipt, SerialCounter, SerialPrefix
from oversight.ledger.models import Leaf
from oversight.ledger.tests.traced import assert_every_column_edit_named
from oversight.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(county):
    services.prefix_set(
        node=county.commission, doc_type=DocType.RECTIFICATION_NOTICE, prefix="清纪建", actor=None
    )
    services.prefix_set(
        node=county.commission, doc_type=DocType.WARNING_NOTICE, prefix="清纪监", actor=None
    )
    document = services.issue_document(
        doc_type=DocType.RECTIFICATION_NOTICE,
        issuer_node=county.commission,
        actor=county.admin,
        context={"recipient_unit": "Unit A", "title": "Canteen purchases", "body": "Fix it."},
        issued_on=datetime.date(2026, 3, 5),
        recipients=[county.unit_a, county.town1],
        reply_by=datetime.date(2026, 4, 30),
    )
    receipt = Receipt.objects.filter(document=document).order_by("pk").first()
    services.receipt_sign(receipt=receipt, actor=county.admin)
    return document


@pytest.mark.parametrize(
    "model, skipped",
    [
        (Document, ()),
        (Receipt, ("reminded_at",)),
        (SerialCounter, ()),
        (SerialPrefix, ("updated_at",)),
    ],
)
def test_every_column_edited_with_sql_is_named(issued, model, skipped):
    row = model.objects.order_by("pk").first()
    edited = assert_every_column_edit_named(model, row, skipped=skipped)
    assert len(edited) >= 3


def test_issuing_records_the_counter_and_each_receipt_in_its_transaction(county, issued):
    counter = SerialCounter.objects.get()
    assert Leaf.objects.filter(
        target_type="documents.serialcounter", target_id=str(counter.pk)
    ).exists()
    for receipt in Receipt.objects.filter(document=issued):
        assert Leaf.objects.filter(
            target_type="documents.receipt", target_id=str(receipt.pk)
        ).exists()
    # A prefix reset removes its row with a leaf saying so; the reminder sweep's mark is not a
    # change of the receipt.
    services.prefix_set(
        node=county.commission, doc_type=DocType.WARNING_NOTICE, prefix="", actor=None
    )
    services.remind_unsigned(today=datetime.date(2026, 6, 1))
    assert Receipt.objects.filter(reminded_at__isnull=False).exists()
    assert [str(m) for m in verify_ledger().mismatches] == []
