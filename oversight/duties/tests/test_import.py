"""Importing a list's duties from Excel: all rows or none, each problem named by its row."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oversight.conftest import client_for
from oversight.duties.models import DutyArea, DutyItem, DutyList

HEADERS = ["area", "duty", "requirement", "evidence expected", "points", "reporting schedule",
           "due date", "day of the deadline", "scoring rule", "unit types",
           "parameters of the rule"]  # fmt: skip


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    data = BytesIO()
    book.save(data)
    return SimpleUploadedFile("duties.xlsx", data.getvalue())


def _empty_list(c):
    return DutyList.objects.create(
        kind="supervisory", title="Supervisory", year=2026, owner_node=c.commission
    )


def test_it_imports_every_row_or_none_naming_each_bad_row(duties_county):
    c = duties_county
    duty_list = _empty_list(c)
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    url = f"/duties/{duty_list.pk}/items/import/"
    bad = client.post(
        url,
        {
            "file": _sheet(
                [
                    ["Study", "Quarterly session", "", "", "60", "quarterly", "", "10", "", ""],
                    ["Plan", "The plan", "", "", "lots", "once", "2026-03-10", "", "", ""],
                    ["Plan", "Old plan", "", "", "40", "once", "2025-12-31", "", "", ""],
                    [
                        "Plan",
                        "Cases",
                        "",
                        "",
                        "40",
                        "once",
                        "2026-03-10",
                        "",
                        "deduction",
                        "",
                        "per 2",
                    ],
                    [
                        "Plan",
                        "Cases",
                        "",
                        "",
                        "40",
                        "once",
                        "2026-03-10",
                        "",
                        "deduction",
                        "",
                        "cap=2",
                    ],
                ]
            )
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    errors = bad.context["errors"]
    assert [e[:5] for e in errors] == ["Row 3", "Row 4", "Row 5", "Row 6"]
    assert "due date" in errors[1]
    assert "per=2; cap=10" in errors[2]
    assert "takes no parameter cap" in errors[3] and "per is required" in errors[3]
    assert not DutyItem.objects.filter(area__duty_list=duty_list).exists()
    assert not DutyArea.objects.filter(duty_list=duty_list).exists()
    good = client.post(
        url,
        {
            "file": _sheet(
                [
                    ["Study", "Quarterly session", "", "", "60", "Quarterly", "", "10", "", ""],
                    [
                        "Plan",
                        "The plan",
                        "",
                        "",
                        "40",
                        "once",
                        "2026-03-10",
                        "",
                        "deduction",
                        "town",
                        "per=5",
                    ],
                ]
            )
        },
    )
    assert good.status_code == 302
    items = DutyItem.objects.filter(area__duty_list=duty_list).order_by("pk")
    assert [(i.area.title, i.schedule, i.rule) for i in items] == [
        ("Study", "quarterly", "points"),
        ("Plan", "once", "deduction"),
    ]
    assert items[1].unit_types == ["town"] and items[1].params == {"per": "5"}
    assert client.get(url + "?template=1").status_code == 200
    assert client_for(c.town1_officer).get(url).status_code == 403
