"""Profiles of discipline officers and the talent pool: tags from the dictionary, officers
with accounts only, search by tag and load, and scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.conftest import client_for, make_person, refusal_codes
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.team import selectors, services
from oversight.team.models import Profile


def test_it_saves_a_profile_with_tags_and_traces_it(team):
    c = team
    profile = services.profile_save(
        actor=c.supervisor,
        person=c.officer3.person,
        tags=["data", "law", "data"],
        certificates="  CPA \n\nLawyer  ",
        summary="Ten years of case review",
    )
    assert profile.tag_values == ["data", "law"]
    assert profile.certificate_list == ["CPA", "Lawyer"]
    leaf = Leaf.objects.filter(action="team.profile.save", target_id=str(profile.pk)).last()
    assert leaf is not None
    # Saving the same again changes nothing and records nothing.
    count = Leaf.objects.count()
    services.profile_save(
        actor=c.supervisor,
        person=c.officer3.person,
        tags=["law", "data"],
        certificates="CPA\nLawyer",
        summary="Ten years of case review",
    )
    assert Leaf.objects.count() == count


def test_it_refuses_unknown_tags_and_people_without_an_account(team):
    c = team
    with pytest.raises(ValidationError) as refused:
        services.profile_save(actor=c.supervisor, person=c.officer3.person, tags=["astrology"])
    assert refusal_codes(refused.value) == {"tags": ["unknown_tag"]}
    stranger = make_person(c.commission, "No account")
    with pytest.raises(ValidationError) as refused:
        services.profile_save(actor=c.supervisor, person=stranger, tags=[])
    assert refusal_codes(refused.value) == {"person": ["no_account"]}
    assert not Profile.objects.filter(person=stranger).exists()


def test_it_refuses_editing_without_the_function_or_outside_scope(team, elsewhere):
    c = team
    with pytest.raises(PermissionDenied):
        services.profile_save(actor=c.officer1, person=c.officer2.person, tags=[])
    with pytest.raises(PermissionDenied):
        services.profile_save(actor=elsewhere.publisher, person=c.officer2.person, tags=[])


def test_the_pool_searches_by_tag_and_availability(team):
    c = team
    loop.item_open(
        kind="matters.matter",
        title="A matter officer1 handles",
        actor=c.supervisor,
        responsible_node=c.commission,
        supervising_node=c.commission,
        assignee=c.officer1,
    )
    pool = selectors.profile_list(viewer=c.supervisor, filters=selectors.PoolFilters(tag="finance"))
    assert [(p.person.name, p.load) for p in pool] == [
        (c.officer2.person.name, 0),
        (c.officer1.person.name, 1),
    ]
    free = selectors.profile_list(
        viewer=c.supervisor, filters=selectors.PoolFilters(tag="finance", max_load=0)
    )
    assert [p.pk for p in free] == [c.profile2.pk]
    law = selectors.profile_list(viewer=c.supervisor, filters=selectors.PoolFilters(tag="law"))
    assert [p.pk for p in law] == [c.profile1.pk]


def test_officers_of_another_commission_see_no_profile(team, elsewhere):
    c = team
    theirs = selectors.profile_list(viewer=elsewhere.officer)
    assert list(theirs) == [elsewhere.profile]
    mine = selectors.profile_list(viewer=c.officer1)
    assert elsewhere.profile not in mine and c.profile2 in mine
    client = client_for(elsewhere.officer)
    assert client.get(f"/team/profiles/{c.profile1.pk}/").status_code == 404
    page = client.get("/team/profiles/")
    assert page.status_code == 200
    assert c.officer1.person.name not in page.content.decode()
    export = client.get("/team/profiles/?export=xlsx")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    names = {row[0] for row in rows[1:]}
    assert names == {elsewhere.officer.person.name}


def test_the_pages_show_and_save_a_profile(team):
    c = team
    client = client_for(c.supervisor)
    page = client.get("/team/profiles/?tag=law")
    assert page.status_code == 200 and c.officer1.person.name in page.content.decode()
    assert c.officer2.person.name not in page.content.decode()
    detail = client.get(f"/team/profiles/{c.profile1.pk}/")
    assert detail.status_code == 200 and "法律法规" in detail.content.decode()
    saved = client.post(
        f"/team/profiles/{c.profile1.pk}/edit/",
        {"tags": ["engineering"], "certificates": "Engineer", "summary": ""},
    )
    assert saved.status_code == 302
    c.profile1.refresh_from_db()
    assert c.profile1.tag_values == ["engineering"]


def test_the_form_names_the_bad_field(team):
    c = team
    client = client_for(c.supervisor)
    bad = client.post(f"/team/profiles/{c.profile1.pk}/edit/", {"tags": ["astrology"]})
    assert bad.status_code == 400
    assert bad.context["form"].errors["tags"]
    person = make_person(c.commission, "No account")
    missing = client.post("/team/profiles/new/", {"person": person.pk, "tags": ["law"]})
    assert missing.status_code == 400 and missing.context["form"].errors["person"]
    assert not Profile.objects.filter(person=person).exists()


def test_an_officer_without_the_function_cannot_edit(team):
    client = client_for(team.officer1)
    assert client.get("/team/profiles/new/").status_code == 403
    response = client.post(f"/team/profiles/{team.profile1.pk}/edit/", {"tags": []})
    assert response.status_code == 403
