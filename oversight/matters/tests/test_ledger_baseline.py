"""The baseline of a database upgraded from before traced rows existed: one leaf per traced
row without one, recorded as such; refused while the check finds any other mismatch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from oversight.ledger import services
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger
from oversight.orgs.models import Role

pytestmark = pytest.mark.django_db


def test_it_records_the_rows_without_a_leaf_and_then_verifies_clean(loop_county):
    role = Role.objects.create(key="spare", name="Spare")  # no service: no leaf
    Leaf.objects.filter(target_type="orgs.role", target_id=str(loop_county.role_town.pk)).update(
        after_state=None
    )  # a leaf from before traced rows: it keeps no state
    Role.objects.filter(pk=loop_county.role_town.pk).update(name="Town officers (renamed)")
    before = {(m.table, m.row) for m in verify_ledger().mismatches}
    assert {("orgs_role", str(role.pk)), ("orgs_role", str(loop_county.role_town.pk))} <= before
    count = services.record_baseline(actor=loop_county.admin)
    assert count == len(before)
    assert verify_ledger().ok
    leaf = Leaf.objects.get(target_type="orgs.role", target_id=str(role.pk))
    assert leaf.action == services.BASELINE_ACTION and leaf.actor_id == loop_county.admin.pk
    assert services.record_baseline(actor=loop_county.admin) == 0  # nothing left to settle


def test_it_refuses_while_another_mismatch_is_found(loop_county):
    Role.objects.create(key="spare", name="Spare")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_role SET data_scope = %s WHERE id = %s", ["all", loop_county.role_town.pk]
        )
    count = Leaf.objects.count()
    with pytest.raises(ValidationError) as error:
        services.record_baseline(actor=loop_county.admin)
    assert error.value.code == "ledger_mismatch"
    assert Leaf.objects.count() == count
    with translation.override("en"), pytest.raises(CommandError, match="other mismatches"):
        call_command("ledger_baseline", actor=loop_county.admin.username)
