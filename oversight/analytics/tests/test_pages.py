"""Every page of the app renders for the person who uses it, in both languages."""

from __future__ import annotations

import pytest
from django.test import override_settings

from oversight.analytics import services
from oversight.analytics.models import ImportRun, Warning
from oversight.analytics.views.library import TEMPLATE_SQL, TEMPLATE_TOML
from oversight.conftest import client_for

from .conftest import DEAD_TOWN1


@pytest.fixture
def everything(loaded, run_models):
    county = loaded.county
    run = run_models(county.supervisor)
    warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    item = services.warning_to_clue(
        warning=warning, actor=county.supervisor, responsible_node=county.commission
    )
    services.model_add(
        actor=county.supervisor,
        metadata=TEMPLATE_TOML.replace("my_model", "local_model"),
        sql=TEMPLATE_SQL,
    )
    services.model_test(actor=county.supervisor, model_id="local_model", sample=1.0)
    imp = ImportRun.objects.filter(source=loaded.deaths).first()
    return county, run, warning, item, imp, loaded


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_renders(everything, language):
    county, run, warning, item, imp, loaded = everything
    urls = [
        "/analytics/",
        "/analytics/?model=deceased_paid&severity=yellow&status=new&q=张",
        f"/analytics/?unit={county.town1.pk}&area=Town+1",
        f"/analytics/warnings/{warning.pk}/",
        f"/analytics/warnings/{warning.pk}/evidence/",
        f"/analytics/clues/{item.pk}/",
        f"/work/items/{item.pk}/",
        "/analytics/models/",
        "/analytics/models/deceased_paid/",
        "/analytics/models/contract_splitting/",
        "/analytics/models/local_model/",
        "/analytics/models/local_model/edit/",
        "/analytics/models/add/",
        "/analytics/runs/",
        f"/analytics/runs/{run.pk}/",
        f"/analytics/runs/{run.pk}/status/",
        "/analytics/sources/",
        "/analytics/sources/new/",
        "/analytics/sources/new/?kind=expenses",
        f"/analytics/sources/{loaded.deaths.pk}/",
        f"/analytics/sources/{loaded.deaths.pk}/edit/",
        f"/analytics/imports/{imp.pk}/",
        f"/analytics/imports/{imp.pk}/status/",
    ]
    client = client_for(county.supervisor)
    with override_settings(LANGUAGE_CODE=language):
        client.cookies["django_language"] = language
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
    home = client.get("/")
    assert b"/analytics/models/" in home.content and b"/analytics/sources/" in home.content


def test_the_menu_shows_a_town_officer_the_warnings_only(everything):
    county = everything[0]
    content = client_for(county.town1_officer).get("/").content
    assert b'href="/analytics/"' in content
    assert b"/analytics/runs/" not in content and b"/analytics/sources/" not in content
