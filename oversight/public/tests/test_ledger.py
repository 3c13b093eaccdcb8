"""Published replies are fixed records: the ledger verifies them, and a change behind the
platform's back is named."""

import pytest

from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.public.models import Complaint

from .conftest import file_complaint

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
