"""Excel import of people and org units: every bad row answered with its row and field, and
nothing half-written."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from oversight.conftest import client_for, make_resident_id
from oversight.orgs.models import OrgNode, Person


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("people.xlsx", buffer.getvalue())


HEADER = ["name", "resident ID", "unit code", "rank", "phone"]


def test_bad_resident_ids_are_answered_row_by_row_and_nothing_is_written(county):
    before = Person.objects.count()
    good = make_resident_id()
    upload = _xlsx(
        [
            HEADER,
            ["Wang Wu", good, "C-T1", "", ""],
            ["Li Si", "110101199003074515", "C-T1", "", ""],  # wrong check digit
            ["Zhao Liu", "12345", "C-T1-V1", "", ""],  # not an ID at all
            ["Qian Qi", good, "C-T1", "", ""],  # the same ID twice
            ["Sun Ba", make_resident_id(date(1975, 2, 3)), "C-T2", "", ""],  # outside scope
        ]
    )
    response = client_for(county.town1_officer).post(
        "/orgs/people/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    errors = response.context["errors"]
    assert any(e.startswith("Row 3") and "check digit" in e for e in errors), errors
    assert any(e.startswith("Row 4") and "18 digits" in e for e in errors), errors
    assert any(e.startswith("Row 5") and "row 2" in e for e in errors), errors
    assert any(e.startswith("Row 6") and "unit code" in e for e in errors), errors
    assert not any(e.startswith("Row 2") for e in errors)
    assert Person.objects.count() == before


def test_a_clean_file_imports_every_row(county):
    upload = _xlsx(
        [
            ["姓名", "身份证号", "单位代码", "职级", "电话"],
            ["Wang Wu", make_resident_id(), "C-T1", "", "13800000001"],
            ["Li Si", make_resident_id(date(1976, 4, 5)), "C-T1-V1", "", ""],
        ]
    )
    response = client_for(county.town1_officer).post("/orgs/people/import/", {"file": upload})
    assert response.status_code == 302, response.context["errors"]
    assert Person.objects.filter(name__in=["Wang Wu", "Li Si"]).count() == 2


def test_units_are_imported_under_parents_of_the_file_or_refused_together(county):
    client = client_for(county.admin)
    bad = _xlsx(
        [
            ["code", "name", "type", "parent code"],
            ["C-U9", "Unit 9", "unit", "C"],
            ["C-U9-D1", "Dept 9", "department", "C-U9"],
            ["C-U9-D2", "Dept 9b", "planet", "C-NONE"],
        ]
    )
    response = client.post("/orgs/nodes/import/", {"file": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.context["errors"]
    assert any(e.startswith("Row 4, type") for e in errors) and any(
        e.startswith("Row 4, parent code") for e in errors
    ), errors
    assert not OrgNode.objects.filter(code__startswith="C-U9").exists()
    good = _xlsx(
        [
            ["code", "name", "type", "parent code"],
            ["C-U9", "Unit 9", "unit", "C"],
            ["C-U9-D1", "Dept 9", "department", "C-U9"],
        ]
    )
    assert client.post("/orgs/nodes/import/", {"file": good}).status_code == 302
    assert OrgNode.objects.get(code="C-U9-D1").parent.code == "C-U9"


def test_the_templates_download(county):
    response = client_for(county.admin).get("/orgs/people/import/", {"template": "1"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet.cell(1, 2).value
