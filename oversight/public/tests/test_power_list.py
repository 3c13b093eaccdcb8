"""The small-power list: import from Excel (every bad row reported, nothing half-written),
export in the same layout, editing by form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from oversight.conftest import client_for
from oversight.public.models import PowerCategory, PowerItem

pytestmark = pytest.mark.django_db

HEADER = [
    "category code",
    "category name",
    "parent category code",
    "item code",
    "item name",
    "responsible department code",
    "time limit (days)",
    "working days",
    "source",
    "published",
    "description",
    "legal basis",
]


def _workbook(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def test_it_imports_a_list_and_exports_it_again(pc):
    client = client_for(pc.intake)
    upload = _workbook(
        [
            [
                "P1",
                "Social assistance",
                "",
                "P1-01",
                "Minimum living allowance",
                "C-UA",
                20,
                "yes",
                "province",
                "yes",
                "",
                "",
            ],
            [
                "P1",
                "Social assistance",
                "",
                "P1-02",
                "Temporary assistance",
                "",
                "",
                "否",
                "本地",
                "是",
                "",
                "",
            ],
            [
                "P2",
                "Subsidies",
                "P1",
                "V01",
                "Subsidy distribution (revised)",
                "C-T1",
                5,
                "yes",
                "local",
                "no",
                "",
                "",
            ],
        ]
    )
    answer = client.post("/public-channel/list/import/", {"file": upload})
    assert answer.status_code == 200 and b"import-done" in answer.content
    item = PowerItem.objects.get(code="P1-01")
    assert (
        item.responsible_node == pc.unit_a and item.limit_days == 20 and item.category.code == "P1"
    )
    assert PowerItem.objects.get(code="P1-02").source == "local"
    updated = PowerItem.objects.get(code="V01")
    assert updated.name == "Subsidy distribution (revised)" and not updated.published
    assert PowerCategory.objects.get(code="P2").parent.code == "P1"
    exported = load_workbook(
        io.BytesIO(client.get("/public-channel/list/export.xlsx").content)
    ).active
    rows = list(exported.iter_rows(values_only=True))
    assert len(rows) == 1 + PowerItem.objects.count()
    assert (
        client.post(
            "/public-channel/list/import/",
            {
                "file": SimpleUploadedFile(
                    "again.xlsx", client.get("/public-channel/list/export.xlsx").content
                )
            },
        ).status_code
        == 200
    )


def test_it_reports_every_bad_row_and_writes_nothing(pc):
    before = list(PowerItem.objects.values_list("code", "name"))
    upload = _workbook(
        [
            [
                "P1",
                "Social assistance",
                "",
                "P1-01",
                "Fine row",
                "C-UA",
                20,
                "yes",
                "province",
                "yes",
                "",
                "",
            ],
            ["P1", "Social assistance", "", "", "No code", "", "", "", "", "", "", ""],
            ["P1", "Social assistance", "", "P1-03", "Bad unit", "NOPE", "", "", "", "", "", ""],
            [
                "P1",
                "Social assistance",
                "",
                "P1-04",
                "Bad limit",
                "",
                "often",
                "maybe",
                "",
                "",
                "",
                "",
            ],
            ["P9", "", "", "P9-01", "New category without a name", "", "", "", "", "", "", ""],
            ["P1", "Social assistance", "", "P1-01", "Duplicate code", "", "", "", "", "", "", ""],
            ["P1", "Social assistance", "", "P1-05", "Bad source", "", "", "", "city", "", "", ""],
        ]
    )
    answer = client_for(pc.intake).post(
        "/public-channel/list/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    errors = answer.context["errors"]
    assert [e.split(":")[0] for e in errors] == [
        "Row 3",
        "Row 4",
        "Row 5",
        "Row 6",
        "Row 7",
        "Row 8",
    ]
    assert list(PowerItem.objects.values_list("code", "name")) == before
    assert not PowerCategory.objects.filter(code="P1").exists()


def test_it_refuses_a_file_that_is_not_a_workbook_or_lacks_columns(pc):
    client = client_for(pc.intake)
    answer = client.post(
        "/public-channel/list/import/", {"file": SimpleUploadedFile("x.xlsx", b"not excel")}
    )
    assert answer.status_code == 400
    answer = client.post(
        "/public-channel/list/import/",
        {"file": _workbook([["a"]], header=["something"])},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400 and "Columns missing" in answer.context["errors"][0]
    assert client_for(pc.town1_officer).post("/public-channel/list/import/", {}).status_code == 403


def test_it_edits_items_by_form(pc):
    client = client_for(pc.intake)
    answer = client.post(
        "/public-channel/list/items/add/",
        {
            "category": pc.category.pk,
            "code": "N01",
            "name": "New item",
            "source": "local",
            "limit_days": "7",
            "limit_working": "on",
            "published": "on",
            "sort": "0",
        },
    )
    assert answer.status_code == 302
    assert PowerItem.objects.get(code="N01").limit_days == 7
    clash = client.post(
        "/public-channel/list/items/add/",
        {
            "category": pc.category.pk,
            "code": "N01",
            "name": "Again",
            "source": "local",
            "sort": "0",
        },
    )
    assert clash.status_code == 400


def test_the_complaint_form_offers_a_matter_as_soon_as_it_is_published(pc):
    """The form's choices are kept a minute per process, but a change to the list is seen at
    once by the process that made it."""
    from oversight.public import services
    from oversight.public.tests.conftest import citizen

    client = citizen()
    assert b"Road permit" not in client.get("/p/complain/").content  # now kept in the cache
    item = services.power_item_save(
        item=None, actor=pc.intake, category=pc.item_town.category, code="T-99", name="Road permit"
    )
    assert b"Road permit" in client.get("/p/complain/").content
    services.power_item_save(
        item=item,
        actor=pc.intake,
        category=item.category,
        code="T-99",
        name="Road permit",
        published=False,
    )
    assert b"Road permit" not in client.get("/p/complain/").content
