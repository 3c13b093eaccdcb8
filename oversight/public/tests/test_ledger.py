"""Published replies are fixed records: the ledger verifies them, and a change behind the
platform's back is named."""

import json
import re

import pytest

from oversight.conftest import make_person
from oversight.ledger import keys
from oversight.ledger import selectors as ledger_selectors
from oversight.ledger import services as ledger
from oversight.ledger.models import Leaf
from oversight.ledger.tlog import verify_receipt
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import WorkItem
from oversight.orgs import services as org_services
from oversight.public import services as public
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


def _closed_and_published(pc):
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
    public.citizen_rate(complaint=Complaint.objects.get(pk=complaint.pk), satisfied=True)
    loop.item_transition(item=complaint.item, name="close", actor=pc.intake)
    complaint = Complaint.objects.select_related("item").get(pk=complaint.pk)
    assert complaint.item.closed_at is not None and complaint.published
    return complaint


def test_renaming_units_people_and_kinds_through_the_platform_leaves_fixed_records_intact(pc):
    """The electronic file and the published reply were fixed with the names of the day;
    renaming the units, accounts, people and small-power items they name, through the
    platform's services, is no change of them. A real edit of what was fixed still shows."""
    complaint = _closed_and_published(pc)
    fixed = Leaf.objects.filter(fixed_content__isnull=False)
    assert set(fixed.values_list("target_type", flat=True)) == {"loop.efile", "public.reply"}
    assert verify_ledger().ok

    for node in (pc.town1, pc.commission, pc.county):
        org_services.node_update(
            node=node, name=f"{node.name} (renamed)", code=node.code, type=node.type, sort=0
        )
    officer = pc.town1_officer
    org_services.account_save(
        account=officer,
        username="officer-renamed",
        display_name="Renamed",
        org_node=officer.org_node,
        person=officer.person,
        roles=list(officer.roles.all()),
    )
    person = make_person(pc.town1, "Somebody")
    org_services.person_update(
        person=person,
        name="Somebody Else",
        resident_id=person.resident_id,
        org_node=person.org_node,
        rank=person.rank,
        phone=person.phone,
        is_cadre=person.is_cadre,
        is_active=True,
    )
    item = pc.item_town
    public.power_item_save(
        item=item,
        actor=pc.intake,
        category=item.category,
        code=item.code,
        name="Subsidies (renamed)",
        responsible_node=item.responsible_node,
        limit_days=item.limit_days,
    )
    public.category_save(
        category=pc.category, actor=pc.intake, code=pc.category.code, name="Renamed category"
    )
    report = verify_ledger()
    assert report.mismatches == []
    # The public page's badge agrees: the reply is intact.
    badge = ledger_selectors.fixed_badge(record_type="public.reply", record_id=complaint.pk)
    assert badge.intact is True

    # What was fixed, changed behind the platform's back, is still named with its field.
    WorkItem.objects.filter(pk=complaint.item_id).update(title="Another title")
    Complaint.objects.filter(pk=complaint.pk).update(unit=pc.unit_a)
    report = verify_ledger()
    named = {(m.table, m.row): m.message for m in report.mismatches}
    assert "title" in named[("loop_workitem", str(complaint.item_id))]
    assert "unit" in named[("public_complaint", str(complaint.pk))]
