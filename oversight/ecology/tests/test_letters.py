"""The portrait's documents in one click: drafted through the documents app from the figures
and the weakest indicators, the warning notice only below the line, numbered when signed."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from oversight.conftest import client_for
from oversight.documents.models import Draft
from oversight.ecology import letters, rounds
from oversight.ecology.models import Portrait
from oversight.loop import services as loop
from oversight.orgs import services as orgs
from oversight.orgs.models import Role


def signer_at(node):
    role = orgs.role_save(
        role=None,
        key="signer",
        name="signer",
        permissions=["loop:item:view", "documents:document:view", "documents:document:issue"],
        data_scope=Role.Scope.OWN_AND_BELOW,
        listed_nodes=[],
    )
    return orgs.account_save(
        account=None,
        username="signer",
        display_name="signer",
        org_node=node,
        person=None,
        roles=[role],
        password="a-long-test-password",
    )


@pytest.fixture
def portraits(system, eco_county):
    c = eco_county
    round_ = rounds.round_create(
        actor=c.supervisor,
        system=system,
        title="2026",
        units=[c.town1, c.town2],
        warning_below=Decimal(39),
    )
    leaf = system.indicators.get(code="1.2")
    rounds.rating_save(
        actor=c.supervisor,
        round_=round_,
        indicator=leaf,
        node=c.town2,
        score=Decimal(50),
        reason="Half done",
    )
    rounds.round_compute(actor=c.supervisor, round_=round_, on=date(2026, 3, 2))
    # Town 1: 40 (nothing opened) + 0 + 0 = 40; Town 2: 40 + 10 + 0 = 50. Line 39: no warning
    # for either total; but Town 1's Style aspect (0%) and Town 2's (0%) fall below 39%.
    return {p.node_id: p for p in Portrait.objects.filter(round=round_)}


def test_one_click_drafts_the_documents_from_the_figures(portraits, eco_county):
    c = eco_county
    town2 = portraits[c.town2.pk]
    assert letters.below_line(town2) == ["“Style”得分率0.0%，低于39%"]
    made = letters.portrait_documents(actor=c.supervisor, portrait=town2)
    assert sorted(d.doc_type for d in made) == [
        "evaluation_report",
        "feedback_suggestion",
        "supervision_opinion",
        "warning_notice",
    ]
    report = Draft.objects.get(ecology_portrait__portrait=town2, doc_type="evaluation_report")
    assert report.context["recipient_unit"] == "Town 2"
    body = report.context["body"]
    assert "综合得分50.00分" in body and "在2个同类单位中排第1名" in body
    assert "“2.1 Staff's view”（Style）失40分" in body
    assert report.item.state == "drafting" and report.document_id is None
    # A second click drafts nothing new.
    assert letters.portrait_documents(actor=c.supervisor, portrait=town2) == []
    # Reviewed and signed by another officer: numbered, downloadable.
    loop.item_transition(item=report.item, name="submit", actor=c.supervisor)
    loop.item_transition(item=report.item, name="sign", actor=signer_at(c.commission))
    report.refresh_from_db()
    assert report.document.serial
    page = client_for(c.supervisor).get(reverse("ecology:portrait_detail", args=[town2.pk]))
    assert (
        reverse("documents:document_download", args=[report.document.pk]) in page.content.decode()
    )


def test_no_warning_notice_above_the_line(portraits, eco_county):
    c = eco_county
    town2 = portraits[c.town2.pk]
    town2.round.warning_below = Decimal(0)
    made = letters.portrait_documents(actor=c.supervisor, portrait=town2)
    assert "warning_notice" not in {d.doc_type for d in made} and len(made) == 3


def test_only_the_commission_drafts(portraits, eco_county):
    c = eco_county
    town1 = portraits[c.town1.pk]
    response = client_for(c.town1_officer).post(
        reverse("ecology:portrait_documents", args=[town1.pk])
    )
    assert response.status_code == 403
    assert (
        client_for(c.supervisor)
        .post(reverse("ecology:portrait_documents", args=[town1.pk]))
        .status_code
        == 302
    )
    assert Draft.objects.filter(ecology_portrait__portrait=town1).count() == 4
