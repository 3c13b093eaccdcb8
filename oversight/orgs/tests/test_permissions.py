"""Function permissions: the menu shows what a person may use, buttons hide with the same codes,
and the views refuse the rest."""

import pytest
from django.test import Client

from oversight.conftest import client_for
from oversight.core.registry import MENU, PERMISSIONS
from oversight.orgs.models import OperationLog


def menu_urls(response):
    return {link["url"] for group in response.context["menu"] for link in group["links"]}


def test_it_shows_the_cadre_no_administration(county):
    response = client_for(county.cadre).get("/")
    assert response.status_code == 200
    urls = menu_urls(response)
    assert "/" in urls and "/orgs/people/" in urls  # the cadre role holds orgs:person:view
    guarded = {entry.url_name for entry in MENU if entry.perm and entry.perm != "orgs:person:view"}
    from django.urls import reverse

    assert not urls & {reverse(name) for name in guarded}


def test_it_shows_the_administrator_every_entry(county):
    response = client_for(county.admin).get("/")
    assert len(menu_urls(response)) == len(MENU)


@pytest.mark.parametrize(
    "url",
    ["/orgs/nodes/", "/orgs/accounts/", "/orgs/roles/", "/orgs/logs/operations/", "/system/dicts/"],
)
def test_it_refuses_pages_outside_the_role(county, url):
    assert client_for(county.cadre).get(url).status_code == 403


def test_it_refuses_edits_to_a_viewer(county):
    client = client_for(county.clerk)
    assert client.get("/orgs/nodes/add/").status_code == 403
    assert client.post(f"/orgs/nodes/{county.unit_a.pk}/toggle/").status_code == 403
    assert client.get("/orgs/people/export.xlsx").status_code == 403


def test_it_hides_buttons_the_role_cannot_use(county):
    viewer = client_for(county.clerk).get(f"/orgs/nodes/{county.unit_a.pk}/").content.decode()
    editor = client_for(county.admin).get(f"/orgs/nodes/{county.unit_a.pk}/").content.decode()
    edit_url = f"/orgs/nodes/{county.unit_a.pk}/edit/"
    assert edit_url not in viewer and edit_url in editor


def test_it_sends_anonymous_visitors_to_sign_in(db):
    response = Client().get("/orgs/nodes/")
    assert response.status_code == 302 and response["Location"].startswith("/orgs/login/")


def test_it_refuses_the_api_without_the_permission(county):
    assert client_for(county.cadre).get("/api/orgs/nodes/").status_code == 403
    assert Client().get("/api/orgs/nodes/").status_code in (401, 403)


def test_it_declares_every_code_used_by_a_view():
    from django.urls import get_resolver

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns)
            else:
                yield p.callback

    used = {getattr(cb, "required_perm", None) for cb in walk(get_resolver().url_patterns)} - {None}
    assert used and used <= set(PERMISSIONS)


def test_it_records_state_changes_in_the_operation_log(county):
    client_for(county.admin).post(f"/orgs/nodes/{county.village1a.pk}/toggle/")
    entry = OperationLog.objects.get()
    assert entry.actor == county.admin and entry.action == "orgs:node_toggle"
    assert entry.target_type == "orgs.orgnode" and entry.target_id == str(county.village1a.pk)
    assert entry.result == "success" and entry.status_code == 302


def test_it_records_refused_changes_as_failures(county):
    client_for(county.clerk).post(f"/orgs/nodes/{county.unit_a.pk}/toggle/")
    assert OperationLog.objects.get().result == "failure"
