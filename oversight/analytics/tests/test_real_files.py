"""A small county's files in the shapes departments hand over, imported through the mapping
screen in a browser and run: Chinese headers with full-width and half-width punctuation and
spaces, one payment file per program with neither payment numbers nor program codes, a death
register with 15-digit IDs and mixed date formats, full-width digits in amounts, and a resident
register stated complete for one town. The expected warnings, and only those, are raised."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from oversight.analytics.models import ImportRun, Warning
from oversight.lib import resident_id as rid

from .conftest import csv_bytes
from .test_browser import sign_in

pytestmark = pytest.mark.browser

ALIVE = rid.make(area="130534", born=date(1950, 2, 3), sequence=11)
DEAD = rid.make(area="130534", born=date(1938, 7, 9), sequence=12)
GHOST = rid.make(area="110105", born=date(1975, 1, 1), sequence=13)
DEAD_15 = DEAD[:6] + DEAD[8:17]  # the old 15-digit form the civil-affairs list still uses

REGISTER = [
    {"公民身份号码": ALIVE, "姓 名": "王大", "乡镇（街道）": "Town 1"},
    {"公民身份号码": DEAD, "姓 名": "李老", "乡镇（街道）": "Town 1"},
]
DEATHS = [{"身份证号": DEAD_15, "姓名": "李老", "死亡时间": "2024年3月15日"}]
SUBSISTENCE = [  # 低保 of March and April: no payment numbers, no program column
    {"序号": "1", "姓名": "王大", "身份证号码": ALIVE, "发放金额(元)": "５２０",
     "发放日期": "2024/3/10", "所属乡镇": "Town 1"},
    {"序号": "2", "姓名": "李老", "身份证号码": DEAD, "发放金额(元)": "520.00",
     "发放日期": "20240410", "所属乡镇": "Town 1"},
    {"序号": "3", "姓名": "赵无", "身份证号码": GHOST, "发放金额(元)": "４８０",
     "发放日期": "2024年4月10日", "所属乡镇": "Town 1"},
]  # fmt: skip


def _upload_and_map(page, base, source, path, fill=None) -> ImportRun:
    page.goto(f"{base}/analytics/sources/{source.pk}/")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload]")
    expect(page.locator("[data-testid=preview]")).to_be_visible()
    if fill is not None:
        fill(page)
    page.click("[data-testid=start-import]")
    expect(page.locator("[data-testid=import-status]")).to_be_visible()
    run = ImportRun.objects.filter(source=source).latest("pk")
    assert run.status == ImportRun.Status.STAGED, (run.status, run.message)
    assert run.rejected_rows == 0, run.problems_by_code
    page.click("[data-testid=accept]")
    expect(page.locator("[data-testid=accept]")).to_have_count(0)
    return run


def test_a_countys_files_as_handed_over_are_mapped_imported_and_compared(
    county_a, source_of, live_server, page, tmp_path
):
    base = live_server.url
    register = source_of("public-security-register", "residents")
    deaths = source_of("civil-affairs-deaths", "deaths")
    subsistence = source_of("civil-affairs-subsistence", "benefit_payments")
    files = {}
    for name, rows in (("户籍.csv", REGISTER), ("死亡.csv", DEATHS), ("低保.csv", SUBSISTENCE)):
        files[name] = tmp_path / name
        files[name].write_bytes(csv_bytes(rows))
    sign_in(page, base, "supervisor")

    def complete_for_town1(page):
        page.select_option("select[name=coverage_areas]", [str(county_a.town1.pk)])
        page.check("input[name=coverage_complete]")

    _upload_and_map(page, base, register, files["户籍.csv"], complete_for_town1)
    _upload_and_map(page, base, deaths, files["死亡.csv"])

    def one_program(page):
        # The headers were recognised: the amount's half-width brackets, the ID's variant.
        expect(page.locator("select[name=col__amount]")).to_have_value("发放金额(元)")
        expect(page.locator("select[name=col__resident_id]")).to_have_value("身份证号码")
        page.select_option("select[name=program_code]", "upload_program")
        page.fill("input[name=upload_program]", "P01")
        page.select_option("select[name=period]", "date_period")
        page.select_option("select[name=col__period]", "发放日期")

    run = _upload_and_map(page, base, subsistence, files["低保.csv"], one_program)
    assert run.total_rows == 3

    page.goto(f"{base}/analytics/runs/")
    page.click("[data-testid=start-run]")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "done")
    expect(
        page.locator("[data-testid=model-stats] tr[data-model=unregistered_recipient]")
    ).to_be_visible()

    found = set(Warning.objects.values_list("model_id", "fingerprint_key"))
    assert found == {("deceased_paid", f"{DEAD}|P01"), ("unregistered_recipient", f"{GHOST}|P01")}
    ghost = Warning.objects.get(model_id="unregistered_recipient")
    assert GHOST not in ghost.reason_zh and ghost.unit == county_a.town1
    dead = Warning.objects.get(model_id="deceased_paid")
    assert "2024-03-15" in dead.reason_zh and str(dead.amount) == "520.00"
