"""Each risk rule fires on its case and not on its near-miss, exactly once."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from oversight.integrity.models import MatterReport

from .. import rules, services
from ..models import Reminder, RiskRule
from .conftest import rule

pytestmark = pytest.mark.django_db
K = RiskRule.Kind


def test_tenure_fires_once_on_a_risky_post_held_too_long(rcounty, point):
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town1)
    rule("T1", K.TENURE, {"years": 5})
    first = services.rules_run()
    assert [(r.node, r.person.name) for r in first.fired] == [(rcounty.town1, "Leader of Town 1")]
    reminder = first.fired[0]
    assert reminder.item.kind == "risks.reminder" and reminder.item.state == "sent"
    assert reminder.item.responsible_node == rcounty.town1
    assert reminder.item.supervising_node == rcounty.commission
    assert "2020-01-01" in reminder.facts
    assert services.rules_run().fired == []  # exactly once
    assert Reminder.objects.count() == 1


def test_tenure_near_misses(rcounty, point):
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town1)
    rule("T2", K.TENURE, {"years": 7})  # held six years: within the period
    assert services.rules_run().fired == []
    rule("T3", K.TENURE, {"years": 5})
    services.assignment_add(actor=rcounty.supervisor, point=point, node=rcounty.town2)
    point.level = "medium"
    point.save()  # a medium point does not reach the rule's floor
    assert services.rules_run().fired == []


def test_tenure_post_title_must_match(rcounty, point):
    services.assignment_add(
        actor=rcounty.supervisor, point=point, node=rcounty.town1, post="Treasurer"
    )
    rule("T4", K.TENURE, {"years": 5})
    assert services.rules_run().fired == []


def test_report_missing_after_the_due_date_only(rcounty, today):
    rule("M1", K.REPORT_MISSING, {"due_month": 3, "due_day": 31})
    assert services.rules_run().fired == []  # 2 March: not yet due
    today(datetime.date(2026, 4, 1))
    fired = services.rules_run().fired
    assert [r.person.name for r in fired] == ["Leader of Town 1"]
    assert services.rules_run().fired == []


def test_report_filed_is_the_near_miss(rcounty, today):
    MatterReport.objects.create(
        person=rcounty.town1_leader.person,
        kind="yearly",
        year=2025,
        submitted_on=datetime.date(2026, 1, 20),
    )
    rule("M2", K.REPORT_MISSING, {})
    today(datetime.date(2026, 4, 1))
    assert services.rules_run().fired == []


def test_festival_reminds_each_unit_once_before_a_holiday(rcounty, today):
    rule("F1", K.FESTIVAL, {"days_ahead": 7, "unit_types": ["town"]})
    today(datetime.date(2026, 4, 20))  # Labour Day begins on 1 May: beyond a week
    assert services.rules_run().fired == []
    today(datetime.date(2026, 4, 28))
    fired = services.rules_run().fired
    assert sorted(r.node.name for r in fired) == ["Town 1", "Town 2"]
    assert all("2026-05-01" in r.facts for r in fired)
    today(datetime.date(2026, 4, 29))
    assert services.rules_run().fired == []


def test_measure_threshold_fires_per_unit_and_period(rcounty):
    person = rcounty.town1_leader.person
    rule("Q1", K.MEASURE, {"measure": "risks.talks", "threshold": 2, "unit_types": ["town"]})
    for n in range(1, 3):
        services.talk_record(
            actor=rcounty.supervisor,
            person=person,
            held_on=datetime.date(2026, 3, n),
            talker="Secretary Wang",
            summary="About the funds",
        )
        fired = services.rules_run().fired
        assert [r.node for r in fired] == ([rcounty.town1] if n == 2 else [])
    assert services.rules_run().fired == []


def test_a_broken_rule_is_named_and_the_others_run(rcounty):
    rule("B1", K.MEASURE, {"measure": "no.such"})
    RiskRule.objects.create(
        code="B2", name="b", kind=K.FESTIVAL, params={"days_ahead": 1}, level="low"
    )
    report = services.rules_run()
    assert "B1" in report.failed and report.rules == 2


@pytest.mark.parametrize(
    "kind,params,field",
    [
        (K.MEASURE, {"measure": "no.such"}, "measure"),
        (K.MEASURE, {"measure": "risks.talks", "period": "week"}, "period"),
        (K.MEASURE, {"measure": "risks.talks", "threshold": 0}, "threshold"),
        (K.TENURE, {"years": "five"}, "years"),
        (K.TENURE, {"colour": 1}, "colour"),
        (K.FESTIVAL, {"unit_types": ["planet"]}, "unit_types"),
        (K.REPORT_MISSING, {"due_month": 2, "due_day": 30}, "due_day"),
    ],
)
def test_bad_parameters_are_named(kind, params, field, db):
    with pytest.raises(ValidationError) as exc:
        rules.clean_params(kind, params)
    assert exc.value.message_dict["params"][0].startswith(field)


def test_the_default_rules_are_valid(db):
    defaults = RiskRule.objects.order_by("code")
    assert defaults.count() == 6
    for r in defaults:
        rules.clean_params(r.kind, r.params)


def _warning(unit, subject_id, n):
    from oversight.analytics.models import Warning

    return Warning.objects.create(
        model_id="vendor_employee_link",
        fingerprint=f"fp{n}",
        subject_id=subject_id,
        subject_name=f"subject {n}",
        unit=unit,
        severity="red",
        match_method="exact",
    )


def test_model_hit_on_a_relative_of_a_cadre_of_the_unit(rcounty):
    from oversight.integrity.models import Relative

    leader = rcounty.town1_leader.person
    Relative.objects.create(
        person=leader, relation="spouse", name="Spouse", resident_id="110101199003070011"
    )
    rule("H1", K.MODEL_HIT, {"models": ["vendor_employee_link"]}, level="high")
    _warning(rcounty.town2, "110101199003070011", 1)  # near miss: another unit's vendor
    assert services.rules_run().fired == []
    _warning(rcounty.town1, "110101199003070011", 2)
    fired = services.rules_run().fired
    assert [(r.person, r.node) for r in fired] == [(leader, rcounty.town1)]
    assert "Spouse" in fired[0].facts
    assert services.rules_run().fired == []


def test_model_hit_on_the_cadre_and_not_on_a_dismissed_warning(rcounty):
    from oversight.analytics.models import Warning

    cadre = rcounty.p_cadre
    rule("H2", K.MODEL_HIT, {})
    dismissed = _warning(rcounty.unit_a, cadre.resident_id, 3)
    Warning.objects.filter(pk=dismissed.pk).update(
        status="dismissed", dismissal_reason="a namesake"
    )
    assert services.rules_run().fired == []
    _warning(rcounty.unit_a, cadre.resident_id, 4)
    assert [r.person for r in services.rules_run().fired] == [cadre]
