"""Documents both ways: a unit's clerk receives, opens, downloads, signs for and replies to a
document sent to the unit; the sender sees who signed and who replied; nobody else sees it."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.conftest import client_for
from oversight.documents import services
from oversight.documents.models import DocType, Receipt
from oversight.notify.models import Notification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def sent(county):
    """A rectification notice from the commission to Unit A, replied to with evidence."""
    for role in (county.role_clerk, county.role_town, county.role_cadre):
        role.permissions = sorted({*role.permissions, "documents:received:view"})
        role.save()
    county.role_admin.save()
    return services.issue_document(
        doc_type=DocType.RECTIFICATION_NOTICE,
        issuer_node=county.commission,
        actor=county.admin,
        context={"recipient_unit": "Unit A", "title": "Canteen purchases", "body": "Fix it."},
        issued_on=datetime.date(2026, 3, 5),
        recipients=[county.unit_a],
        reply_by=datetime.date(2026, 4, 30),
        evidence_required=True,
    )


def test_the_clerk_receives_opens_downloads_signs_and_replies(county, sent):
    clerk = client_for(county.clerk)
    note = Notification.objects.get(recipient=county.clerk, kind="documents.received")
    assert clerk.get(note.url).status_code == 200
    listing = clerk.get("/documents/received/")
    assert sent.serial in listing.content.decode()
    receipt = Receipt.objects.get(document=sent)
    page = clerk.get(f"/documents/received/{receipt.pk}/")
    assert page.status_code == 200 and "Fix it." in page.content.decode()
    download = clerk.get(f"/documents/received/{receipt.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")

    assert clerk.post(f"/documents/received/{receipt.pk}/sign/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.signed_at is not None and receipt.signed_by == county.clerk
    signed_at = receipt.signed_at
    clerk.post(f"/documents/received/{receipt.pk}/sign/")  # twice: the first time stays
    receipt.refresh_from_db()
    assert receipt.signed_at == signed_at

    no_evidence = clerk.post(f"/documents/received/{receipt.pk}/reply/", {"text": "Done."})
    assert no_evidence.status_code == 400
    assert "evidence" in no_evidence.content.decode()
    receipt.refresh_from_db()
    assert receipt.replied_at is None
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    replied = clerk.post(
        f"/documents/received/{receipt.pk}/reply/", {"text": "Done.", "evidence": photo}
    )
    assert replied.status_code == 302
    receipt.refresh_from_db()
    assert receipt.reply_text == "Done." and receipt.replied_by == county.clerk
    assert receipt.reply_sha256

    sender = client_for(county.admin).get(f"/documents/{sent.pk}/").content.decode()
    assert 'data-receipt="C-UA"' in sender and "Done." in sender
    assert (
        client_for(county.admin).get(f"/documents/received/{receipt.pk}/evidence/").status_code
        == 200
    )


def test_nobody_outside_the_unit_sees_it(county, sent):
    receipt = Receipt.objects.get(document=sent)
    for outsider in (county.town2_officer, county.cadre):
        client = client_for(outsider)
        assert sent.serial not in client.get("/documents/received/").content.decode()
        for path in ("", "download/", "evidence/"):
            assert client.get(f"/documents/received/{receipt.pk}/{path}").status_code == 404
        assert client.post(f"/documents/received/{receipt.pk}/sign/").status_code == 404
    assert not Notification.objects.filter(recipient=county.cadre).exists()
    receipt.refresh_from_db()
    assert receipt.signed_at is None


def test_a_reply_is_refused_when_none_is_asked(county):
    document = services.issue_document(
        doc_type=DocType.SUPERVISION_SUGGESTION,
        issuer_node=county.commission,
        actor=county.admin,
        context={"recipient_unit": "Unit B", "title": "Suggestion", "body": "Consider it."},
        recipients=[county.unit_b],
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.receipt_reply(receipt=document.receipts.get(), actor=county.admin, text="Ok")


def test_an_unsigned_document_is_reminded_once(county, sent):
    assert services.remind_unsigned(today=datetime.date(2026, 3, 6)) == 0  # not yet due
    assert services.remind_unsigned(today=datetime.date(2026, 3, 9)) == 1
    assert services.remind_unsigned(today=datetime.date(2026, 3, 20)) == 0  # once
    reminders = Notification.objects.filter(kind="documents.unsigned")
    assert set(reminders.values_list("recipient__username", flat=True)) == {"clerk"}


def test_the_clerks_menu_has_received_documents(county, sent):
    page = client_for(county.clerk).get("/").content.decode()
    assert "/documents/received/" in page


def test_a_withdrawn_preview_takes_no_serial(county):
    from oversight.documents.models import SerialCounter

    county.role_admin.save()
    client = client_for(county.admin)
    form = {
        "doc_type": DocType.SUPERVISION_SUGGESTION,
        "issuer_node": county.commission.pk,
        "recipient_unit": "Unit A",
        "title": "Draft",
        "body": "Text",
        "recipients": [county.unit_a.pk],
        "preview": "1",
    }
    page = client.post("/documents/issue/", form)
    assert page.status_code == 200 and 'data-testid="preview"' in page.content.decode()
    assert not SerialCounter.objects.exists()
    form.pop("preview")
    issued = client.post("/documents/issue/", form)
    assert issued.status_code == 302
    assert SerialCounter.objects.get().last_number == 1
    assert Receipt.objects.filter(node=county.unit_a).count() == 1
