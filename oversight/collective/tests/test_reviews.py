"""Reimbursements and asset steps: the village proposes with evidence, the town reviews (the
loop's steps), the approved ones are booked and fixed in the ledger."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.collective import services
from oversight.collective.models import Asset, AssetStep, Entry, Reimbursement
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def invoice(name="invoice.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def propose(c, **kwargs):
    values = dict(
        actor=c.clerk1a, collective=c.coll1, payee="张三丰", purpose="修水渠材料",
        amount=Decimal("860.00"), category="operating_cost", spent_on=date(2026, 2, 20),
        files=[invoice()],
    )  # fmt: skip
    values.update(kwargs)
    return services.reimbursement_propose(**values)


def test_proposed_with_invoices_then_approved_booked_and_fixed(review_county):
    c = review_county
    r = propose(c)
    assert r.item.kind == "collective.reimbursement" and r.item.state == "proposed"
    assert r.item.supervising_node == c.town1 and r.item.responsible_node == c.village1a
    assert Attachment.objects.filter(item=r.item).count() == 1
    assert verify_ledger().ok  # the invoice is on the opening event, before the first leaf
    from oversight.notify.models import Notification

    told = Notification.objects.filter(kind="loop.awaiting").values_list("recipient", flat=True)
    assert c.town1_officer.pk in set(told) and c.clerk1a.pk not in set(told)
    loop.item_transition(item=r.item, name="approve", actor=c.town1_officer)
    r.refresh_from_db()
    assert r.item.state == "approved" and r.approved_on == date(2026, 3, 2)
    entry = r.entry
    assert entry.month == "2026-03" and entry.amount == Decimal("860.00")
    assert entry.category == "operating_cost" and entry.counterparty == "张三丰"
    assert r.ledger_index is not None
    assert verify_ledger().ok


def test_approved_reimbursement_changed_later_is_caught(review_county):
    c = review_county
    r = propose(c)
    loop.item_transition(item=r.item, name="approve", actor=c.town1_officer)
    assert verify_ledger().ok
    Reimbursement.objects.filter(pk=r.pk).update(amount=Decimal("8600.00"))
    report = verify_ledger()
    assert not report.ok
    assert any("collective_reimbursement" in str(m) for m in report.mismatches)


def test_entry_of_approved_reimbursement_changed_is_caught(review_county):
    c = review_county
    r = propose(c)
    loop.item_transition(item=r.item, name="approve", actor=c.town1_officer)
    r.refresh_from_db()
    Entry.objects.filter(pk=r.entry_id).update(amount=Decimal("1.00"))
    assert not verify_ledger().ok


def test_returned_with_reason_reproposed_then_refused(review_county):
    c = review_county
    r = propose(c)
    with pytest.raises(ValidationError) as exc:
        loop.item_transition(item=r.item, name="return", actor=c.town1_officer)
    assert "comment" in exc.value.message_dict  # a reason is required
    loop.item_transition(item=r.item, name="return", actor=c.town1_officer, comment="发票抬头不对")
    r.item.refresh_from_db()
    assert r.item.state == "returned"
    loop.item_transition(
        item=r.item, name="repropose", actor=c.clerk1a, comment="换了发票", files=[invoice("b.png")]
    )
    r.item.refresh_from_db()
    assert r.item.state == "proposed"
    assert Attachment.objects.filter(item=r.item).count() == 2
    loop.item_transition(item=r.item, name="refuse", actor=c.town1_officer, comment="不属报销范围")
    r.refresh_from_db()
    assert r.item.state == "refused" and r.entry is None and r.ledger_index is None
    assert not Entry.objects.filter(collective=c.coll1).exists()
    assert verify_ledger().ok


def test_withdrawn_after_return(review_county):
    c = review_county
    r = propose(c)
    loop.item_transition(item=r.item, name="return", actor=c.town1_officer, comment="缺附件")
    loop.item_transition(item=r.item, name="withdraw", actor=c.clerk1a, comment="不再报销")
    r.item.refresh_from_db()
    assert r.item.state == "withdrawn" and r.item.closed_at is not None


def test_refusals_of_who_may_do_what(review_county):
    c = review_county
    with pytest.raises(PermissionDenied):  # the town does not propose for the village
        propose(c, actor=c.town1_officer)
    with pytest.raises(PermissionDenied):  # nor a clerk of another village
        propose(c, actor=c.clerk1b)
    r = propose(c)
    with pytest.raises(loop.TransitionRefused):  # the village does not approve its own
        loop.item_transition(item=r.item, name="approve", actor=c.clerk1a)
    with pytest.raises(loop.TransitionRefused):  # another town does not review it
        loop.item_transition(item=r.item, name="approve", actor=c.town2_officer)
    with pytest.raises(loop.TransitionRefused):  # not while it awaits the town
        loop.item_transition(item=r.item, name="repropose", actor=c.clerk1a, comment="x")
    r.item.refresh_from_db()
    assert r.item.state == "proposed"


def test_bad_proposal_names_every_field_and_writes_nothing(review_county):
    c = review_county
    with pytest.raises(ValidationError) as exc:
        propose(
            c, payee=" ", purpose="", amount=Decimal(0), category="contract_income",
            spent_on=date(2026, 3, 9), files=[],
        )  # fmt: skip
    assert set(exc.value.message_dict) == {
        "payee", "purpose", "amount", "category", "spent_on", "files"
    }  # fmt: skip
    assert not Reimbursement.objects.exists()
    from oversight.loop.models import WorkItem

    assert not WorkItem.objects.filter(kind="collective.reimbursement").exists()


def _asset(c, code="ZC-1"):
    return services.asset_register(
        actor=c.supervisor, collective=c.coll1, code=code, name="老村部", kind="building",
        area=Decimal(300), unit="m2", registered_on=date(2020, 1, 1), value=Decimal(50000),
    )  # fmt: skip


def step(c, asset, kind, **kwargs):
    values = dict(
        actor=c.clerk1a, asset=asset, step=kind, detail="村民代表会议决议", done_on=date(2026, 2, 1),
        files=[invoice("minutes.png")],
    )  # fmt: skip
    values.update(kwargs)
    return services.asset_step_propose(**values)


def test_asset_steps_approved_change_the_asset_and_are_fixed(review_county):
    c = review_county
    asset = _asset(c)
    reg = step(c, asset, "registration")
    loop.item_transition(item=reg.item, name="approve", actor=c.town1_officer)
    asset.refresh_from_db()
    assert asset.approved_by == "town1" and asset.status == "registered"
    inv = step(c, asset, "inventory", amount=Decimal("42000.00"))
    loop.item_transition(item=inv.item, name="approve", actor=c.town1_officer)
    asset.refresh_from_db()
    assert asset.value == Decimal("42000.00")
    disposal = step(c, asset, "disposal", detail="危房拆除")
    assert disposal.item.kind == "collective.asset_step"
    loop.item_transition(item=disposal.item, name="approve", actor=c.town1_officer)
    asset.refresh_from_db()
    disposal.refresh_from_db()
    assert asset.status == "disposed" and disposal.ledger_index is not None
    assert verify_ledger().ok  # later steps do not disturb the earlier fixed ones
    with pytest.raises(ValidationError) as exc:  # nothing after disposal
        step(c, asset, "maintenance")
    assert exc.value.message_dict["step"]
    AssetStep.objects.filter(pk=disposal.pk).update(step="maintenance")
    assert not verify_ledger().ok


def test_asset_changed_after_approved_step_is_caught(review_county):
    c = review_county
    asset = _asset(c)
    disposal = step(c, asset, "disposal")
    loop.item_transition(item=disposal.item, name="approve", actor=c.town1_officer)
    assert verify_ledger().ok
    Asset.objects.filter(pk=asset.pk).update(status="registered")
    assert not verify_ledger().ok


def test_asset_step_refusals(review_county):
    c = review_county
    asset = _asset(c)
    services.contract_add(
        actor=c.supervisor, asset=asset, number="HT-1", counterparty="李四",
        starts_on=date(2025, 1, 1), ends_on=date(2027, 12, 31), area=Decimal(100),
        yearly_rent=Decimal(12000),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:  # not while leased out
        step(c, asset, "disposal")
    assert exc.value.message_dict["step"]
    with pytest.raises(ValidationError) as exc:
        step(c, asset, "bogus", detail="", done_on=None, files=[])
    assert {"step", "detail", "done_on", "files"} <= set(exc.value.message_dict)
    m = step(c, asset, "maintenance")
    with pytest.raises(ValidationError):  # one of a kind under review at a time
        step(c, asset, "maintenance")
    loop.item_transition(item=m.item, name="return", actor=c.town1_officer, comment="缺照片")
    loop.item_transition(item=m.item, name="repropose", actor=c.clerk1a, comment="补照片")
    loop.item_transition(item=m.item, name="approve", actor=c.town1_officer)
    m.item.refresh_from_db()
    assert m.item.state == "approved"
    with pytest.raises(PermissionDenied):
        step(c, asset, "inventory", actor=c.clerk2a)


def test_undecided_measure_counts_open_beyond_ten_days(review_county):
    from datetime import datetime as dt

    from oversight.collective.measures import undecided
    from oversight.core.measure_registry import Period, window
    from oversight.loop.models import WorkItem

    c = review_county
    r = propose(c)
    WorkItem.objects.filter(pk=r.item_id).update(opened_at=dt(2026, 3, 2, 8, tzinfo=UTC))

    def counted(day):
        w = window(Period.containing(day), day)
        return Reimbursement.objects.filter(undecided(w)).count()

    assert counted(date(2026, 3, 11)) == 0  # nine days: not yet
    assert counted(date(2026, 3, 13)) == 1
    loop.item_transition(item=r.item, name="approve", actor=c.town1_officer)
    WorkItem.objects.filter(pk=r.item_id).update(closed_at=dt(2026, 3, 14, 9, tzinfo=UTC))
    assert counted(date(2026, 3, 13)) == 1 and counted(date(2026, 3, 20)) == 0
