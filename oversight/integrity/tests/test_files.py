"""Opening integrity files: a reason for anyone else's file, every opening recorded and listed,
scopes (outsiders get nothing), the cadre's own file."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from oversight.conftest import client_for, make_resident_id
from oversight.integrity import selectors, services
from oversight.integrity.models import FileView
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

SPOUSE_ID = make_resident_id(datetime.date(1982, 6, 12), male=False)


def test_it_refuses_opening_without_a_reason(icounty):
    c = icounty
    with pytest.raises(ValidationError) as exc:
        services.file_open(actor=c.supervisor, person=c.p_town1, reason="  ")
    assert exc.value.error_dict["reason"][0].code == "required"
    assert not FileView.objects.exists()


def test_it_records_every_opening_in_the_ledger_and_on_the_file(icounty):
    c = icounty
    first = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    second = services.file_open(actor=c.town1_officer, person=c.p_town1, reason="complaint check")
    leaves = Leaf.objects.filter(action="integrity.file.open").order_by("index")
    assert [leaf.target_id for leaf in leaves] == [str(first.pk), str(second.pk)]
    listed = selectors.file_views(viewer=c.supervisor, person=c.p_town1)
    assert [(v.viewer, v.reason) for v in listed] == [
        (c.town1_officer, "complaint check"),
        (c.supervisor, "promotion review"),
    ]
    assert verify_ledger().ok


def test_the_file_page_lists_who_looked(icounty):
    c = icounty
    client = client_for(c.supervisor)
    response = client.post(
        reverse("integrity:file_open", args=[c.p_town1.pk]), {"reason": "promotion review"}
    )
    view = FileView.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("integrity:file_detail", args=[view.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "promotion review" in page.content.decode()


def test_the_form_names_the_missing_reason(icounty):
    c = icounty
    response = client_for(c.supervisor).post(
        reverse("integrity:file_open", args=[c.p_town1.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert 'data-field="reason"' in response.content.decode()
    assert not FileView.objects.exists()


def test_an_officer_outside_the_scope_gets_nothing(icounty):
    c = icounty
    with pytest.raises(PermissionDenied):
        services.file_open(actor=c.town2_officer, person=c.p_town1, reason="curious")
    client = client_for(c.town2_officer)
    assert client.get(reverse("integrity:file_gate", args=[c.p_town1.pk])).status_code == 404
    response = client.post(
        reverse("integrity:file_open", args=[c.p_town1.pk]), {"reason": "curious"}
    )
    assert response.status_code == 404
    listed = client.get(reverse("integrity:person_list")).content.decode()
    assert c.p_town2.name in listed and c.p_town1.name not in listed
    export = client.get(reverse("integrity:person_list") + "?export=xlsx")
    assert export.status_code == 200
    assert c.p_town1.resident_id.encode() not in export.content
    assert selectors.people(viewer=c.town2_officer).filter(pk=c.p_town1.pk).count() == 0


def test_without_the_permission_there_is_no_list(icounty):
    c = icounty
    assert client_for(c.clerk).get(reverse("integrity:person_list")).status_code == 403


def test_an_opening_shows_the_file_only_to_its_viewer_while_current(icounty):
    c = icounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="promotion review")
    url = reverse("integrity:file_detail", args=[view.pk])
    assert client_for(c.town1_officer).get(url).status_code == 404
    assert client_for(c.supervisor).get(url).status_code == 200
    later = view.at + FileView.OPEN_FOR + datetime.timedelta(seconds=1)
    with pytest.raises(Http404):
        selectors.view_get(viewer=c.supervisor, pk=view.pk, now=later)


def test_a_cadre_opens_their_own_file_without_a_reason_and_no_other(icounty):
    c = icounty
    own = services.file_open(actor=c.cadre, person=c.p_cadre)
    assert own.own and own.reason == ""
    with pytest.raises(PermissionDenied):
        services.file_open(actor=c.cadre, person=c.p_unit_a, reason="curious")
    client = client_for(c.cadre)
    assert client.get(reverse("integrity:own_file")).status_code == 200
    response = client.post(reverse("integrity:file_open", args=[c.p_cadre.pk]), {})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("integrity:person_list")).status_code == 403
    other = client.post(reverse("integrity:file_open", args=[c.p_unit_a.pk]), {"reason": "x"})
    assert other.status_code in (403, 404)
    assert FileView.objects.filter(viewer=c.cadre, person=c.p_unit_a).count() == 0


def test_an_officers_own_file_still_needs_a_reason_without_the_own_permission(icounty):
    c = icounty
    c.supervisor.person = c.p_county
    with pytest.raises(ValidationError):
        services.file_open(actor=c.supervisor, person=c.p_county)


def test_relations_of_are_scoped(icounty):
    c = icounty
    services.relative_add(
        actor=c.supervisor,
        person=c.p_town1,
        relation="spouse",
        name="Wang",
        resident_id=SPOUSE_ID,
    )
    pairs = selectors.relations_of([c.p_town1.pk], viewer=c.town1_officer)
    assert [(p.person_id, p.relation, p.resident_id) for p in pairs] == [
        (c.p_town1.pk, "spouse", SPOUSE_ID)
    ]
    assert selectors.relations_of([c.p_town1.pk], viewer=c.town2_officer) == []
