"""Collection by adapters against local fixtures served on the loopback: each adapter, a broken
feed, a timeout, a changed layout (reported on the source, never raised), a 304, a redirect to a
host not configured, an address on a host not configured, and incremental collection."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from oversight.disclosure import services
from oversight.disclosure.models import Collected, Fetch, Publication

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(autouse=True)
def english():
    """Errors are stored in the words of the language active when fetched: read them in English."""
    with translation.override("en"):
        yield


class Routes(BaseHTTPRequestHandler):
    routes: dict = {}
    seen: list = []

    def do_GET(self):  # noqa: N802
        self.seen.append((self.path, dict(self.headers)))
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body, delay = route
        if delay:
            time.sleep(delay)
        if (
            status == 200
            and headers.get("ETag")
            and self.headers.get("If-None-Match") == headers["ETag"]
        ):
            status, body = 304, b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    class Handler(Routes):
        routes: dict = {}
        seen: list = []

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]

    def route(path, body=b"", *, status=200, headers=None, delay=0.0, sample=None):
        if sample:
            body = (SAMPLES / sample).read_bytes()
        Handler.routes[path] = (status, headers or {}, body, delay)
        return f"http://127.0.0.1:{port}{path}"

    route.port = port
    route.seen = Handler.seen
    yield route
    httpd.shutdown()
    httpd.server_close()


def _source(c, url, kind, config=None, **extra):
    return services.source_save(
        actor=c.town1_officer, node=c.village1a, name=f"{kind} source", kind=kind, url=url,
        config=config or {}, **extra,
    )  # fmt: skip


def _fetch(source, **kw):
    kw.setdefault("interval", 0)
    kw.setdefault("timeout", 2)
    return services.source_fetch(source=source, **kw)


def test_rss_feed_is_collected_classified_and_dated_by_chinese_rules(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"), "rss")
    fetch = _fetch(source)
    assert (fetch.outcome, fetch.status, fetch.found, fetch.new) == ("ok", 200, 2, 2)
    notices = {p.title: p for p in Publication.objects.filter(node=c.village1a)}
    monthly = notices["某村2026年1月财务公开"]
    # No pubDate: the date is read from the link (t20260205).
    assert (monthly.catalogue_item, monthly.key, str(monthly.published_on)) == (
        c.monthly, "2026-01", "2026-02-05",
    )  # fmt: skip
    assert monthly.source == Publication.Source.COLLECTED
    quarterly = notices["某村2026年第一季度村务公开"]
    assert (quarterly.catalogue_item, quarterly.key) == (c.quarterly, "2026-Q1")


def test_atom_feed(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.atom", sample="feed.atom"), "atom")
    fetch = _fetch(source)
    assert (fetch.outcome, fetch.new) == ("ok", 1)
    collected = Collected.objects.get(source=source)
    assert (collected.guid, str(collected.published_on)) == ("urn:notice:201", "2026-02-06")
    assert collected.publication.catalogue_item == c.monthly


def test_html_list_page_with_css_selectors(disclosure_county, server):
    c = disclosure_county
    url = server("/gk/index.html", sample="list.html")
    config = {"item": "ul.notices li.row", "title": "a", "date": ".date", "body": ".summary"}
    source = _source(c, url, "html", config)
    fetch = _fetch(source)
    assert (fetch.outcome, fetch.found, fetch.new) == ("ok", 2, 2)
    by_title = {n.title: n for n in Collected.objects.filter(source=source)}
    first = by_title["某村2026年1月财务公开"]
    assert first.guid == f"http://127.0.0.1:{server.port}/gk/t20260209_301.html"
    assert str(first.published_on) == "2026-02-09"
    assert first.body == "收入 结余"
    meeting = by_title["关于召开村民代表会议的通知"]
    assert str(meeting.published_on) == "2026-02-27"
    # Not matched by any rule: captured, waiting for a person.
    assert meeting.publication.catalogue_item is None


def test_json_endpoint_with_field_paths(disclosure_county, server):
    c = disclosure_county
    config = {"items": "data.list", "date": "publishTime", "body": "content"}
    source = _source(c, server("/api/list", sample="notices.json"), "json", config)
    fetch = _fetch(source)
    assert (fetch.outcome, fetch.new) == ("ok", 2)
    dates = dict(Collected.objects.filter(source=source).values_list("guid", "published_on"))
    assert {k: str(v) for k, v in dates.items()} == {"401": "2026-02-10", "402": "2026-02-26"}


def test_collection_is_incremental(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"), "rss")
    assert _fetch(source).new == 2
    again = _fetch(source)
    assert (again.outcome, again.found, again.new) == ("ok", 2, 0)
    assert Publication.objects.filter(node=c.village1a).count() == 2
    assert Collected.objects.filter(source=source).count() == 2


def test_a_304_is_nothing_new_and_the_etag_is_sent_back(disclosure_county, server):
    c = disclosure_county
    url = server("/feed.rss", sample="feed.rss", headers={"ETag": '"v1"'})
    source = _source(c, url, "rss")
    assert _fetch(source).outcome == "ok"
    source.refresh_from_db()
    assert source.etag == '"v1"'
    second = _fetch(source)
    assert (second.outcome, second.status, second.found) == ("not_modified", 304, 0)
    assert server.seen[-1][1].get("If-None-Match") == '"v1"'


def test_a_broken_feed_is_reported_not_raised(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/broken.rss", sample="broken.rss"), "rss")
    fetch = _fetch(source)
    assert fetch.outcome == Fetch.Outcome.BROKEN
    assert "XML" in fetch.error
    server_error = _source(c, server("/down", status=500), "rss")
    fetch = _fetch(server_error)
    assert (fetch.outcome, fetch.status) == ("broken", 500)
    assert "500" in fetch.error


def test_a_timeout_is_reported(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/slow", sample="feed.rss", delay=1.5), "rss")
    fetch = _fetch(source, timeout=0.3)
    assert fetch.outcome == Fetch.Outcome.TIMEOUT
    assert "seconds" in fetch.error


def test_a_changed_layout_is_reported(disclosure_county, server):
    c = disclosure_county
    url = server("/gk/index.html", sample="list-changed.html")
    source = _source(c, url, "html", {"item": "ul.notices li.row", "title": "a"})
    fetch = _fetch(source)
    assert (fetch.outcome, fetch.status, fetch.new) == ("empty", 200, 0)
    assert "layout" in fetch.error
    json_source = _source(c, server("/api", b'{"rows": []}'), "json", {"items": "data.list"})
    assert _fetch(json_source).outcome == "empty"


def test_a_redirect_to_a_host_not_configured_is_refused(disclosure_county, server):
    c = disclosure_county
    foreign = f"http://localhost:{server.port}/feed.rss"
    server("/feed.rss", sample="feed.rss")
    source = _source(c, server("/moved", status=302, headers={"Location": foreign}), "rss")
    fetch = _fetch(source)
    assert fetch.outcome == Fetch.Outcome.REFUSED
    assert f"localhost:{server.port}" in fetch.error
    assert [path for path, _ in server.seen] == ["/moved"]
    assert not Collected.objects.exists()


def test_a_redirect_on_the_same_host_is_followed(disclosure_county, server):
    c = disclosure_county
    target = server("/feed.rss", sample="feed.rss")
    source = _source(c, server("/moved", status=301, headers={"Location": target}), "rss")
    assert _fetch(source).new == 2


def test_a_host_no_enabled_source_names_is_never_fetched(disclosure_county, server):
    c = disclosure_county
    source = _source(c, server("/feed.rss", sample="feed.rss"), "rss", enabled=False)
    fetch = _fetch(source)
    assert fetch.outcome == Fetch.Outcome.REFUSED
    assert server.seen == []


def test_the_worker_run_reads_every_enabled_source(disclosure_county, server):
    c = disclosure_county
    _source(c, server("/feed.rss", sample="feed.rss"), "rss")
    _source(c, server("/broken.rss", sample="broken.rss"), "rss")
    _source(c, "", "upload")
    outcomes = sorted(f.outcome for f in services.sources_fetch(interval=0))
    assert outcomes == ["broken", "ok"]


def test_source_configuration_is_checked(disclosure_county):
    c = disclosure_county
    with pytest.raises(ValidationError) as caught:
        _source(c, "ftp://x", "html", {"title": "a", "colour": "red"})
    assert set(caught.value.message_dict) == {"url", "config"}
    with pytest.raises(ValidationError) as caught:
        _source(c, "http://x.invalid/", "html", {"item": "li[", "title": "a"})
    assert "not a CSS selector" in caught.value.message_dict["config"][0]


def test_an_outsider_cannot_configure_another_units_source(disclosure_county):
    c = disclosure_county
    with pytest.raises(PermissionDenied):
        services.source_save(
            actor=c.town2_officer, node=c.village1a, name="x", kind="rss",
            url="http://x.invalid/feed",
        )  # fmt: skip


def test_a_silent_source_is_a_lapse_on_the_working_day_calendar(disclosure_county):
    """The last notice is of Tuesday 2026-01-06; a cadence of 10 working days allows up to
    Tuesday 2026-01-20 (no holiday between): the 20th is the near-miss, the 21st lights the
    lapse, once."""
    from datetime import date

    from oversight.disclosure.adapters import Notice
    from oversight.disclosure.models import Lapse

    c = disclosure_county
    source = _source(c, "http://x.invalid/feed", "rss", cadence_days=10)
    services.collect_notices(
        source=source,
        notices=[Notice(guid="1", title="某村2026年1月财务公开", published_on=date(2026, 1, 6))],
    )
    assert services.silent_check(source=source, on=date(2026, 1, 20)) is None
    lapse = services.silent_check(source=source, on=date(2026, 1, 21))
    assert (lapse.kind, lapse.source, lapse.node, lapse.key) == (
        Lapse.Kind.SILENT, source, c.village1a, "S20260106",
    )  # fmt: skip
    assert lapse.item.kind == "disclosure.lapse"
    assert services.silent_check(source=source, on=date(2026, 1, 22)) is None
    assert Lapse.objects.filter(kind="silent").count() == 1


def test_fetching_is_not_an_edit_behind_the_ledger(disclosure_county, server):
    from oversight.ledger.verify import verify_ledger

    c = disclosure_county
    url = server("/feed.rss", sample="feed.rss", headers={"ETag": '"v2"'})
    _fetch(_source(c, url, "rss"))
    assert verify_ledger().ok


def _xlsx(rows):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _docx(rows):
    from io import BytesIO

    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_uploaded_excel_sheet_is_collected_and_bad_rows_named(disclosure_county):
    c = disclosure_county
    source = _source(c, "", "upload")
    bad = _xlsx([["标题", "日期"], ["某村2026年1月财务公开", "2026年2月5日"], ["", "2026-02-06"],
                 ["某村通知", "下周"]])  # fmt: skip
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.source_upload(actor=c.town1_officer, source=source, name="a.xlsx", data=bad)
    messages = caught.value.message_dict["file"]
    assert messages[0].startswith("Row 3: title") and messages[1].startswith("Row 4: date")
    assert not Collected.objects.exists()
    good = _xlsx([["标题", "日期", "内容"], ["某村2026年1月财务公开", "2026年2月5日", "收入"]])
    assert (
        services.source_upload(actor=c.town1_officer, source=source, name="a.xlsx", data=good) == 1
    )
    assert Publication.objects.get().catalogue_item == c.monthly


def test_an_uploaded_word_table_is_collected_and_bad_rows_named(disclosure_county):
    c = disclosure_county
    source = _source(c, "", "upload")
    bad = _docx([["标题", "日期"], ["某村2026年第一季度村务公开", "2026-02-26"], ["x", "?"]])
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.source_upload(actor=c.town1_officer, source=source, name="b.docx", data=bad)
    assert caught.value.message_dict["file"] == [
        "Row 3: date: write a date such as 2026年3月5日 or 2026-03-05"
    ]
    good = _docx([["标题", "日期"], ["某村2026年第一季度村务公开", "2026-02-26"]])
    assert (
        services.source_upload(actor=c.town1_officer, source=source, name="b.docx", data=good) == 1
    )
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.source_upload(actor=c.town1_officer, source=source, name="c.docx", data=b"nope")
    assert "Word" in caught.value.message_dict["file"][0]
    with pytest.raises(PermissionDenied):
        services.source_upload(actor=c.town2_officer, source=source, name="b.docx", data=good)


def test_sources_and_their_health_are_read_in_scope(disclosure_county, server):
    from django.http import Http404

    from oversight.disclosure import selectors

    c = disclosure_county
    source = _source(c, server("/broken.rss", sample="broken.rss"), "rss")
    _fetch(source)
    mine = selectors.source_list(viewer=c.town1_officer).get()
    assert (mine, mine.last_outcome) == (source, "broken")
    assert not selectors.source_list(viewer=c.town2_officer).exists()
    with pytest.raises(Http404):
        selectors.source_get(viewer=c.town2_officer, pk=source.pk)
    with pytest.raises(Http404):
        selectors.fetch_list(viewer=c.town2_officer, source=source)
