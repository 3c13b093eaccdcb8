"""The pages an officer runs collection with: the sources and their health, adding a source
without code (hosts off the configured list refused on the field, a test preview that saves
nothing), a source's history and "fetch now", uploads by a unit's clerk, and the queue of
collected notices the rules did not place. Each in scope: another town gets nothing."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from oversight.conftest import client_for
from oversight.disclosure import selectors, services
from oversight.disclosure.adapters import Notice
from oversight.disclosure.models import Collected, Fetch, Publication, Source
from oversight.disclosure.tests.test_sources import english  # noqa: F401 (autouse fixture)
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a notice\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _client(account):
    client = client_for(account)
    client.cookies["django_language"] = "en"
    return client


def _source(c, url, kind="rss", config=None, **extra):
    return services.source_save(
        actor=c.town1_officer, node=c.village1a, name=f"{kind} source", kind=kind, url=url,
        config=config or {}, **extra,
    )  # fmt: skip


def _created(source, day: date) -> Source:
    Source.objects.filter(pk=source.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    )
    return source


# --- the allow-list ----------------------------------------------------------------------------


def test_a_host_off_the_configured_list_is_refused_on_the_field(disclosure_county, settings):
    c = disclosure_county
    with pytest.raises(ValidationError) as caught:
        _source(c, "https://news.example.com/feed")
    assert [e.code for e in caught.value.error_dict["url"]] == ["host_not_allowed"]
    assert "news.example.com" in caught.value.message_dict["url"][0]
    # A name on the list allows its subdomains, not a look-alike.
    assert services.host_allowed("https://www.qinghe.gov.cn/gk/")
    assert not services.host_allowed("https://fakegov.cn/gk/")
    assert not Source.objects.exists()


def test_a_host_taken_off_the_list_is_no_longer_fetched(disclosure_county, settings, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"))
    assert f"127.0.0.1:{server.port}" in services.allowed_hosts()
    settings.DISCLOSURE_SOURCE_HOSTS = ["gov.cn"]
    assert services.allowed_hosts() == set()
    fetch = services.source_fetch(source=source, interval=0, timeout=2)
    assert fetch.outcome == Fetch.Outcome.REFUSED
    assert server.seen == []


# --- the test preview --------------------------------------------------------------------------


def test_the_preview_shows_what_would_be_collected_and_saves_nothing(disclosure_county, server):
    c = disclosure_county
    url = server("/gk/index.html", sample="list.html")
    config = {"item": "ul.notices li.row", "title": "a", "date": ".date", "body": ".summary"}
    preview = services.source_preview(
        actor=c.town1_officer, node=c.village1a, kind="html", url=url, config=config, interval=0
    )
    assert (preview.outcome, preview.status, preview.error) == ("ok", 200, "")
    rows = {notice.title: (item, key) for notice, item, key in preview.rows}
    assert rows["某村2026年1月财务公开"] == (c.monthly, "2026-01")
    assert rows["关于召开村民代表会议的通知"] == (None, "")
    assert not Source.objects.exists()
    assert not Fetch.objects.exists() and not Collected.objects.exists()
    assert not Publication.objects.exists()


def test_the_preview_reports_a_changed_layout_and_a_bad_setting(disclosure_county, server):
    c = disclosure_county
    url = server("/gk/index.html", sample="list-changed.html")
    preview = services.source_preview(
        actor=c.town1_officer, node=c.village1a, kind="html", url=url,
        config={"item": "ul.notices li.row"}, interval=0,
    )  # fmt: skip
    assert preview.outcome == "empty" and "layout" in preview.error
    with pytest.raises(ValidationError) as caught:
        services.source_preview(
            actor=c.town1_officer, node=c.village1a, kind="html", url="https://evil.com/",
            config={"item": "li"},
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"url"}
    with pytest.raises(PermissionDenied):
        services.source_preview(
            actor=c.town2_officer, node=c.village1a, kind="rss", url=url, interval=0
        )
    assert server.seen[0][0] == "/gk/index.html" and len(server.seen) == 1


# --- fetch now and health ----------------------------------------------------------------------


def test_fetch_now_is_scoped_and_refuses_uploads_and_disabled_sources(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"))
    fetch = services.source_fetch_now(actor=c.town1_officer, source=source, interval=0)
    assert (fetch.outcome, fetch.new) == ("ok", 2)
    with pytest.raises(PermissionDenied):
        services.source_fetch_now(actor=c.town2_officer, source=source, interval=0)
    with pytest.raises(PermissionDenied):
        services.source_fetch_now(actor=c.village1a_clerk, source=source, interval=0)
    upload = _source(c, "", "upload")
    with pytest.raises(ValidationError) as caught:
        services.source_fetch_now(actor=c.town1_officer, source=upload)
    assert "source" in caught.value.message_dict
    off = _source(c, "http://x.invalid/feed", enabled=False)
    with pytest.raises(ValidationError):
        services.source_fetch_now(actor=c.town1_officer, source=off)
    assert Fetch.objects.count() == 1


def test_health_ok_failing_silent_and_unread(disclosure_county, server, today):
    """A cadence of 10 working days after the feed's latest notice (Thursday 2026-02-26) allows
    up to Wednesday 2026-03-11 on the working-day calendar (Saturday 2026-02-28 is a make-up
    working day of the Spring Festival): the feed is healthy on the 11th and silent on the 12th;
    a broken feed is failing with its error; a source never read is unread."""
    c = disclosure_county
    good = _created(_source(c, server("/feed.rss", sample="feed.rss"), cadence_days=10),
                    date(2026, 1, 5))  # fmt: skip
    services.source_fetch(source=good, interval=0, timeout=2)
    broken = _source(c, server("/broken.rss", sample="broken.rss"))
    services.source_fetch(source=broken, interval=0, timeout=2)
    unread = _created(_source(c, "http://x.invalid/feed"), date(2026, 3, 1))

    def health(on):
        rows = selectors.with_health(selectors.source_list(viewer=c.town1_officer), on=on)
        return {s.pk: (s.health, s.health_detail) for s in rows}

    on_11 = health(date(2026, 3, 11))
    assert on_11[good.pk] == ("ok", "")
    assert on_11[broken.pk][0] == "failing" and "XML" in on_11[broken.pk][1]
    assert on_11[unread.pk] == ("unread", "")
    on_12 = health(date(2026, 3, 12))
    assert on_12[good.pk][0] == "silent" and "2026-02-26" in on_12[good.pk][1]
    silent = selectors.source_health_list(
        viewer=c.town1_officer, on=date(2026, 3, 12), health="silent"
    )
    assert list(silent) == [good]
    failing = selectors.source_health_list(
        viewer=c.town1_officer, on=date(2026, 3, 12), health="failing"
    )
    assert list(failing) == [broken]
    assert not selectors.source_health_list(viewer=c.town2_officer, on=date(2026, 3, 12)).exists()


# --- uploads -----------------------------------------------------------------------------------


@pytest.fixture
def clerk(disclosure_county):
    c = disclosure_county
    grant_permissions({"village": ["disclosure:view", "disclosure:source:upload"]})
    c.village1a_clerk.__dict__.pop("_perm_codes", None)
    c.upload = _source(c, "", "upload")
    c.other_upload = services.source_save(
        actor=c.town2_officer, node=c.village2a, name="v2a uploads", kind="upload"
    )
    return c


def test_a_clerk_uploads_a_pdf_and_a_photo_as_notices_of_their_unit(clerk):
    c = clerk
    assert services.source_upload(
        actor=c.village1a_clerk, source=c.upload, name="notice.pdf", data=PDF,
        title="某村2026年1月财务公开", published_on=date(2026, 2, 5), body="收入 支出 结余",
    ) == 1  # fmt: skip
    collected = Collected.objects.get(source=c.upload)
    assert collected.attachment.read() == PDF
    publication = collected.publication
    assert (publication.catalogue_item, publication.key, publication.has_photo) == (
        c.monthly, "2026-01", False,
    )  # fmt: skip
    services.source_upload(
        actor=c.village1a_clerk, source=c.upload, name="board.JPG", data=b"\xff\xd8\xff" + PNG,
        title="某村2026年第一季度村务公开公示栏", published_on=date(2026, 2, 27),
    )  # fmt: skip
    assert Publication.objects.get(key="2026-Q1").has_photo is True
    with pytest.raises(PermissionDenied):
        services.source_upload(
            actor=c.village1a_clerk, source=c.other_upload, name="n.pdf", data=PDF,
            title="x", published_on=date(2026, 2, 5),
        )  # fmt: skip


def test_bad_uploads_are_answered_on_their_field(clerk):
    c = clerk

    def refused(**kw):
        kw.setdefault("name", "n.pdf")
        kw.setdefault("data", PDF)
        with pytest.raises(ValidationError) as caught:
            services.source_upload(actor=c.village1a_clerk, source=c.upload, **kw)
        return caught.value.message_dict

    assert set(refused(title="", published_on=None)) == {"title", "published_on"}
    assert "PDF" in refused(data=b"<html>", title="x", published_on=date(2026, 2, 5))["file"][0]
    assert "Excel" in refused(name="n.txt", data=b"x")["file"][0]
    assert "empty" in refused(data=b"")["file"][0]
    future = refused(title="x", published_on=date(2026, 3, 3))
    assert list(future) == ["published_on"]
    services.source_upload(
        actor=c.village1a_clerk, source=c.upload, name="n.pdf", data=PDF, title="x",
        published_on=date(2026, 2, 5),
    )  # fmt: skip
    assert "before" in refused(title="x", published_on=date(2026, 2, 5))["file"][0]
    feed = _source(c, "http://x.invalid/feed")
    with pytest.raises(ValidationError) as caught:
        services.source_upload(
            actor=c.town1_officer, source=feed, name="n.pdf", data=PDF, title="y",
            published_on=date(2026, 2, 5),
        )  # fmt: skip
    assert "source" in caught.value.message_dict
    assert Collected.objects.count() == 1


# --- the unclassified queue --------------------------------------------------------------------


@pytest.fixture
def waiting(disclosure_county):
    """One collected notice without a date (not captured), one captured but unmatched, one
    placed by the rules."""
    c = disclosure_county
    c.source = _source(c, "http://x.invalid/feed")
    services.collect_notices(
        source=c.source,
        notices=[
            Notice(guid="a", title="某村财务公开（无日期）", published_on=None),
            Notice(guid="b", title="关于召开村民代表会议的通知", published_on=date(2026, 2, 27)),
            Notice(guid="c", title="某村2026年1月财务公开", published_on=date(2026, 2, 5)),
        ],
    )
    c.undated = Collected.objects.get(guid="a")
    c.unmatched = Collected.objects.get(guid="b")
    return c


def test_the_queue_holds_what_the_rules_did_not_place_in_scope(waiting):
    c = waiting
    assert set(selectors.unclassified_list(viewer=c.town1_officer)) == {c.undated, c.unmatched}
    assert not selectors.unclassified_list(viewer=c.town2_officer).exists()
    with pytest.raises(Http404):
        selectors.collected_get(viewer=c.town2_officer, pk=c.undated.pk)


def test_an_officer_places_a_waiting_notice(waiting):
    c = waiting
    with pytest.raises(ValidationError) as caught:
        services.collected_classify(
            actor=c.town1_officer, collected=c.undated, catalogue_item=c.monthly, key="2026-01"
        )
    assert list(caught.value.message_dict) == ["published_on"]
    with pytest.raises(ValidationError) as caught:
        services.collected_classify(
            actor=c.town1_officer, collected=c.undated, catalogue_item=c.monthly, key="2026-Q1",
            published_on=date(2026, 2, 6),
        )  # fmt: skip
    assert list(caught.value.message_dict) == ["key"]
    with pytest.raises(PermissionDenied):
        services.collected_classify(
            actor=c.town2_officer, collected=c.undated, catalogue_item=c.monthly, key="2026-01",
            published_on=date(2026, 2, 6),
        )  # fmt: skip
    placed = services.collected_classify(
        actor=c.town1_officer, collected=c.undated, catalogue_item=c.monthly, key="2026-01",
        published_on=date(2026, 2, 6),
    )  # fmt: skip
    assert (placed.node, placed.catalogue_item, placed.key) == (c.village1a, c.monthly, "2026-01")
    c.undated.refresh_from_db()
    assert (c.undated.publication, str(c.undated.published_on)) == (placed, "2026-02-06")
    services.collected_classify(
        actor=c.town1_officer, collected=c.unmatched, catalogue_item=c.quarterly, key="2026-q1"
    )
    assert not selectors.unclassified_list(viewer=c.town1_officer).exists()
    from oversight.ledger.verify import verify_ledger

    assert verify_ledger().ok


# --- the pages ---------------------------------------------------------------------------------


def test_the_sources_page_lists_in_scope_with_health_and_filters(disclosure_county, server):
    c = disclosure_county
    broken = _source(c, server("/broken.rss", sample="broken.rss"))
    services.source_fetch(source=broken, interval=0, timeout=2)
    mine = _client(c.town1_officer).get("/disclosure/sources/")
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "rss source" in text and "Failing" in text and "XML" in text
    theirs = _client(c.town2_officer).get("/disclosure/sources/")
    assert theirs.status_code == 200 and "rss source" not in theirs.content.decode()
    healthy = _client(c.town1_officer).get("/disclosure/sources/?health=ok")
    assert "rss source" not in healthy.content.decode()
    export = _client(c.town2_officer).get("/disclosure/sources/?export=xlsx")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


def test_a_sources_page_history_and_fetch_now_in_scope(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"))
    officer, outsider = _client(c.town1_officer), _client(c.town2_officer)
    fetched = officer.post(f"/disclosure/sources/{source.pk}/fetch/", follow=True)
    assert fetched.status_code == 200
    text = fetched.content.decode()
    assert "2 notices found, 2 new" in text
    assert "某村2026年1月财务公开" in text and "财务收支公开" in text
    assert "200" in text  # the HTTP status in the history
    for url in (f"/disclosure/sources/{source.pk}/", f"/disclosure/sources/{source.pk}/edit/"):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/disclosure/sources/{source.pk}/fetch/").status_code == 404
    assert Fetch.objects.count() == 1
    clerk = _client(c.village1a_clerk)
    assert clerk.get(f"/disclosure/sources/{source.pk}/").status_code == 403


def test_adding_a_source_answers_bad_input_on_its_field(disclosure_county):
    c = disclosure_county
    officer = _client(c.town1_officer)
    data = {"node": c.village1a.pk, "name": "list", "kind": "html", "cadence_days": 30,
            "url": "https://evil.com/list", "html_title": "a[", "enabled": "on"}  # fmt: skip
    answer = officer.post("/disclosure/sources/add/", data)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert 'data-field="html_item"' in text and 'data-field="html_title"' in text
    assert 'data-field="url"' in text and "evil.com" in text
    outside = officer.post("/disclosure/sources/add/", {**data, "node": c.village2a.pk})
    assert 'data-field="node"' in outside.content.decode()
    assert not Source.objects.exists()


def test_the_preview_button_shows_notices_and_saving_adds_the_source(disclosure_county, server):
    c = disclosure_county
    officer = _client(c.town1_officer)
    data = {"node": c.village1a.pk, "name": "v1a feed", "kind": "rss", "cadence_days": 20,
            "url": server("/feed.rss", sample="feed.rss"), "enabled": "on"}  # fmt: skip
    preview = officer.post("/disclosure/sources/add/", {**data, "preview": "1"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "某村2026年第一季度村务公开" in text and "Nothing has been saved." in text
    assert not Source.objects.exists()
    saved = officer.post("/disclosure/sources/add/", {**data, "save": "1"})
    source = Source.objects.get()
    assert saved.status_code == 302 and saved.url == f"/disclosure/sources/{source.pk}/"
    assert (source.node, source.cadence_days, source.enabled) == (c.village1a, 20, True)
    edit = officer.post(
        f"/disclosure/sources/{source.pk}/edit/", {**data, "cadence_days": 0, "save": "1"}
    )
    assert edit.status_code == 400 and 'data-field="cadence_days"' in edit.content.decode()


def test_the_upload_page(clerk):
    c = clerk
    page = _client(c.village1a_clerk)
    form = page.get("/disclosure/sources/upload/")
    assert form.status_code == 200
    text = form.content.decode()
    assert "rss source" not in text and "v2a uploads" not in text
    bad = page.post(
        "/disclosure/sources/upload/",
        {"source": c.upload.pk, "file": _file("n.pdf", PDF), "title": ""},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'data-field="title"' in text and 'data-field="published_on"' in text
    wrong = page.post(
        "/disclosure/sources/upload/", {"source": c.upload.pk, "file": _file("n.exe", b"MZ")}
    )
    assert wrong.status_code == 400 and 'data-field="file"' in wrong.content.decode()
    other = page.post(
        "/disclosure/sources/upload/",
        {"source": c.other_upload.pk, "file": _file("n.pdf", PDF), "title": "x",
         "published_on": "2026-02-05"},
    )  # fmt: skip
    assert other.status_code == 400 and 'data-field="source"' in other.content.decode()
    good = page.post(
        "/disclosure/sources/upload/",
        {"source": c.upload.pk, "file": _file("n.pdf", PDF), "title": "某村2026年1月财务公开",
         "published_on": "2026-02-05"},
        follow=True,
    )  # fmt: skip
    assert "1 notice was collected." in good.content.decode()
    assert Collected.objects.get().source == c.upload
    assert _client(c.town2_officer).get("/disclosure/sources/upload/").status_code == 200


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_unclassified_page_in_scope(waiting):
    c = waiting
    officer, outsider = _client(c.town1_officer), _client(c.town2_officer)
    text = officer.get("/disclosure/collected/unclassified/").content.decode()
    assert "某村财务公开（无日期）" in text and "关于召开村民代表会议的通知" in text
    assert "某村2026年1月财务公开" not in text
    other = outsider.get("/disclosure/collected/unclassified/").content.decode()
    assert "某村财务公开（无日期）" not in other
    url = f"/disclosure/collected/{c.undated.pk}/classify/"
    assert outsider.post(url, {"catalogue_item": c.monthly.pk, "key": "2026-01"}).status_code == 404
    bad = officer.post(url, {"catalogue_item": c.monthly.pk, "key": "2026-01"}, follow=True)
    assert "published on:" in bad.content.decode()
    done = officer.post(
        url, {"catalogue_item": c.monthly.pk, "key": "2026-01", "published_on": "2026-02-06"}
    )
    assert done.status_code == 302
    c.undated.refresh_from_db()
    assert c.undated.publication.key == "2026-01"


def test_the_edit_page_shows_the_settings_and_saves_them(disclosure_county):
    c = disclosure_county
    source = _source(c, "http://x.invalid/gk/", "html", {"item": "ul li", "date": "span.d"})
    officer = _client(c.town1_officer)
    page = officer.get(f"/disclosure/sources/{source.pk}/edit/").content.decode()
    assert 'name="html_item" value="ul li"' in page and 'name="html_date" value="span.d"' in page
    saved = officer.post(
        f"/disclosure/sources/{source.pk}/edit/",
        {"node": c.village1a.pk, "name": "list page", "kind": "json", "cadence_days": 15,
         "url": "http://x.invalid/api", "json_items": "data.rows", "json_date": "time",
         "html_item": "ignored", "save": "1"},
    )  # fmt: skip
    assert saved.status_code == 302
    source.refresh_from_db()
    assert (source.kind, source.config, source.enabled) == (
        "json", {"items": "data.rows", "date": "time"}, False,
    )  # fmt: skip


def test_a_json_sources_page_shows_its_settings_named_like_dict_methods(disclosure_county):
    """A JSON source's "items" path once shadowed the dict's method in the template (a 500)."""
    c = disclosure_county
    source = _source(c, "http://x.invalid/api", kind="json", config={"items": "data.rows"})
    page = _client(c.town1_officer).get(f"/disclosure/sources/{source.pk}/")
    assert page.status_code == 200
    assert "<code>items</code> <code>data.rows</code>" in page.content.decode()
