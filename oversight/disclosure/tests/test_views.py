"""The pages: a town sees its villages' lapses and notices, a sibling town nothing of them
(lists, details, exports, figures); forms answer bad input on the field."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from oversight.conftest import client_for
from oversight.core.measure_registry import Period
from oversight.disclosure import services
from oversight.disclosure.models import Lapse, Publication
from oversight.measures import registry
from oversight.measures import selectors as figures
from oversight.schedules import services as schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(disclosure_county, today):
    c = disclosure_county
    today(date(2026, 4, 2))
    schedules.schedule_run(on=date(2026, 4, 2))
    today(date(2026, 4, 20))
    for node in (c.village1a, c.village2a):
        services.publication_capture(
            actor=c.supervisor, node=node, title="2026年第一季度村务公开",
            published_on=date(2026, 4, 20), fields="收入、支出", has_photo=node == c.village2a,
        )  # fmt: skip
    today(date(2026, 4, 23))
    services.check_run(on=date(2026, 4, 23))
    return c


def _client(account):
    client = client_for(account)
    client.cookies["django_language"] = "en"
    return client


def test_a_town_sees_its_villages_lapses_and_not_another_towns(checked):
    c = checked
    mine = Lapse.objects.get(node=c.village1a, key="2026-Q1", kind="no_photo")
    theirs = Lapse.objects.filter(node=c.village2a).first()
    page = _client(c.town1_officer).get("/disclosure/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Village 1a" in text and "Village 2a" not in text
    assert _client(c.town1_officer).get(f"/disclosure/lapses/{mine.item_id}/").status_code == 200
    assert _client(c.town2_officer).get(f"/disclosure/lapses/{mine.item_id}/").status_code == 404
    assert _client(c.town1_officer).get(f"/disclosure/lapses/{theirs.item_id}/").status_code == 404
    export = _client(c.town2_officer).get("/disclosure/?export=xlsx")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    units = {row[1] for row in rows[1:]}
    assert units == {"Village 2a"}


def test_notices_are_scoped_too(checked):
    c = checked
    text = _client(c.town2_officer).get("/disclosure/notices/").content.decode()
    assert "Village 2a" in text and "Village 1a" not in text
    mine = Publication.objects.get(node=c.village1a)
    refused = _client(c.town2_officer).post(
        f"/disclosure/notices/{mine.pk}/classify/",
        {"catalogue_item": c.quarterly.pk, "key": "2026-Q1"},
    )
    assert refused.status_code == 404


def test_the_figures_follow_the_scope(checked):
    c = checked
    ids = ["disclosure.due", "disclosure.on_time_rate", "disclosure.missing",
           "disclosure.lapses_found", "disclosure.lapses_open"]  # fmt: skip
    measures = [registry.get(i) for i in ids]
    period = Period.parse("2026-Q2")
    got = figures.figures(viewer=c.supervisor, measures=measures, nodes=[c.town1, c.town2],
                          period=period)  # fmt: skip

    def values(node):
        return [got[i][node.pk].value for i in ids]

    # Town 1: two villages owe the quarter and April; 1a published the quarter on time
    # without its photo, the rest is missing.
    assert values(c.town1) == [4, 25.0, 3, 4, 4]
    assert values(c.town2) == [2, 50.0, 1, 1, 1]
    outside = figures.figures(viewer=c.town2_officer, measures=measures, nodes=[c.town1],
                              period=period)  # fmt: skip
    assert all(outside[i][c.town1.pk].count == 0 for i in ids)


def test_a_capture_with_bad_input_names_the_field(checked):
    c = checked
    answer = _client(c.town1_officer).post(
        "/disclosure/notices/capture/",
        {"node": c.village1a.pk, "title": "2026年第二季度村务公开", "published_on": "2026-04-31"},
    )
    assert answer.status_code == 400
    assert "Enter a valid date." in answer.content.decode()
    answer = _client(c.town1_officer).post(
        "/disclosure/notices/capture/",
        {"node": c.village1a.pk, "title": "2026年第二季度村务公开", "published_on": "2026-04-24"},
    )
    assert answer.status_code == 400
    assert "A notice cannot be published after today." in answer.content.decode()
    ok = _client(c.town1_officer).post(
        "/disclosure/notices/capture/",
        {"node": c.village1a.pk, "title": "2026年第二季度村务公开", "published_on": "2026-04-23"},
    )
    assert ok.status_code == 302
    assert Publication.objects.filter(key="2026-Q2", node=c.village1a).exists()


def test_the_catalogue_page_adds_an_item_and_names_bad_fields(checked):
    c = checked
    client = _client(c.supervisor)
    assert "村务公开" in client.get("/disclosure/catalogue/").content.decode()
    bad = client.post("/disclosure/catalogue/add/", {"title": "党务公开", "category": "party",
                      "area": "general", "unit_type": "village", "frequency": "quarterly",
                      "keywords": ""})  # fmt: skip
    assert bad.status_code == 400
    ok = client.post("/disclosure/catalogue/add/", {"title": "党务公开", "category": "party",
                     "area": "general", "unit_type": "village", "frequency": "quarterly",
                     "keywords": "党务公开"})  # fmt: skip
    assert ok.status_code == 302
    assert _client(c.town1_officer).post("/disclosure/catalogue/add/", {}).status_code == 403


def test_the_catalogue_items_classification_rules_are_edited_on_its_page(checked):
    """The keywords are the rules that classify collected notices: editable, each change traced,
    bad input named on its field, and only by those who edit the catalogue."""
    from oversight.disclosure import services
    from oversight.ledger.models import Leaf

    c = checked
    client = _client(c.supervisor)
    url = f"/disclosure/catalogue/{c.quarterly.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="村务公开"' in page.content.decode()
    fields = {"title": "村务公开", "category": "village", "area": "general",
              "unit_type": "village", "frequency": "quarterly", "required_fields": "收入、支出",
              "photo_required": "on", "active": "on"}  # fmt: skip
    assert services.classify(node=c.village1a, title="某村第二季度三务公示") is None
    bad = client.post(url, {**fields, "keywords": " , "})
    assert bad.status_code == 400
    assert "keywords" in bad.context["form"].errors
    leaves = Leaf.objects.count()
    ok = client.post(url, {**fields, "keywords": "村务公开, 三务公示"})
    assert ok.status_code == 302
    c.quarterly.refresh_from_db()
    assert c.quarterly.keywords == ["村务公开", "三务公示"]
    assert Leaf.objects.count() > leaves
    assert services.classify(node=c.village1a, title="某村第二季度三务公示") == c.quarterly
    assert _client(c.town1_officer).get(url).status_code == 403
    assert _client(c.town1_officer).post(url, {**fields, "keywords": "x"}).status_code == 403
    assert client.get("/disclosure/catalogue/999999/edit/").status_code == 404
