"""Complaints are traced rows, the reporter's identity with them: every column edited with SQL
behind the platform's back is named, identities swapped between two complaints are named on
both, and neither the identity nor its tokens reach a leaf's public bytes."""

from __future__ import annotations

import pytest
from django.db import connection

from oversight.ledger.models import Leaf
from oversight.ledger.tests.traced import assert_every_column_edit_named
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.public import services as public
from oversight.public.models import Complaint

from .conftest import file_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaints(pc):
    first, _code = file_complaint(pc, named=True, name="张三", phone="13900000001")
    second, _code = file_complaint(
        pc, named=True, name="李四", phone="13900000002", subject_node=pc.village1b
    )
    for name, actor, comment in [
        ("accept", pc.intake, ""),
        ("route", pc.intake, ""),
        ("handle", pc.town1_officer, "x"),
        ("draft", pc.town1_officer, "Refunded."),
    ]:
        loop.item_transition(item=first.item, name=name, actor=actor, comment=comment)
    loop.item_transition(item=first.item, name="approve", actor=pc.intake, data={"publish": True})
    public.citizen_rate(complaint=first, satisfied=True)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_every_column_edited_with_sql_is_named(complaints):
    first, _second = complaints
    edited = assert_every_column_edit_named(Complaint, first, skipped=("announced",))
    assert {"name_enc", "phone_enc", "tracking_hash", "reply", "unit"} <= set(edited)


def test_identities_swapped_between_two_complaints_are_named_on_both(complaints):
    first, second = complaints
    assert verify_ledger().ok
    with connection.cursor() as cursor:
        for mine, theirs in ((first, second), (second, first)):
            cursor.execute(
                "UPDATE public_complaint SET name_enc = %s, phone_enc = %s WHERE id = %s",
                [theirs.name_enc, theirs.phone_enc, mine.pk],
            )
    found = {m.row: m.message for m in verify_ledger().mismatches if m.table == "public_complaint"}
    assert "name_enc" in found[str(first.pk)] and "phone_enc" in found[str(second.pk)]


def test_the_identity_stays_out_of_the_public_bytes(complaints):
    first, _second = complaints
    leaves = Leaf.objects.filter(target_type="public.complaint", target_id=str(first.pk))
    assert leaves.count() >= 5  # submitted, routed, drafted, replied, rated
    for leaf in leaves:
        data = bytes(leaf.data)
        for secret in ("张三", "13900000001", first.name_enc, first.phone_enc):
            assert secret.encode() not in data
        assert first.name_enc in (leaf.after_state or first.name_enc)  # kept in the row only


def test_re_encrypting_under_a_new_key_records_each_complaint(complaints, settings):
    from oversight.public import keys

    first, second = complaints
    settings.PUBLIC_IDENTITY_KEYS = "t3:" + "44" * 32 + "," + settings.PUBLIC_IDENTITY_KEYS
    keys._load.cache_clear()
    try:
        assert public.identity_reencrypt() == 2
        rows = Leaf.objects.filter(action="public.complaint.reencrypt")
        assert set(rows.values_list("target_id", flat=True)) == {str(first.pk), str(second.pk)}
        found = [m for m in verify_ledger().mismatches if m.table == "public_complaint"]
        assert found == []
    finally:
        keys._load.cache_clear()
