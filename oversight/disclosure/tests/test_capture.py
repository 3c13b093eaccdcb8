"""Capturing notices: classified by title keywords, the period read from the title, what
cannot be placed waits for a person; bad input is named by field or row, nothing half-written."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oversight.conftest import client_for, refusal_codes
from oversight.disclosure import services
from oversight.disclosure.models import CatalogueItem, Publication

pytestmark = pytest.mark.django_db


def test_a_notice_is_classified_and_its_period_read_from_the_title(disclosure_county):
    c = disclosure_county
    notice = services.publication_capture(
        actor=c.town1_officer, node=c.village1a, title="某村2026年2月财务公开",
        published_on=date(2026, 3, 1), fields="收入、支出、结余",
    )  # fmt: skip
    assert (notice.catalogue_item, notice.key) == (c.monthly, "2026-02")
    unplaced = services.publication_capture(
        actor=c.town1_officer, node=c.village1a, title="关于召开村民代表会议的通知",
        published_on=date(2026, 3, 1),
    )  # fmt: skip
    assert unplaced.catalogue_item is None
    wrong_form = services.publication_capture(
        actor=c.town1_officer, node=c.village1a, title="2026年第一季度财务公开",
        published_on=date(2026, 3, 1),
    )  # fmt: skip
    assert (wrong_form.catalogue_item, wrong_form.key) == (c.monthly, "")  # a person places it
    placed = services.publication_classify(
        actor=c.town1_officer, publication=unplaced, catalogue_item=c.quarterly, key="2026-q1"
    )
    assert (placed.catalogue_item, placed.key) == (c.quarterly, "2026-Q1")


def test_bad_input_is_refused_by_field(disclosure_county):
    c = disclosure_county
    with pytest.raises(ValidationError) as refused:
        services.publication_capture(
            actor=c.town1_officer, node=c.village1a, title=" ", published_on=date(2026, 3, 3),
            catalogue_item=c.quarterly, key="2026-03",
        )  # fmt: skip
    assert refusal_codes(refused.value) == {
        "title": ["required"],
        "published_on": ["future"],
        "key": ["invalid"],
    }
    unplaced = services.publication_capture(
        actor=c.town1_officer, node=c.village1a, title="通知", published_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.publication_classify(
            actor=c.town1_officer, publication=unplaced, catalogue_item=c.monthly, key=""
        )
    assert refusal_codes(refused.value) == {"key": ["required"]}
    assert Publication.objects.count() == 1


def test_a_unit_outside_the_scope_is_refused(disclosure_county):
    c = disclosure_county
    with pytest.raises(PermissionDenied):
        services.publication_capture(
            actor=c.town2_officer, node=c.village1a, title="2026年2月财务公开",
            published_on=date(2026, 3, 1),
        )  # fmt: skip
    assert not Publication.objects.exists()


def test_the_catalogue_refuses_what_it_cannot_use(disclosure_county):
    c = disclosure_county
    with pytest.raises(ValidationError) as refused:
        services.catalogue_item_save(
            actor=c.supervisor, title="村务公开", category="x", unit_type="village",
            frequency="weekly", keywords="",
        )  # fmt: skip
    assert refusal_codes(refused.value) == {
        "title": ["exists"],
        "category": ["invalid"],
        "frequency": ["invalid"],
        "keywords": ["required"],
    }
    with pytest.raises(PermissionDenied):
        services.catalogue_item_save(
            actor=c.town1_officer, title="新", category="village", unit_type="village",
            frequency="monthly", keywords="新",
        )  # fmt: skip
    assert CatalogueItem.objects.count() == 2


HEADERS = ["unit", "title", "published on", "link", "period", "fields shown",
           "notice board photo", "content"]  # fmt: skip


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    data = BytesIO()
    book.save(data)
    return SimpleUploadedFile("notices.xlsx", data.getvalue())


def test_an_import_takes_every_row_or_none_naming_each_bad_row(disclosure_county):
    c = disclosure_county
    client = client_for(c.town1_officer)
    client.cookies["django_language"] = "en"
    good = [
        "C-T1-V1",
        "2026年2月财务公开",
        "发布时间：2026年3月1日",
        "",
        "",
        "收入、支出、结余",
        "是",
        "…",
    ]
    bad = client.post(
        "/disclosure/notices/import/",
        {"file": _sheet([good, ["C-T2-V1", "2026年2月财务公开", "2026-03-01"],
                         ["C-T1-V2", "2026年2月财务公开", "三月一日"]])},
    )  # fmt: skip
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Row 3: unit: no unit of that code or name in your scope" in text
    assert "Row 4: published on: write a date such as" in text
    assert not Publication.objects.exists()
    done = client.post("/disclosure/notices/import/", {"file": _sheet([good])})
    assert done.status_code == 302
    notice = Publication.objects.get()
    assert (notice.node, notice.published_on, notice.key) == (
        c.village1a,
        date(2026, 3, 1),
        "2026-02",
    )
    assert notice.has_photo and notice.source == "imported"
