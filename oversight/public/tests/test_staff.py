"""Staff pages: scope (a town sees only what was routed to it), the steps through the module's
own forms, export, the dissatisfaction ledger, style reports and the style table, posters."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from oversight.conftest import client_for
from oversight.loop import services as loop
from oversight.public import services as public
from oversight.public.models import Complaint, Rating, StyleReport

from .conftest import file_complaint

pytestmark = pytest.mark.django_db


def _routed(pc, **kwargs):
    complaint, _code = file_complaint(pc, **kwargs)
    loop.item_transition(item=complaint.item, name="accept", actor=pc.intake)
    loop.item_transition(item=complaint.item, name="route", actor=pc.intake)
    return Complaint.objects.get(pk=complaint.pk)


def test_it_shows_a_town_only_the_complaints_routed_to_it(pc):
    mine = _routed(pc)
    theirs = _routed(pc, power_item=pc.item_village, subject_node=pc.village2a)
    waiting, _code = file_complaint(pc, content="Not routed yet.")
    town1 = client_for(pc.town1_officer)
    listing = town1.get("/public-channel/complaints/").content.decode()
    assert (
        mine.reference in listing
        and theirs.reference not in listing
        and waiting.reference not in listing
    )
    assert town1.get(f"/public-channel/complaints/{theirs.item_id}/").status_code == 404
    assert town1.get(f"/public-channel/complaints/{waiting.item_id}/").status_code == 404
    assert (
        town1.post(f"/public-channel/complaints/{theirs.item_id}/ask/", {"text": "?"}).status_code
        == 404
    )
    sheet = load_workbook(
        io.BytesIO(town1.get("/public-channel/complaints/export.xlsx").content)
    ).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [mine.reference]
    intake = client_for(pc.intake).get("/public-channel/complaints/").content.decode()
    assert all(c.reference in intake for c in (mine, theirs, waiting))
    assert client_for(pc.cadre).get("/public-channel/complaints/").status_code == 403


def test_it_runs_the_steps_through_the_complaint_page(pc):
    complaint, _code = file_complaint(pc, power_item=None, subject_node=None)
    intake, town = client_for(pc.intake), client_for(pc.town1_officer)
    base = f"/public-channel/complaints/{complaint.item_id}"
    assert intake.post(f"{base}/do/accept/").status_code == 302
    assert intake.post(f"{base}/route/", {"node": ""}).status_code == 400
    assert intake.post(f"{base}/route/", {"node": pc.town1.pk}).status_code == 302
    assert town.post(f"{base}/do/handle/", {"comment": ""}).status_code == 400
    assert town.post(f"{base}/do/handle/", {"comment": "Refunded."}).status_code == 302
    assert town.post(f"{base}/draft/", {"reply": "We refunded the fee."}).status_code == 302
    assert intake.post(f"{base}/do/return/", {"comment": "Say when."}).status_code == 302
    assert (
        town.post(f"{base}/draft/", {"reply": "We refunded the fee on 3 March."}).status_code == 302
    )
    assert town.post(f"{base}/approve/", {"reply": "x"}).status_code == 403
    page = intake.get(f"{base}/")
    assert b"do-approve" in page.content
    answer = intake.post(
        f"{base}/approve/",
        {
            "reply": "We refunded the fee on 3 March.",
            "publish": "on",
            "public_text": "The fee was refunded.",
        },
    )
    assert answer.status_code == 302
    complaint.refresh_from_db()
    assert complaint.item.state == "replied" and complaint.published
    assert intake.post(f"{base}/publish/", {"publish": "", "public_text": ""}).status_code == 302
    complaint.refresh_from_db()
    assert not complaint.published
    assert (
        intake.post(
            f"{base}/visit/", {"method": "phone", "note": "Satisfied on the phone."}
        ).status_code
        == 302
    )


def test_it_lists_the_dissatisfaction_ledger_in_scope(pc):
    complaint = _routed(pc)
    loop.item_transition(item=complaint.item, name="handle", actor=pc.town1_officer, comment="x")
    loop.item_transition(item=complaint.item, name="draft", actor=pc.town1_officer, comment="Done.")
    loop.item_transition(item=complaint.item, name="approve", actor=pc.intake)
    public.citizen_rate(complaint=complaint, satisfied=False, reason="Not done at all.")
    assert (
        b"Not done at all." in client_for(pc.intake).get("/public-channel/dissatisfaction/").content
    )
    assert (
        b"Not done at all."
        in client_for(pc.town1_officer).get("/public-channel/dissatisfaction/").content
    )
    assert (
        b"Not done at all."
        not in client_for(pc.town2_officer).get("/public-channel/dissatisfaction/").content
    )
    sheet = client_for(pc.intake).get("/public-channel/dissatisfaction/?format=xlsx")
    assert sheet.status_code == 200


def test_it_builds_the_style_table_per_unit_and_exports_it(pc):
    for score in (5, 4, 2):
        public.rating_submit(node=pc.window_a2, score=score, tags=[])
    report = public.style_report_submit(node=pc.window_a2, kinds=["favours"], text="Cigarettes.")
    public.style_report_check(
        report=report, actor=pc.intake, status=StyleReport.Status.VERIFIED, note="Confirmed."
    )
    client = client_for(pc.intake)
    page = client.get("/public-channel/style/table/?start=2026-01-01&end=2026-12-31")
    assert page.status_code == 200
    rows = {r.node.code: r for r in page.context["rows"]}
    row = rows["C-UA"]
    assert row.ratings == 3 and row.average == pytest.approx(3.67, abs=0.01) and row.satisfied == 2
    assert row.verified == 1 and row.score == pytest.approx(3.67 * 20 - 2, abs=0.1)
    book = load_workbook(
        io.BytesIO(
            client.get(
                "/public-channel/style/table/?start=2026-01-01&end=2026-12-31&format=xlsx"
            ).content
        )
    ).active
    assert [c for c in next(book.iter_rows(min_row=2, values_only=True))][0] == "Unit A"
    assert client_for(pc.town1_officer).get("/public-channel/style/table/").status_code == 403
    assert Rating.objects.filter(created_on=date(2026, 3, 2)).count() == 3


def test_it_lets_checkers_record_style_findings(pc):
    report = public.style_report_submit(node=pc.window_a2, kinds=["absent"], text="Nobody there.")
    client = client_for(pc.intake)
    client.post(
        f"/public-channel/style/reports/{report.pk}/check/",
        {"status": "unfounded", "note": "On duty."},
    )
    report.refresh_from_db()
    assert report.status == "unfounded" and report.checked_by == pc.intake


def test_it_refuses_posters_while_the_public_address_is_a_loopback_one(pc, settings):
    settings.PUBLIC_SITE_URL = "http://127.0.0.1:8000"
    client = client_for(pc.intake)
    page = client.get(f"/public-channel/posters/?under={pc.county.pk}&format=svg&size=a4")
    assert page.status_code == 200 and b'data-testid="no-public-address"' in page.content
    assert b"/posters/" not in page.content.split(b'data-testid="no-public-address"')[1]
    poster = client.get(f"/public-channel/posters/{pc.window_a2.pk}/a4.svg")
    assert poster.status_code == 409 and b"127.0.0.1" not in poster.content


def test_it_prints_posters_one_at_a_time_and_in_bulk(pc, settings):
    settings.PUBLIC_SITE_URL = "https://jiandu.example.gov.cn"
    client = client_for(pc.intake)
    svg = client.get(f"/public-channel/posters/{pc.window_a2.pk}/a4.svg")
    assert (
        svg.status_code == 200
        and b"Window A2" in svg.content
        and pc.point.token.encode() in svg.content
    )
    png = client.get(f"/public-channel/posters/{pc.window_a2.pk}/card.png")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    bundle = client.get(
        f"/public-channel/posters/?under={pc.county.pk}&format=svg&size=card&download=zip"
    )
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert "C-UA-W2-card.svg" in names and "C-UA-card.svg" in names and "C-T1-card.svg" not in names
    assert (
        client_for(pc.town1_officer)
        .get(f"/public-channel/posters/{pc.window_a2.pk}/a4.svg")
        .status_code
        == 403
    )
