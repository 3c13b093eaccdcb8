"""The other parts of the file: gifts handed in, integrity talks, accountability, commendations
and departure audits (entered, or imported from Excel all or nothing with every bad row named
by row and field), and the reminder talks of ``risks`` shown on the file (scoped)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from oversight.conftest import client_for
from oversight.integrity import selectors, services
from oversight.integrity.models import FileRecord
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger
from oversight.orgs.demo import grant_permissions
from oversight.risks import services as risk_services

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_record_is_entered_traced_and_shown_on_the_file(icounty, today):
    c = icounty
    record = services.record_add(
        actor=c.supervisor,
        person=c.p_town1,
        kind="gift",
        on=D(2026, 2, 10),
        summary="A gift card handed in",
        authority="Discipline office",
        amount=Decimal("500"),
    )
    assert Leaf.objects.filter(action="integrity.record.add", target_id=str(record.pk)).exists()
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="review")
    file = selectors.file_of(viewer=c.supervisor, view=view)
    assert file.gifts == [record] and file.commendations == []
    page = client_for(c.supervisor).get(reverse("integrity:file_detail", args=[view.pk]))
    assert "A gift card handed in" in page.content.decode()
    assert verify_ledger().ok


def test_a_record_with_bad_input_is_refused_field_by_field(icounty, today):
    c = icounty
    with pytest.raises(ValidationError) as exc:
        services.record_add(
            actor=c.supervisor, person=c.p_town1, kind="gift", on=D(2026, 3, 3), summary=" "
        )
    assert set(exc.value.error_dict) == {"on", "summary", "amount"}
    with pytest.raises(PermissionDenied):
        services.record_add(
            actor=c.town2_officer, person=c.p_town1, kind="talk", on=D(2026, 3, 1), summary="x"
        )
    assert not FileRecord.objects.exists()


def test_the_form_on_the_file_enters_a_record(icounty, today):
    c = icounty
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="review")
    client = client_for(c.supervisor)
    url = reverse("integrity:record_add", args=[view.pk])
    bad = client.post(url, {"kind": "commendation", "on": "", "summary": ""})
    assert bad.status_code == 400
    good = client.post(url, {"kind": "commendation", "on": "2025-12-01", "summary": "Model"})
    assert good.status_code == 302
    assert FileRecord.objects.get().kind == "commendation"


def test_an_import_names_every_bad_row_by_field_and_writes_nothing(icounty, today):
    c = icounty
    rows = [
        {"_row": 2, "cadre_id": c.p_town1.resident_id, "kind": "Commendation",
         "on": "2025-05-04", "summary": "Model worker"},
        {"_row": 3, "cadre_id": "123", "kind": "gift", "on": "2025-05-04", "summary": "x",
         "amount": "100"},
        {"_row": 4, "cadre_id": c.p_town1.resident_id, "kind": "boat", "on": "May",
         "summary": "x", "amount": "lots"},
        {"_row": 5, "cadre_id": c.p_town1.resident_id, "kind": "gift", "on": "2025-05-04",
         "summary": "x"},
    ]  # fmt: skip
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.records_import(actor=c.supervisor, rows=rows)
    messages = exc.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == ["Row 3", "Row 4", "Row 5"]
    assert "cadre's resident ID" in messages[0]
    assert "date" in messages[1] and "amount (yuan)" in messages[1]
    assert "kind of record" in messages[1]
    assert "amount (yuan)" in messages[2]
    assert not FileRecord.objects.exists()


def test_an_import_of_good_rows_adds_them_in_either_language(icounty, today):
    c = icounty
    rows = [
        {"_row": 2, "cadre_id": c.p_town1.resident_id, "kind": "Departure audit",
         "on": D(2025, 5, 4), "summary": "No problem found"},
        {"_row": 3, "cadre_id": c.p_town2.resident_id, "kind": "gift", "on": "2025/06/01",
         "summary": "Cash returned", "amount": "2,000"},
    ]  # fmt: skip
    with translation.override("en"):
        assert services.records_import(actor=c.supervisor, rows=rows) == 2
    assert sorted(FileRecord.objects.values_list("kind", flat=True)) == [
        "departure_audit",
        "gift",
    ]
    assert FileRecord.objects.get(kind="gift").amount == Decimal("2000")


def test_an_import_refuses_cadres_outside_the_scope(icounty, today):
    c = icounty
    grant_permissions({"town": ["integrity:file:edit"]})
    c.town2_officer.__dict__.pop("_perm_codes", None)
    rows = [{"_row": 2, "cadre_id": c.p_town1.resident_id, "kind": "talk", "on": "2025-01-02",
             "summary": "x"}]  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.records_import(actor=c.town2_officer, rows=rows)
    assert "第 2 行" in exc.value.messages[0]
    assert not FileRecord.objects.exists()


def test_the_import_page_answers_bad_rows(icounty, today):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    c = icounty
    book = Workbook()
    book.active.append(["cadre's resident ID", "kind of record", "date", "what happened"])
    book.active.append(["123", "talk", "2025-01-02", "x"])
    buffer = BytesIO()
    book.save(buffer)
    client = client_for(c.supervisor)
    assert client.get(reverse("integrity:records_import")).status_code == 200
    response = client.post(
        reverse("integrity:records_import"),
        {"file": SimpleUploadedFile("r.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert client_for(c.town1_officer).get(reverse("integrity:records_import")).status_code == 403


def test_a_reminder_talk_of_risks_lands_in_the_file_within_scope(icounty, today):
    c = icounty
    grant_permissions({"supervisor": ["risks:view", "risks:reminder:confirm"]})
    c.supervisor.__dict__.pop("_perm_codes", None)
    talk = risk_services.talk_record(
        actor=c.supervisor,
        person=c.p_town1,
        held_on=D(2026, 3, 2),
        talker="Secretary Wang",
        summary="About rotating the post",
    )
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="review")
    assert selectors.file_of(viewer=c.supervisor, view=view).talks == [talk]
    page = client_for(c.supervisor).get(reverse("integrity:file_detail", args=[view.pk]))
    assert "About rotating the post" in page.content.decode()
    town2_view = services.file_open(actor=c.town1_officer, person=c.p_town1, reason="check")
    assert selectors.file_of(viewer=c.town1_officer, view=town2_view).talks == [talk]
    # a talk with someone else's cadre is not on this file
    other = risk_services.talk_record(
        actor=c.supervisor, person=c.p_town2, held_on=D(2026, 3, 2), talker="W", summary="y"
    )
    assert other not in selectors.file_of(viewer=c.supervisor, view=view).talks
