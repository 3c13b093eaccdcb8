"""A warning turned into a clue: a work item of the closed loop that is disposed of in one of
the four ways (or transferred) only after the leader in charge endorsed and the head approved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from oversight.analytics import services
from oversight.analytics.models import Warning
from oversight.analytics.workflows import CLUE, KIND, disposal_of
from oversight.conftest import PASSWORD, client_for
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused
from oversight.orgs import services as org_services
from oversight.orgs.models import Role

from .conftest import DEAD_TOWN1, DEAD_TOWN2, refusal_codes


@pytest.fixture
def clue(loaded, run_models):
    county = loaded.county
    run_models(county.supervisor)
    county.warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    county.item = services.warning_to_clue(
        warning=county.warning, actor=county.supervisor, responsible_node=county.commission
    )
    return county


def test_it_opens_a_clue_from_a_warning(clue):
    item, warning = clue.item, clue.warning
    warning.refresh_from_db()
    assert item.kind == KIND and item.state == "study"
    assert item.responsible_node == clue.commission and item.supervising_node == clue.commission
    assert warning.status == Warning.Status.CLUE and warning.clue == item
    assert "张一" in item.title and warning.reason_zh in item.description
    with pytest.raises(ValidationError) as error:
        services.warning_to_clue(
            warning=warning, actor=clue.supervisor, responsible_node=clue.commission
        )
    assert refusal_codes(error.value) == {"warning_decided"}


def test_the_approving_body_defaults_to_the_commission_over_the_office(clue):
    assert services.default_supervising_node(clue.town1) == clue.commission
    assert services.default_supervising_node(clue.group) == clue.commission
    assert services.default_supervising_node(clue.commission) == clue.commission


def test_it_disposes_by_preliminary_verification_after_endorsement_and_approval(clue):
    item, actor = clue.item, clue.supervisor
    names = [t.name for t in loop.available_transitions(item, actor)]
    assert {
        "propose_talk",
        "propose_verify",
        "propose_hold",
        "propose_conclude",
        "propose_transfer",
    } <= set(names)
    item = loop.item_transition(
        item=item, name="propose_verify", actor=actor, comment="Check the payroll"
    )
    assert item.state == "proposed_verify" and item.step_deadline is not None
    item = loop.item_transition(item=item, name="endorse_verify", actor=actor)
    assert item.state == "endorsed_verify"
    item = loop.item_transition(item=item, name="approve_verify", actor=actor)
    assert item.state == "verify" and disposal_of(item.state) == "verify"
    # After the verification, the office proposes what follows: here, a transfer.
    item = loop.item_transition(
        item=item, name="propose_transfer", actor=actor, comment="Facts confirmed"
    )
    item = loop.item_transition(item=item, name="endorse_transfer", actor=actor)
    item = loop.item_transition(item=item, name="approve_transfer", actor=actor)
    assert item.state == "transferred" and item.closed_at is not None


def test_a_hold_and_a_conclusion_carry_their_reason(clue):
    item, actor = clue.item, clue.supervisor
    for name in ("propose_hold", "propose_conclude", "propose_transfer"):
        with pytest.raises(ValidationError):
            loop.item_transition(item=item, name=name, actor=actor, comment="")
    item = loop.item_transition(
        item=item, name="propose_hold", actor=actor, comment="Await the audit"
    )
    item = loop.item_transition(item=item, name="endorse_hold", actor=actor)
    item = loop.item_transition(item=item, name="approve_hold", actor=actor)
    assert item.state == "hold" and item.closed_at is None
    item = loop.item_transition(
        item=item, name="reopen", actor=actor, comment="The audit came back"
    )
    item = loop.item_transition(item=item, name="propose_conclude", actor=actor, comment="Repaid")
    item = loop.item_transition(item=item, name="endorse_conclude", actor=actor)
    item = loop.item_transition(item=item, name="approve_conclude", actor=actor)
    assert item.state == "concluded" and item.closed_at is not None
    comments = list(
        item.events.filter(transition__startswith="propose_").values_list("comment", flat=True)
    )
    assert comments == ["Await the audit", "Repaid"]


def test_either_approver_sends_a_proposal_back_with_a_reason(clue):
    item, actor = clue.item, clue.supervisor
    item = loop.item_transition(item=item, name="propose_talk", actor=actor)
    with pytest.raises(ValidationError):
        loop.item_transition(item=item, name="send_back", actor=actor, comment="")
    item = loop.item_transition(item=item, name="send_back", actor=actor, comment="Verify first")
    assert item.state == "study"
    item = loop.item_transition(item=item, name="propose_talk", actor=actor)
    item = loop.item_transition(item=item, name="endorse_talk", actor=actor)
    item = loop.item_transition(item=item, name="refuse", actor=actor, comment="No")
    assert item.state == "study"


def test_the_approval_chain_needs_each_function(clue):
    """The handling officer proposes; only the leader in charge endorses, only the head approves."""
    county = clue

    def account(username, perms):
        role = org_services.role_save(
            role=None, key=username, name=username, permissions=perms,
            data_scope=Role.Scope.ALL, listed_nodes=[],
        )  # fmt: skip
        return org_services.account_save(
            account=None, username=username, display_name=username, org_node=county.commission,
            person=None, roles=[role], password=PASSWORD,
        )  # fmt: skip

    handler = account("handler", ["loop:item:view", "analytics:clue:propose"])
    leader = account("leader", ["loop:item:view", "analytics:clue:endorse"])
    head = account("head", ["loop:item:view", "analytics:clue:approve"])
    item = clue.item
    with pytest.raises(TransitionRefused):
        loop.item_transition(item=item, name="propose_verify", actor=leader)
    item = loop.item_transition(item=item, name="propose_verify", actor=handler)
    with pytest.raises(TransitionRefused):
        loop.item_transition(item=item, name="endorse_verify", actor=handler)
    with pytest.raises(TransitionRefused):
        loop.item_transition(item=item, name="endorse_verify", actor=head)
    item = loop.item_transition(item=item, name="endorse_verify", actor=leader)
    with pytest.raises(TransitionRefused):
        loop.item_transition(item=item, name="approve_verify", actor=leader)
    item = loop.item_transition(item=item, name="approve_verify", actor=head)
    assert item.state == "verify"


def test_the_clue_page_shows_the_warning_and_its_steps(clue):
    client = client_for(clue.supervisor)
    response = client.get(f"/analytics/clues/{clue.item.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="clue"' in content and 'data-testid="do-propose_verify"' in content
    assert content.count('name="files"') <= 1  # one upload for every step, not one per step
    assert response.context["warning_visible"] is True
    response = client.post(f"/work/items/{clue.item.pk}/do/propose_verify/", {"comment": ""})
    assert response.status_code == 302
    clue.item.refresh_from_db()
    assert clue.item.state == "proposed_verify"
    # A town officer sees neither the clue nor its page.
    assert (
        client_for(clue.town1_officer).get(f"/analytics/clues/{clue.item.pk}/").status_code == 404
    )


def test_it_turns_a_warning_into_a_clue_through_the_page(loaded, run_models):
    county = loaded.county
    run_models(county.supervisor)
    warning = Warning.objects.get(subject_id=DEAD_TOWN2)
    response = client_for(county.supervisor).post(
        f"/analytics/warnings/{warning.pk}/clue/",
        {"responsible_node": county.commission.pk, "note": "Urgent"},
    )
    warning.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/analytics/clues/{warning.clue_id}/"
    assert "Urgent" in warning.clue.description
    assert warning.clue.workflow is CLUE
