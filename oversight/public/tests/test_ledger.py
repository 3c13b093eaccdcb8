"""Published replies are fixed records: the ledger verifies them, and a change behind the
platform's back is named."""

import json
import re

import pytest

from oversight.ledger import keys
from oversight.ledger import services as ledger
from oversight.ledger.models import Leaf
from oversight.ledger.tlog import verify_receipt
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.public.models import Complaint

from .conftest import citizen, file_complaint

pytestmark = pytest.mark.django_db


def test_it_fixes_published_replies_and_detects_a_later_change(pc):
    complaint, _code = file_complaint(pc)
    for name, actor, comment in [
        ("accept", pc.intake, ""),
        ("route", pc.intake, ""),
        ("handle", pc.town1_officer, "x"),
        ("draft", pc.town1_officer, "Refunded."),
    ]:
        loop.item_transition(item=complaint.item, name=name, actor=actor, comment=comment)
    loop.item_transition(
        item=complaint.item, name="approve", actor=pc.intake, data={"publish": True}
    )
    assert verify_ledger().ok
    Complaint.objects.filter(pk=complaint.pk).update(public_text="Something else.")
    report = verify_ledger()
    assert not report.ok and any(m.table == "public_complaint" for m in report.mismatches)


def _publish(pc, text="Refunded."):
    complaint, _code = file_complaint(pc)
    for name, actor, comment in [
        ("accept", pc.intake, ""),
        ("route", pc.intake, ""),
        ("handle", pc.town1_officer, "x"),
        ("draft", pc.town1_officer, text),
    ]:
        loop.item_transition(item=complaint.item, name=name, actor=actor, comment=comment)
    loop.item_transition(
        item=complaint.item, name="approve", actor=pc.intake, data={"publish": True}
    )
    complaint.refresh_from_db()
    return complaint


def test_every_published_reply_on_the_board_links_its_receipt(pc):
    first, second = _publish(pc, "Refunded."), _publish(pc, "Apologised.")
    ledger.issue_checkpoint()  # the worker's
    page = citizen().get("/p/board/replies/")
    assert page.status_code == 200
    html = page.content.decode()
    links = re.findall(r'href="/ledger/receipt/(\d+)" download data-testid="reply-receipt"', html)
    expected = [
        Leaf.objects.filter(target_type="public.reply", target_id=str(c.pk)).latest("index")
        for c in (second, first)
    ]
    assert [int(i) for i in links] == [leaf.index for leaf in expected]
    for complaint, leaf in zip((second, first), expected, strict=True):
        receipt = citizen().get(f"/ledger/receipt/{leaf.index}")
        assert receipt.status_code == 200
        verified = verify_receipt(json.loads(receipt.content), keys.verifier())
        assert verified.record["reference"] == complaint.reference
        assert verified.record["text"] == complaint.public_text
        assert f'href="/ledger/records/{leaf.index}/"' in html
