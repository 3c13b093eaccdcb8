"""The kind duties declares (``duties/workflows.py``), tested beside its declaration: a report
is made with evidence by the unit, returned with a rectification notice by the supervising
body, made again and accepted with a score; only the right side performs each step, and the
loop's generic accept (without a score) is refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.conftest import refusal_codes
from oversight.documents.models import Document
from oversight.duties import services
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused


@pytest.fixture
def report(duties_county, duty_list):
    c = duties_county
    (town1,) = services.list_issue(
        actor=c.supervisor, duty_list=duty_list, nodes=[c.town1], supervising_node=c.commission
    )
    return town1.reports.get(key="2026")


def test_it_runs_a_report_through_return_and_acceptance(duties_county, report):
    c = duties_county
    item = report.item
    assert item.state == "open" and item.waiting_on == loop.RESPONSIBLE
    evidence = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    item = loop.item_transition(
        item=item, name="submit", actor=c.town1_officer, comment="Plan", files=[evidence]
    )
    assert item.state == "submitted" and item.attachments.count() == 1
    item = loop.item_transition(item=item, name="return", actor=c.supervisor, comment="Copied")
    assert item.state == "returned"
    notice = Document.objects.get(target_type="loop.workitem", target_id=str(item.pk))
    assert notice.doc_type == "rectification_notice"
    item = loop.item_transition(item=item, name="submit", actor=c.town1_officer, comment="Own")
    report.refresh_from_db()
    assert report.reported_on == date(2026, 3, 2)  # the first report's day is kept
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=item, name="accept", actor=c.supervisor)
    assert refusal_codes(refused.value) == {"score": ["required"]}
    services.report_accept(actor=c.supervisor, report=report, score=Decimal("40"))
    item.refresh_from_db()
    assert item.state == "accepted" and item.closed_at is not None


def test_only_the_right_side_performs_each_step(duties_county, report):
    c = duties_county
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=report.item, name="submit", actor=c.town2_officer, comment="x")
    assert refusal_codes(refused.value) == ["not_allowed"]
    loop.item_transition(item=report.item, name="submit", actor=c.town1_officer, comment="x")
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(
            item=report.item, name="accept", actor=c.town1_officer, data={"score": "40"}
        )
    assert refusal_codes(refused.value) == ["not_allowed"]
