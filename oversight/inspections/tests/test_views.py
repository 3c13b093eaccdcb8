"""Pages: registering a round, importing findings from Excel (every rejected row named, nothing
written), assigning tasks with clear messages, and the scope: a unit outside the round gets
nothing from lists, details, exports or measures."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from oversight.conftest import client_for as signed_in
from oversight.inspections.models import Finding, Round, Task
from oversight.measures import selectors as measures
from oversight.measures.registry import Period, get

pytestmark = pytest.mark.django_db


def client_for(account):
    """A signed-in client reading the pages in English (the default language is Chinese)."""
    client = signed_in(account)
    client.cookies["django_language"] = "en"
    return client


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["inspected unit", "category", "problem", "inspection evidence"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return SimpleUploadedFile("findings.xlsx", out.getvalue())


def test_it_registers_a_round_and_names_bad_fields(inspections_county):
    c = inspections_county
    client = client_for(c.supervisor)
    data = {
        "kind": "tour",
        "year": "2026",
        "number": "2",
        "title": "Second tour",
        "inspecting_node": c.commission.pk,
        "group": "Group 3",
        "starts_on": "2026-03-01",
        "ends_on": "2026-02-01",
    }
    response = client.post(reverse("inspections:round_create"), data)
    assert response.status_code == 400
    assert "The inspection cannot end before it starts." in response.content.decode()
    data["ends_on"] = "2026-04-30"
    response = client.post(reverse("inspections:round_create"), data)
    round_ = Round.objects.get(title="Second tour")
    assert response.url == reverse("inspections:round_detail", args=[round_.pk])
    assert client.get(response.url).status_code == 200


def test_an_import_with_broken_rows_names_each_and_writes_nothing(
    inspections_county, round_, town1_unit
):
    c = inspections_county
    url = reverse("inspections:findings_import", args=[round_.pk])
    client = client_for(c.supervisor)
    response = client.post(
        url,
        {
            "file": _xlsx(
                [
                    ["Town 1", "funds", "Subsidies paid twice", "Payroll 2025-07"],
                    ["Town 9", "funds", "Unknown unit", ""],
                    ["C-T1", "weather", "", ""],
                ]
            )
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3: inspected unit: “Town 9” is not inspected in this round" in text
    assert "Row 4: category: Choose a category.; problem: Describe the problem." in text
    assert not Finding.objects.exists()
    response = client.post(
        url,
        {
            "file": _xlsx(
                [
                    ["Town 1", "funds", "Subsidies paid twice", "Payroll 2025-07"],
                    ["C-T1", "工作纪律", "Banquets", ""],
                ]
            )
        },
    )
    assert response.status_code == 302
    assert list(Finding.objects.values_list("number", "category", "description")) == [
        (1, "funds", "Subsidies paid twice"),
        (2, "discipline", "Banquets"),
    ]


def test_an_import_template_and_a_file_that_is_no_workbook(inspections_county, round_):
    c = inspections_county
    client = client_for(c.supervisor)
    url = reverse("inspections:findings_import", args=[round_.pk])
    response = client.get(url + "?template=1")
    headers = [cell.value for cell in load_workbook(BytesIO(response.content)).active[1]]
    assert headers == ["inspected unit", "category", "problem", "inspection evidence"]
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not excel")})
    assert response.status_code == 400
    assert "The file is not an Excel workbook (.xlsx)." in response.content.decode()


def test_assigning_a_task_names_the_bad_field(inspections_county, town1_unit, finding):
    c = inspections_county
    client = client_for(c.supervisor)
    url = reverse("inspections:task_assign", args=[town1_unit.pk])
    response = client.post(
        url,
        {"finding": finding.pk, "measure": "Fix", "deadline": "2026-02-01", "leader": c.p_town1.pk},
    )
    assert response.status_code == 400
    assert "The deadline cannot be in the past." in response.content.decode()
    response = client.post(url, {"finding": finding.pk, "measure": "Fix", "deadline": "2026-05-01"})
    assert response.status_code == 302
    task = Task.objects.get()
    page = client.get(reverse("inspections:unit_detail", args=[town1_unit.pk]))
    assert "Fix" in page.content.decode()
    assert client.get(reverse("inspections:task_detail", args=[task.item_id])).status_code == 200


def test_the_unit_reports_on_its_task_page(inspections_county, task):
    c = inspections_county
    client = client_for(c.town1_officer)
    page = client.get(reverse("inspections:task_detail", args=[task.item_id]))
    assert page.status_code == 200
    assert "Recover the payments" in page.content.decode()
    assert "copy-notice" not in page.content.decode()  # the unit sends no copy notices
    assert client.post(reverse("inspections:copy_notice", args=[task.item_id])).status_code == 403


def test_an_outsider_gets_nothing(inspections_county, round_, task):
    c = inspections_county
    outsider = client_for(c.town2_officer)
    unit = task.finding.unit
    for url in [
        reverse("inspections:round_detail", args=[round_.pk]),
        reverse("inspections:unit_detail", args=[unit.pk]),
        reverse("inspections:task_detail", args=[task.item_id]),
        reverse("loop:item_detail", args=[task.item_id]),
    ]:
        assert outsider.get(url).status_code == 404, url
    assert (
        "2026 first patrol" not in outsider.get(reverse("inspections:round_list")).content.decode()
    )
    listing = outsider.get(reverse("inspections:task_list")).content.decode()
    assert "Recover the payments" not in listing
    export = outsider.get(reverse("inspections:task_list") + "?export=xlsx")
    assert load_workbook(BytesIO(export.content)).active.max_row == 1  # the header only
    inside = client_for(c.town1_officer).get(reverse("inspections:task_list") + "?export=xlsx")
    assert load_workbook(BytesIO(inside.content)).active.max_row == 2


def test_measures_count_for_the_unit_and_hide_from_outsiders(inspections_county, task, today):
    c = inspections_county
    wanted = [get(m) for m in ("inspections.open", "inspections.overdue")]
    figures = measures.figures(
        viewer=c.supervisor,
        measures=wanted,
        nodes=[c.town1, c.town2],
        period=Period.parse("2026-03"),
        on=date(2026, 3, 2),
    )
    assert figures["inspections.open"][c.town1.pk].value == 1
    assert figures["inspections.open"][c.town2.pk].value == 0
    outsider = measures.figures(
        viewer=c.town2_officer,
        measures=wanted,
        nodes=[c.town2],
        period=Period.parse("2026-03"),
        on=date(2026, 3, 2),
    )
    assert outsider["inspections.open"][c.town2.pk].value == 0


def test_the_summary_button_issues_the_document(inspections_county, round_, task):
    c = inspections_county
    client = client_for(c.supervisor)
    response = client.post(reverse("inspections:round_summary", args=[round_.pk]))
    assert response.status_code == 302 and "/documents/" in response.url
    assert (
        client_for(c.town1_officer)
        .post(reverse("inspections:round_summary", args=[round_.pk]))
        .status_code
        == 403
    )
