"""Reporters' safety: identities encrypted at rest, shown only with the permission and a
reason, each viewing traced; no IP address, browser or phone number stored in plain text."""

import json
import re

import pytest
from django.apps import apps
from django.db import connection

from oversight.conftest import client_for
from oversight.ledger.models import Leaf
from oversight.public import keys
from oversight.public.models import Complaint, IdentityView

from .conftest import citizen, file_complaint

pytestmark = pytest.mark.django_db

PHONE = "13912348765"
ADDRESS = "203.0.113.77"
AGENT = "SecretPhoneBrowser/7.7"


def _everything_stored() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_it_encrypts_the_reporters_identity_at_rest(pc):
    complaint, _code = file_complaint(pc, named=True, name="王小明", phone=PHONE, contact="村东头")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_enc, phone_enc, contact_enc FROM public_complaint WHERE id = %s",
            [complaint.pk],
        )
        raw = cursor.fetchone()
    assert all(raw) and not any(PHONE in v or "王小明" in v or "村东头" in v for v in raw)
    assert keys.cipher().key_id_of(raw[1]) == "t2"  # the first configured key encrypts
    assert keys.decrypt(raw[1], context="public.Complaint.phone") == PHONE
    stored = _everything_stored()
    assert PHONE not in stored and "王小明" not in stored


def test_it_refuses_the_identity_without_the_permission(pc):
    complaint, _code = file_complaint(pc, named=True, name="王小明", phone=PHONE)
    response = client_for(pc.intake).post(
        f"/public-channel/complaints/{complaint.item_id}/identity/", {"reason": "To call back"}
    )
    assert response.status_code == 403
    page = client_for(pc.intake).get(f"/public-channel/complaints/{complaint.item_id}/")
    assert PHONE.encode() not in page.content and b"show-identity" not in page.content
    assert not IdentityView.objects.exists()


def test_it_shows_the_identity_with_the_permission_and_records_who_and_why(pc):
    complaint, _code = file_complaint(pc, named=True, name="王小明", phone=PHONE)
    client = client_for(pc.guardian)
    assert (
        client.post(
            f"/public-channel/complaints/{complaint.item_id}/identity/", {"reason": ""}
        ).status_code
        == 400
    )
    response = client.post(
        f"/public-channel/complaints/{complaint.item_id}/identity/",
        {"reason": "Return visit by phone"},
    )
    assert response.status_code == 200 and PHONE.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    view = IdentityView.objects.get()
    assert view.viewer == pc.guardian and view.reason == "Return visit by phone"
    leaf = Leaf.objects.get(action="public.identity.view")
    assert leaf.actor_id == pc.guardian.pk and "Return visit by phone" in leaf.details
    assert PHONE not in leaf.details
    # The public leaf says an identity was viewed, and nothing of who, why or which complaint.
    public = citizen().get(f"/ledger/leaf/{leaf.index}")
    assert public.status_code == 200
    fields = json.loads(public.content)
    assert set(fields) == {"v", "index", "at", "action", "target", "before", "after", "commitment"}
    assert fields["action"] == "public.identity.view"
    assert fields["target"] == {"type": "public.complaint"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", fields["at"])
    text = public.content.decode()
    assert "Return visit" not in text and complaint.reference not in text and PHONE not in text


def test_it_stores_and_logs_no_address_or_browser_of_a_submission(pc, caplog):
    caplog.set_level("DEBUG")
    client = citizen()
    meta = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS}
    page = client.get("/p/complain/", **meta)
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', page.content.decode()).group(1)
    client.post(
        "/p/complain/",
        {"content": "Fee asked.", "named": "1", "name": "王小明", "phone": PHONE, "nonce": nonce},
        **meta,
    )
    client.post(f"/p/w/{pc.point.token}/rate/", {"score": "2"}, **meta)
    client.post(f"/p/w/{pc.point.token}/style/", {"kinds": ["attitude"], "text": "Rude."}, **meta)
    client.post("/p/track/", {"code": "AAAA-BBBB-CCCC-DDDD"}, **meta)
    assert Complaint.objects.count() == 1
    stored = _everything_stored()
    for secret in (ADDRESS, AGENT, PHONE):
        assert secret not in stored
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ADDRESS not in logged and AGENT not in logged
