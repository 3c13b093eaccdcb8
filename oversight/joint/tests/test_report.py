"""The joint report (Word, through documents): drafted by the lead department only, drawn from
what the lead may see (a member's unshared finding stays out), with the hand-overs and the
outcomes reported back; a department outside the plan cannot draft or read it. The hand-over
list reads every outcome in a fixed number of queries."""

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document as Docx

from oversight.conftest import client_for, refusal_codes
from oversight.documents.models import Document
from oversight.joint import selectors, services
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop

from .test_joint import MEMBER, county, findings, plan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ISSUER = ["documents:document:issue", "documents:document:view"]


@pytest.fixture
def lead(county):  # noqa: F811
    county.role_supervisor.permissions = sorted(
        set(county.role_supervisor.permissions) | set(ISSUER)
    )
    county.role_supervisor.save()
    county.supervisor.__dict__.pop("_perm_codes", None)
    return county.supervisor


def _handed(c, finding, outcome="Recovered 12,000 yuan."):
    row = services.handover(
        actor=c.town1_officer, finding=finding, to_department=c.unit_a, feedback_by=date(2026, 4, 1)
    )
    item = loop.item_transition(item=row.item, name="accept", actor=c.clerk)
    loop.item_transition(item=item, name="report", actor=c.clerk, comment=outcome)
    return row


def _text(document: Document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(p.text for p in Docx(BytesIO(handle.read())).paragraphs)


def test_the_lead_drafts_the_report_from_what_it_may_see(county, plan, findings, lead):  # noqa: F811
    c = county
    hidden, shared = findings
    services.finding_record(
        actor=c.clerk, plan=plan, unit=c.unit_b, description="Kept to ourselves", shared=False
    )
    handed = services.finding_record(
        actor=c.town1_officer, plan=plan, unit=c.village2a, description="Subsidy paid twice"
    )
    _handed(c, handed)
    _handed(c, hidden, outcome="Invoices traced to one vendor.")
    document = services.report_issue(actor=lead, plan=plan)
    assert (document.doc_type, document.recipient_unit) == ("joint_report", "County")
    assert "联" in document.serial
    text = _text(document)
    assert "Payroll includes the dead" in text  # shared
    assert "Subsidy paid twice" in text and "Recovered 12,000 yuan." in text  # its outcome
    # a member's own finding stays the member's, handed to another member or not, although the
    # lead's officer here sees everything
    assert "Kept to ourselves" not in text
    assert "Invoices split" not in text and "Invoices traced" not in text
    assert "2026-06-30" in text  # interim: the plan runs until its end
    assert [m for m in verify_ledger().mismatches if m.table.startswith("documents")] == []


def test_only_the_lead_drafts_and_an_outsider_gets_nothing(county, plan, findings, lead):  # noqa: F811
    c = county
    for role in (c.role_town, c.role_clerk):
        role.permissions = sorted(set(role.permissions) | set(ISSUER))
        role.save()
    for account in (c.town1_officer, c.town2_officer, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    with pytest.raises(PermissionDenied):
        services.report_issue(actor=c.clerk, plan=plan)  # a member, not the lead
    with pytest.raises(PermissionDenied):
        services.report_issue(actor=c.town2_officer, plan=plan)  # outside the plan
    url = reverse("joint:report_issue", args=[plan.pk])
    assert client_for(c.town2_officer).post(url).status_code == 404
    assert client_for(c.clerk).post(url).status_code == 403  # a member, not the lead
    assert not Document.objects.exists()
    response = client_for(lead).post(url)
    document = Document.objects.get()
    assert response.url == reverse("documents:document_detail", args=[document.pk])
    page = client_for(lead).get(reverse("joint:plan_detail", args=[plan.pk])).content.decode()
    assert document.serial in page and 'data-testid="joint-report"' in page
    member_page = client_for(c.clerk).get(reverse("joint:plan_detail", args=[plan.pk]))
    assert 'data-testid="joint-report"' not in member_page.content.decode()
    outsider = client_for(c.town2_officer)
    assert outsider.get(reverse("documents:document_detail", args=[document.pk])).status_code in (
        403,
        404,
    )


def test_a_plan_without_findings_has_no_report(county, plan, lead):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        services.report_issue(actor=lead, plan=plan)
    assert refusal_codes(refused.value) == ["no_findings"]


def test_the_hand_overs_and_their_outcomes_read_in_fixed_queries(
    county,  # noqa: F811
    plan,  # noqa: F811
    lead,
    django_assert_max_num_queries,
):
    c = county
    for n in range(6):
        finding = services.finding_record(
            actor=c.town1_officer, plan=plan, unit=c.unit_b, description=f"Finding {n}"
        )
        _handed(c, finding, outcome=f"Outcome {n}")
    with django_assert_max_num_queries(6):  # 3 a list, whatever its length
        outcomes = [h.outcome for h in selectors.handover_list(viewer=lead, plan=plan)]
        states = [h.item.state for h in selectors.handover_list(viewer=lead, plan=plan)]
    assert sorted(outcomes) == [f"Outcome {n}" for n in range(6)]
    assert set(states) == {"reported"}
    page = client_for(lead).get(reverse("joint:plan_detail", args=[plan.pk])).content.decode()
    assert "Outcome 5" in page
