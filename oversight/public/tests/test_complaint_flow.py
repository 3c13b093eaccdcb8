"""A complaint through every step of its workflow, by services, with its deadlines, messages to
the citizen, SMS notices, the ledger's fixed record and the dissatisfaction ledger."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.loop.models import Event, WorkItem
from oversight.loop.services import TransitionRefused
from oversight.public import services as public
from oversight.public.models import CitizenNotice, Complaint, Dissatisfaction, PublicMessage

from .conftest import file_complaint

pytestmark = pytest.mark.django_db


def _to_review(pc, complaint):
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    loop.item_transition(
        item=complaint.item, name="handle", actor=pc.town1_officer, comment="Fee refunded."
    )
    loop.item_transition(
        item=complaint.item,
        name="draft",
        actor=pc.town1_officer,
        comment="The fee was refunded; call 13912345678.",
    )
    return Complaint.objects.get(pk=complaint.pk)


def test_it_runs_a_complaint_from_receipt_to_closing(pc):
    complaint, code = file_complaint(pc)
    item = complaint.item
    assert item.kind == "public.complaint" and item.state == "received"
    assert item.responsible_node == pc.commission and item.supervising_node == pc.commission
    assert item.step_deadline == date(2026, 3, 9)  # 5 working days
    assert item.events.get(type=Event.Type.CREATED).actor_name == "群众"
    assert len(code.replace("-", "")) * 5 >= 64
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=item, name="accept", actor=pc.town1_officer)
    assert refusal_codes(refused.value) == ["not_allowed"]
    loop.item_transition(item=item, name="accept", actor=pc.intake)
    loop.item_transition(item=item, name="route", actor=pc.intake)
    item.refresh_from_db()
    complaint.refresh_from_db()
    assert (
        item.state == "handling" and item.responsible_node == pc.town1
    )  # by the item's department
    assert item.step_deadline == date(2026, 3, 16)  # the item's own limit: 10 working days
    assert complaint.unit == pc.town1 and complaint.reply_deadline == date(2026, 3, 24)
    loop.item_transition(item=item, name="handle", actor=pc.town1_officer, comment="Fee refunded.")
    loop.item_transition(item=item, name="draft", actor=pc.town1_officer, comment="Refunded.")
    loop.item_transition(item=item, name="return", actor=pc.intake, comment="Say how much.")
    item.refresh_from_db()
    assert item.state == "handled"
    loop.item_transition(
        item=item,
        name="draft",
        actor=pc.town1_officer,
        comment="Refunded 50 yuan; ring 13912345678.",
    )
    loop.item_transition(item=item, name="approve", actor=pc.intake, data={"publish": True})
    complaint.refresh_from_db()
    assert complaint.reply == "Refunded 50 yuan; ring 13912345678."
    assert complaint.published and "13912345678" not in complaint.public_text
    assert complaint.replied_on_time is True
    assert (
        Leaf.objects.filter(target_type="public.reply", target_id=str(complaint.pk))
        .exclude(content_digest="")
        .exists()
    )
    kinds = list(complaint.messages.values_list("kind", flat=True))
    assert kinds == ["notice", "notice", "reply"]
    public.citizen_rate(complaint=complaint, satisfied=True)
    item.refresh_from_db()
    assert item.state == "evaluated"
    assert item.events.filter(transition="evaluate", actor__isnull=True, actor_name="群众").exists()
    loop.item_transition(item=item, name="close", actor=pc.intake)
    item.refresh_from_db()
    assert item.state == "closed" and item.closed_at is not None


def test_it_opens_a_responsibility_review_on_dissatisfaction(pc):
    complaint, _code = file_complaint(pc)
    complaint = _to_review(pc, complaint)
    loop.item_transition(item=complaint.item, name="approve", actor=pc.intake)
    with pytest.raises(ValidationError) as refused:
        public.citizen_rate(complaint=complaint, satisfied=False, reason="")
    assert refusal_codes(refused.value) == {"reason": ["required"]}
    public.citizen_rate(complaint=complaint, satisfied=False, reason="Nobody refunded me.")
    row = Dissatisfaction.objects.get(complaint=complaint)
    assert row.responsible_node == pc.town1 and row.reason == "Nobody refunded me."
    review = row.review_item
    assert review.kind == "public.review" and review.responsible_node == pc.town1
    loop.item_transition(
        item=review, name="explain", actor=pc.town1_officer, comment="We did refund."
    )
    loop.item_transition(
        item=review, name="conclude_responsible", actor=pc.intake, comment="Late refund."
    )
    row.refresh_from_db()
    assert row.finding == "responsible" and row.conclusion == "Late refund."


def test_it_tells_the_citizen_why_not_accepted(pc, django_capture_on_commit_callbacks):
    complaint, _code = file_complaint(pc, named=True, name="Li Si", phone="13800001111")
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=complaint.item, name="reject", actor=pc.intake)
    assert refusal_codes(refused.value) == {"comment": ["required"]}
    with django_capture_on_commit_callbacks(execute=True):
        loop.item_transition(
            item=complaint.item, name="reject", actor=pc.intake, comment="Belongs to the court."
        )
    complaint.refresh_from_db()
    assert complaint.item.state == "not_accepted" and complaint.item.closed_at is not None
    notice = complaint.messages.get(kind=PublicMessage.Kind.NOTICE)
    assert "Belongs to the court." in notice.text
    sms = CitizenNotice.objects.get(complaint=complaint)
    assert sms.kind == "not_accepted" and sms.sent_at is not None  # Huey runs immediately in tests
    assert complaint.notice_sent_on is not None and complaint.notice_due == date(2026, 3, 23)


def test_it_sends_the_acceptance_notice_by_sms_to_named_complainants_only(
    pc, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("INFO", logger="notify")
    named, _code = file_complaint(pc, named=True, name="Li Si", phone="13800001111")
    anonymous, _code = file_complaint(pc)
    with django_capture_on_commit_callbacks(execute=True):
        for c in (named, anonymous):
            loop.item_transition(item=c.item, name="accept", actor=pc.intake)
    assert CitizenNotice.objects.filter(
        complaint=named, kind="accepted", sent_at__isnull=False
    ).exists()
    assert not CitizenNotice.objects.filter(complaint=anonymous).exists()
    assert any(named.reference in r.getMessage() for r in caplog.records)


def test_it_routes_village_matters_to_the_town_and_needs_a_unit_otherwise(pc):
    complaint, _code = file_complaint(pc, power_item=pc.item_village, subject_node=pc.village2a)
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    assert WorkItem.objects.get(pk=complaint.item_id).responsible_node == pc.town2
    other, _code = file_complaint(pc, power_item=None, subject_node=None)
    loop.item_transition(item=other.item, name="accept", actor=pc.intake)
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=other.item, name="route", actor=pc.intake)
    assert refusal_codes(refused.value) == {"node": ["required"]}
    loop.item_transition(
        item=other.item, name="route", actor=pc.intake, data={"node": pc.dept_a1.pk}
    )
    other.refresh_from_db()
    assert other.item.responsible_node == pc.dept_a1 and other.unit == pc.unit_a


def test_it_sends_a_complaint_back_for_routing_when_it_is_not_the_departments(pc):
    complaint, _code = file_complaint(pc)
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    loop.item_transition(
        item=complaint.item, name="object", actor=pc.town1_officer, comment="Not ours."
    )
    item = WorkItem.objects.get(pk=complaint.item_id)
    assert item.state == "accepted" and item.responsible_node == pc.commission


def test_it_links_repeat_complaints_about_the_same_matter(pc):
    first, _code = file_complaint(pc)
    second, _code = file_complaint(pc, content="Again a fee.")
    third, _code = file_complaint(pc, content="Still a fee.")
    assert second.repeat_of == first and third.repeat_of == first
    different, _code = file_complaint(pc, subject_node=pc.village1b)
    assert different.repeat_of is None
    public.complaint_link(complaint=different, other=third, actor=pc.intake)
    different.refresh_from_db()
    assert different.repeat_of == first
    public.complaint_unlink(complaint=different, actor=pc.intake)
    different.refresh_from_db()
    assert different.repeat_of is None


def test_a_repeat_is_linked_only_within_the_window(pc, settings):
    from datetime import timedelta

    from oversight.loop import timing

    today = timing.today()
    old, _code = file_complaint(pc)
    window = settings.PUBLIC_REPEAT_WINDOW_DAYS
    Complaint.objects.filter(pk=old.pk).update(received_on=today - timedelta(days=window + 1))
    fresh, _code = file_complaint(pc)
    assert fresh.repeat_of is None  # the old one is out of the window: a new chain
    Complaint.objects.filter(pk=fresh.pk).update(received_on=today - timedelta(days=window))
    again, _code = file_complaint(pc)
    assert again.repeat_of == fresh


def test_it_closes_replied_complaints_left_unrated(pc, today):
    complaint, _code = file_complaint(pc)
    complaint = _to_review(pc, complaint)
    loop.item_transition(item=complaint.item, name="approve", actor=pc.intake)
    assert public.close_unrated() == 0
    Complaint.objects.filter(pk=complaint.pk).update(
        replied_at=complaint.item.opened_at.replace(year=2026, month=2, day=1)
    )
    assert public.close_unrated() == 1
    item = WorkItem.objects.get(pk=complaint.item_id)
    assert item.state == "closed" and item.events.filter(transition="expire").exists()


def test_it_refuses_a_duplicate_submission_of_the_same_form(pc):
    file_complaint(pc, submission_key="nonce-1")
    with pytest.raises(public.DuplicateSubmission) as refused:
        file_complaint(pc, submission_key="nonce-1")
    assert refusal_codes(refused.value) == ["duplicate"]
    assert Complaint.objects.count() == 1


def test_a_duplicate_that_races_past_the_check_leaves_no_work_item(pc, monkeypatch):
    from django.db.models import QuerySet

    file_complaint(pc, submission_key="nonce-2")
    items = WorkItem.objects.count()
    # the second sending checks before the first has committed: only the unique hash stops it
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(public.DuplicateSubmission) as refused:
        file_complaint(pc, submission_key="nonce-2")
    assert refusal_codes(refused.value) == ["duplicate"]
    assert Complaint.objects.count() == 1 and WorkItem.objects.count() == items


def test_it_validates_what_citizens_send(pc):
    with pytest.raises(ValidationError) as info:
        file_complaint(pc, content="  ")
    assert refusal_codes(info.value) == {"content": ["required"]}
    assert "content" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        file_complaint(pc, named=True, name="Li", phone="12345")
    assert refusal_codes(info.value) == {"phone": ["invalid"]}
    assert "phone" in info.value.error_dict
    with pytest.raises(ValidationError) as refused:
        file_complaint(pc, power_item=pc.hidden_item)
    assert refusal_codes(refused.value) == {"power_item": ["unpublished"]}
    with pytest.raises(ValidationError) as refused:
        file_complaint(pc, happened_on=date(2027, 1, 1))
    assert refusal_codes(refused.value) == {"happened_on": ["future"]}
    assert Complaint.objects.count() == 0 and WorkItem.objects.count() == 0


def test_the_intake_commission_is_the_nearest_one_up_the_tree(pc):
    """Read in one query from the path, it must agree with walking up parent by parent."""
    from oversight.orgs.models import OrgNode

    def walking_up(node):
        while node is not None:
            if node.type == OrgNode.Type.COMMISSION and node.is_active:
                return node
            child = node.children.filter(type=OrgNode.Type.COMMISSION, is_active=True).first()
            if child is not None:
                return child
            node = node.parent
        return OrgNode.objects.filter(type=OrgNode.Type.COMMISSION, is_active=True).first()

    from oversight.orgs import services as orgs

    commission = OrgNode.Type.COMMISSION
    orgs.node_create(name="Town 1 commission", code="C-T1-JW", type=commission, parent=pc.town1)
    inner = orgs.node_create(
        name="Office",
        code="C-T1-JW-1",
        type=OrgNode.Type.DEPARTMENT,
        parent=OrgNode.objects.get(code="C-T1-JW"),
    )
    orgs.node_create(name="Inner commission", code="C-T1-JW-1-JW", type=commission, parent=inner)
    closed = orgs.node_create(
        name="Village commission", code="C-T1-V1-JW", type=commission, parent=pc.village1a
    )
    orgs.node_set_active(node=closed, active=False)
    nodes = list(OrgNode.objects.all())
    assert len(nodes) > 10 and OrgNode.objects.filter(type=commission).count() == 4
    for node in [*nodes, None]:
        assert public.intake_node_for(node) == walking_up(node), node
