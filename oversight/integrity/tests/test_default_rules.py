"""The opinion rule table survives a flush: reference data a migration filled is restored."""

import pytest
from django.core.management import call_command

from oversight.integrity.apps import DEFAULT_RULES
from oversight.integrity.models import OpinionRule


@pytest.mark.django_db(transaction=True)
def test_a_flush_restores_the_default_rules_and_an_edited_table_is_kept():
    call_command("flush", interactive=False, verbosity=0)
    assert sorted(OpinionRule.objects.values_list("code", flat=True)) == [
        code for code, *_ in DEFAULT_RULES
    ]
    veto = OpinionRule.objects.get(code="R1")
    assert (veto.condition, veto.effect, veto.purposes) == (
        "sanction_in_period",
        "veto",
        ["promotion", "award"],
    )
    # an administrator's table is never rewritten by a later migrate
    OpinionRule.objects.exclude(code="R1").delete()
    veto.active = False
    veto.save()
    call_command("migrate", verbosity=0)
    assert list(OpinionRule.objects.values_list("code", "active")) == [("R1", False)]
