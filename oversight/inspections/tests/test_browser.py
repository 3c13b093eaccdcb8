"""The rectification journey in a real browser: the inspecting body imports the findings from the
group's Excel, assigns a task; the town reports it with evidence and the body verifies it; the
feedback opens the two-month report, which the town writes and its head signs; months later a
look-back finds the task not really fixed and reopens it, its history kept."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from oversight.conftest import sign_in
from oversight.inspections.models import Finding, Task

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def findings_workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["inspected unit", "category", "problem", "inspection evidence"])
    sheet.append(["Town 1", "funds", "Village funds paid without approval", "Vouchers 12-19"])
    sheet.append(["C-T1", "工作纪律", "Banquets at public expense", "Receipts of May"])
    out = BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_findings_to_verified_task_report_filed_and_a_look_back_reopens(
    inspections_county, round_, town1_unit, live_server, page, tmp_path, today
):
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/inspections/{round_.pk}/")
    expect(page).to_have_title(f"{round_.title} · 清廉监督平台")
    page.click("[data-testid=import]")
    page.set_input_files("input[name=file]", str(findings_workbook(tmp_path / "findings.xlsx")))
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("2")

    page.goto(f"{base}/inspections/units/{town1_unit.pk}/")
    expect(page.locator("[data-testid=five-lists]")).to_contain_text("Banquets at public expense")
    page.click("[data-testid=assign-task]")
    form = page.locator("form:has([data-testid=save-task])")
    banquets = Finding.objects.get(description="Banquets at public expense")
    assert (banquets.number, banquets.category) == (2, "discipline")
    form.locator("select[name=finding]").select_option(str(banquets.pk))
    form.locator("textarea[name=measure]").fill("Recover the costs and stop the banquets")
    form.locator("input[name=deadline]").fill("2026-04-30")
    page.click("[data-testid=save-task]")
    task = Task.objects.get(measure="Recover the costs and stop the banquets")
    expect(page.locator("[data-testid=five-lists]")).to_contain_text("Recover the costs")

    # the town reports with evidence; the inspecting body verifies and closes it against the list
    evidence = tmp_path / "refund-receipt.png"
    evidence.write_bytes(PNG)
    today(date(2026, 4, 27))  # three days before the deadline: a candidate for the look-back
    sign_in(page, base, "town1")
    page.goto(f"{base}/inspections/tasks/{task.item_id}/")
    form = page.locator("form:has([data-testid=do-report])")
    form.locator("textarea[name=comment]").fill("Costs recovered; banquets stopped")
    form.locator("input[name=files]").set_input_files(str(evidence))
    page.click("[data-testid=do-report]")
    expect(page.locator("[data-testid=task-result]")).to_contain_text("Costs recovered")
    expect(page.locator("a", has_text="refund-receipt.png")).to_be_visible()

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/inspections/tasks/{task.item_id}/")
    page.click("[data-testid=do-verify]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("销号")

    # the feedback meeting opens the two-month report; the town writes it, its head signs
    page.goto(f"{base}/inspections/units/{town1_unit.pk}/")
    page.click("[data-testid=feedback]")
    form = page.locator("form:has([data-testid=save-feedback])")
    form.locator("input[name=feedback_on]").fill("2026-04-27")
    form.locator("textarea[name=body]").fill("Funds and banquets: rectify within two months.")
    page.click("[data-testid=save-feedback]")
    expect(page.locator("[data-testid=report]")).to_contain_text("2026-06-29")
    town1_unit.refresh_from_db()
    report_url = f"{base}/work/items/{town1_unit.report_item_id}/"

    sign_in(page, base, "town1")
    page.goto(report_url)
    page.locator("form:has([data-testid=do-submit]) textarea[name=comment]").fill(
        "Both problems rectified; the report and the head's own duty report attached."
    )
    page.click("[data-testid=do-submit]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("待主要负责人签字")
    sign_in(page, base, "town1-leader")
    page.goto(report_url)
    page.click("[data-testid=do-sign]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("已签字报送")

    # October: the look-back draws what closed just before its deadline; not really fixed
    today(date(2026, 10, 12))
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/inspections/{round_.pk}/")
    page.click("[data-testid=draw-lookback]")
    form = page.locator("form:has([data-testid=save-lookback])")
    form.locator("input[name=last_days]").fill("5")
    form.locator("input[name=random_share]").fill("0")
    page.click("[data-testid=save-lookback]")
    expect(page.locator("[data-testid=checks]")).to_contain_text("Recover the costs")
    check = task.lookback_checks.get()
    page.click(f"[data-testid=decide-{check.pk}]")
    form = page.locator(f"form[action$='/lookbacks/checks/{check.pk}/']")
    form.locator("select[name=rectified]").select_option("0")
    form.locator("textarea[name=comment]").fill("Banquets resumed in August")
    form.locator("input[name=deadline]").fill("2026-11-30")
    form.locator("button[type=submit]").click()
    page.get_by_role("link", name="重新整改任务").click()

    successor = Task.objects.get(reopens=task)
    expect(page).to_have_url(f"{base}/inspections/tasks/{successor.item_id}/")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("已交办")
    task.item.refresh_from_db()
    assert task.item.state == "closed"  # the closure stays on record, with its history
    assert task.item.events.filter(data__reopened_as=successor.item_id).exists()
    assert errors == []
