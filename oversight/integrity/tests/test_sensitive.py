"""The sensitive parts of a file (family members, property matters): shown to the cadre, and to
an officer only after a leader approved their request (a loop step), for a week."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from oversight.conftest import PASSWORD, client_for, make_resident_id
from oversight.integrity import selectors, services
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused
from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def scounty(icounty):
    c = icounty
    grant_permissions({"supervisor": ["integrity:file:approve"]})
    c.role_supervisor.refresh_from_db()
    c.leader = org_services.account_save(
        account=None,
        username="leader",
        display_name="leader",
        org_node=c.commission,
        person=None,
        roles=[c.role_supervisor],
        password=PASSWORD,
    )
    c.supervisor.__dict__.pop("_perm_codes", None)
    for person in (c.p_town1, c.p_cadre):
        services.relative_add(
            actor=c.supervisor,
            person=person,
            relation="spouse",
            name=f"Spouse of {person.pk}",
            resident_id=make_resident_id(D(1981, 2, 3), male=False),
        )
        services.relative_add(
            actor=c.supervisor, person=person, relation="social", name=f"Friend of {person.pk}"
        )
        services.matter_report_submit(
            actor=c.supervisor,
            person=person,
            kind="yearly",
            year=2025,
            entries=[("housing", f"Flat of {person.pk}"), ("marriage", f"Married {person.pk}")],
        )
    return c


def _shown(c, account, view):
    f = selectors.file_of(viewer=account, view=view)
    entries = [e.content for r in f.reports for e in r.shown_entries]
    return {r.name for r in f.relatives}, entries, f.sensitive


def test_an_officer_sees_no_family_nor_property_without_approval(scounty):
    c = scounty
    view = services.file_open(actor=c.town1_officer, person=c.p_town1, reason="complaint check")
    names, entries, sensitive = _shown(c, c.town1_officer, view)
    p = c.p_town1.pk
    assert not sensitive
    assert names == {f"Friend of {p}"} and entries == [f"Married {p}"]
    page = client_for(c.town1_officer).get(reverse("integrity:file_detail", args=[view.pk]))
    assert f"Spouse of {p}" not in page.content.decode()
    assert f"Flat of {p}" not in page.content.decode()


def test_the_cadre_sees_their_own_family_and_property(scounty):
    c = scounty
    view = services.file_open(actor=c.cadre, person=c.p_cadre)
    names, entries, sensitive = _shown(c, c.cadre, view)
    assert sensitive and f"Spouse of {c.p_cadre.pk}" in names
    assert f"Flat of {c.p_cadre.pk}" in entries


def test_a_leader_approves_and_the_approval_lasts_a_week(scounty, today):
    c = scounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    with pytest.raises(ValidationError) as exc:
        services.sensitive_request(actor=c.supervisor, view=view, reason=" ")
    assert exc.value.error_dict["reason"][0].code == "required"
    request = services.sensitive_request(actor=c.supervisor, view=view, reason="housing check")
    with pytest.raises(ValidationError) as exc:
        services.sensitive_request(actor=c.supervisor, view=view, reason="again")
    assert exc.value.error_dict["reason"][0].code == "pending"
    with pytest.raises((ValidationError, TransitionRefused)):
        loop.item_transition(item=request.item, name="approve", actor=c.supervisor)
    assert not _shown(c, c.supervisor, view)[2]
    item = loop.item_transition(item=request.item, name="approve", actor=c.leader)
    assert item.state == "approved"
    names, entries, sensitive = _shown(c, c.supervisor, view)
    assert sensitive and f"Spouse of {c.p_town1.pk}" in names
    assert f"Flat of {c.p_town1.pk}" in entries
    later = item.closed_at + datetime.timedelta(days=7, seconds=1)
    assert not selectors.sensitive_granted(viewer=c.supervisor, person=c.p_town1, now=later)
    assert not selectors.sensitive_granted(viewer=c.leader, person=c.p_town1)
    assert verify_ledger().ok


def test_a_refusal_keeps_them_hidden(scounty):
    c = scounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    request = services.sensitive_request(actor=c.supervisor, view=view, reason="housing check")
    loop.item_transition(item=request.item, name="refuse", actor=c.leader, comment="not needed")
    assert not _shown(c, c.supervisor, view)[2]


def test_only_the_opener_of_a_current_view_asks(scounty):
    c = scounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    with pytest.raises(PermissionDenied):
        services.sensitive_request(actor=c.leader, view=view, reason="housing")
    own = services.file_open(actor=c.cadre, person=c.p_cadre)
    with pytest.raises(PermissionDenied):
        services.sensitive_request(actor=c.cadre, view=own, reason="housing")


def test_the_request_page_through_the_view(scounty):
    c = scounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    client = client_for(c.supervisor)
    url = reverse("integrity:sensitive_request", args=[view.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "housing check"}).status_code == 302
    request = selectors.latest_sensitive_request(viewer=c.supervisor, person=c.p_town1)
    detail = client_for(c.leader).get(reverse("integrity:sensitive_detail", args=[request.item_id]))
    assert detail.status_code == 200
    outsider = client_for(c.town2_officer)
    assert (
        outsider.get(reverse("integrity:sensitive_detail", args=[request.item_id])).status_code
        == 404
    )
