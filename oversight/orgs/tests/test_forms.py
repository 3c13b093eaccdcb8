"""Every administration form answers bad input with a message on the field and writes nothing."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import gettext

from oversight.conftest import PASSWORD, client_for, make_resident_id
from oversight.core.models import DictItem, DictType
from oversight.orgs.models import Account, OrgNode, Person, Position, Role
from oversight.orgs.services import resident_id_message


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 400, response.content[:500]
    return response.context["form"].errors


@pytest.fixture
def admin_client(county):
    return client_for(county.admin)


def test_it_validates_resident_ids(county, admin_client):
    good = make_resident_id()
    base = {"name": "New Person", "org_node": county.unit_a.pk, "is_active": "on", "is_cadre": "on"}
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    bad_date = good[:10] + "1332" + good[14:17]
    from oversight.lib.resident_id import check_digit

    bad_date = bad_date + check_digit(bad_date)
    for value, code in [(bad_checksum, "checksum"), (bad_date, "birth_date"), ("12345", "format")]:
        errors = post(admin_client, "/orgs/people/add/", {**base, "resident_id": value})
        assert [e.code for e in errors.as_data()["resident_id"]] == [code], value
        with translation.override("zh-hans"):
            assert errors["resident_id"] == [resident_id_message(code)]
    assert not Person.objects.filter(name="New Person").exists()


def test_it_accepts_and_converts_a_15_digit_resident_id(county, admin_client):
    eighteen = make_resident_id(born=date(1975, 3, 9))
    fifteen = eighteen[:6] + eighteen[8:17]
    response = admin_client.post(
        "/orgs/people/add/",
        {
            "name": "Old Card",
            "resident_id": fifteen,
            "org_node": county.unit_a.pk,
            "is_cadre": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Old Card")
    assert person.resident_id == eighteen and person.birth_date == date(1975, 3, 9)


def test_it_rejects_a_duplicate_resident_id(county, admin_client):
    errors = post(
        admin_client,
        "/orgs/people/add/",
        {"name": "Twin", "resident_id": county.p_town1.resident_id, "org_node": county.unit_a.pk},
    )
    with translation.override("zh-hans"):
        assert errors["resident_id"] == [gettext("A person with this resident ID already exists.")]


def test_it_rejects_a_person_at_a_node_outside_scope(county):
    errors = post(
        client_for(county.town2_officer),
        "/orgs/people/add/",
        {"name": "Intruder", "resident_id": make_resident_id(), "org_node": county.town1.pk},
    )
    assert "org_node" in errors
    assert not Person.objects.filter(name="Intruder").exists()


def test_it_rejects_bad_node_input(county, admin_client):
    errors = post(
        admin_client,
        "/orgs/nodes/add/",
        {"name": "", "code": "bad code!", "type": "nope", "parent": 999999, "sort": "x"},
    )
    assert set(errors) >= {"name", "code", "type", "parent", "sort"}
    errors = post(
        admin_client,
        "/orgs/nodes/add/",
        {
            "name": "Dup",
            "code": county.town1.code,
            "type": "town",
            "parent": county.county.pk,
            "sort": 0,
        },
    )
    assert "code" in errors
    assert not OrgNode.objects.filter(name="Dup").exists()


def test_it_adds_and_edits_a_node(county, admin_client):
    response = admin_client.post(
        "/orgs/nodes/add/",
        {
            "name": "Village 1c",
            "code": "C-T1-V3",
            "type": "village",
            "parent": county.town1.pk,
            "sort": 3,
        },
    )
    assert response.status_code == 302
    node = OrgNode.objects.get(code="C-T1-V3")
    assert node.path == f"{county.town1.path}{node.pk}/"
    response = admin_client.post(
        f"/orgs/nodes/{node.pk}/edit/",
        {"name": "Village 1c renamed", "code": "C-T1-V3", "type": "village", "sort": 3},
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.name == "Village 1c renamed"


def test_it_rejects_a_bad_position(county, admin_client):
    errors = post(
        admin_client,
        f"/orgs/people/{county.p_town1.pk}/positions/add/",
        {
            "org_node": county.town1.pk,
            "title": "",
            "start_date": "2024-05-01",
            "end_date": "2023-01-01",
        },
    )
    assert "title" in errors and "end_date" in errors
    assert not Position.objects.filter(person=county.p_town1).exists()


def test_it_rejects_bad_account_input(county, admin_client):
    errors = post(
        admin_client,
        "/orgs/accounts/add/",
        {
            "username": "a",
            "org_node": "",
            "password": "",
            "email": "not-an-email",
            "person_resident_id": "110101199003070000",
        },
    )
    assert set(errors) >= {"username", "org_node", "password", "email", "person_resident_id"}
    errors = post(
        admin_client,
        "/orgs/accounts/add/",
        {"username": "town1", "org_node": county.town1.pk, "password": "12345678901"},
    )
    assert "username" in errors and "password" in errors
    assert Account.objects.count() == 6


def test_it_will_not_let_an_officer_grant_a_role_beyond_their_own(county):
    client = client_for(county.town1_officer)
    errors = post(
        client,
        "/orgs/accounts/add/",
        {
            "username": "sneaky",
            "org_node": county.town1.pk,
            "password": "a-long-enough-pass",
            "roles": [county.role_admin.pk],
        },
    )
    assert "roles" in errors
    assert not Account.objects.filter(username="sneaky").exists()


def test_it_creates_an_account_tied_to_a_person(county, admin_client):
    response = admin_client.post(
        "/orgs/accounts/add/",
        {
            "username": "villager",
            "org_node": county.village1a.pk,
            "password": "a-long-enough-pass",
            "person_resident_id": county.p_village1a.resident_id,
            "roles": [county.role_clerk.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    account = Account.objects.get(username="villager")
    assert account.person == county.p_village1a and account.check_password("a-long-enough-pass")


def test_it_rejects_bad_role_input(county, admin_client):
    errors = post(
        admin_client,
        "/orgs/roles/add/",
        {
            "key": "has space",
            "name": "town",
            "permissions": ["no:such:code"],
            "data_scope": "listed",
            "sort": 0,
        },
    )
    assert set(errors) >= {"key", "name", "permissions", "listed_nodes"}
    assert Role.objects.count() == 5


def test_it_saves_a_role_with_listed_nodes(county, admin_client):
    response = admin_client.post(
        "/orgs/roles/add/",
        {
            "key": "auditor",
            "name": "Auditor",
            "permissions": ["orgs:node:view"],
            "data_scope": "listed",
            "listed_nodes": [county.town2.pk],
            "sort": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    role = Role.objects.get(key="auditor")
    assert list(role.listed_nodes.all()) == [county.town2]


def test_it_rejects_bad_dictionary_input(county, admin_client):
    errors = post(admin_client, "/system/dicts/add/", {"code": "Bad Code", "name": ""})
    assert set(errors) >= {"code", "name"}
    kind = DictType.objects.create(code="tags", name="标签")
    admin_client.post(
        f"/system/dicts/{kind.pk}/items/add/",
        {"value": "a", "label": "A", "sort": 0, "is_active": "on"},
    )
    errors = post(
        admin_client,
        f"/system/dicts/{kind.pk}/items/add/",
        {"value": "a", "label": "again", "sort": 0},
    )
    assert "value" in errors
    assert DictItem.objects.filter(dict_type=kind).count() == 1


def test_it_rejects_a_weak_or_mismatched_new_password(county):
    client = client_for(county.cadre)
    errors = post(client, "/orgs/password/", {"password": "short", "confirm": "short"})
    assert "password" in errors
    errors = post(
        client, "/orgs/password/", {"password": "a-long-new-pass-1", "confirm": "different-pass-1"}
    )
    assert "confirm" in errors
    county.cadre.refresh_from_db()
    assert county.cadre.check_password(PASSWORD)
