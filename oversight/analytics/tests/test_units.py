"""Units of warnings: a warning whose unit nothing resolves is never lost: it is listed for the
county's officers, who assign it (keeping the choice as a rule they see and correct), and from
then on the town's officers see it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.analytics import bridge, selectors, services
from oversight.analytics.models import UnitRule, Warning
from oversight.conftest import client_for

from .conftest import DEAD_TOWN1, DEAD_TOWN2, refusal_codes


@pytest.fixture
def unresolved(loaded, run_models):
    """Two warnings: one names 二村, which no org unit is called; one names no unit at all."""
    run_models(loaded.county.supervisor)
    Warning.objects.filter(subject_id=DEAD_TOWN2).update(unit=None, unit_name="二村", area="")
    Warning.objects.filter(subject_id=DEAD_TOWN1).update(unit=None, unit_name="", area="")
    return loaded.county


def town2_sees(county) -> set[str]:
    return {w.subject_id for w in selectors.warning_list(viewer=county.town2_officer)}


def test_unresolved_warnings_are_listed_for_the_county_and_assigned_by_rule(unresolved):
    county = unresolved
    assert town2_sees(county) == set()
    client = client_for(county.supervisor)
    page = client.get("/analytics/units/")
    assert page.status_code == 200
    assert [r["unit_name"] for r in page.context["unresolved"]] == ["二村"]
    assert [w.subject_id for w in page.context["unnamed"]] == [DEAD_TOWN1]

    response = client.post("/analytics/units/assign/", {"text": "二村", "node": county.town2.pk})
    assert response.status_code == 302
    warning = Warning.objects.get(subject_id=DEAD_TOWN2)
    assert warning.unit == county.town2 and warning.area == "Town 2"
    assert town2_sees(county) == {DEAD_TOWN2}
    assert bridge.UnitResolver().resolve("二村") == county.town2
    assert client.get("/analytics/units/").context["unresolved"] == []

    # The rule is corrected: undecided warnings follow; removing it lists them again.
    rule = UnitRule.objects.get(text="二村")
    services.unit_rule_save(actor=county.supervisor, text="二村", node=county.village2a)
    warning.refresh_from_db()
    assert warning.unit == county.village2a and warning.area == "Town 2"
    assert client.post(f"/analytics/units/rules/{rule.pk}/delete/").status_code == 302
    warning.refresh_from_db()
    assert warning.unit is None and not UnitRule.objects.exists()
    assert town2_sees(county) == set()


def test_a_warning_naming_no_unit_is_assigned_by_itself(unresolved):
    county = unresolved
    warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    response = client_for(county.supervisor).post(
        f"/analytics/units/warnings/{warning.pk}/", {"node": county.town1.pk}
    )
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.unit == county.town1 and not UnitRule.objects.exists()
    assert warning.pk in {w.pk for w in selectors.warning_list(viewer=county.town1_officer)}


def test_only_the_county_assigns_units(unresolved):
    county = unresolved
    town = county.town2_officer
    assert client_for(town).get("/analytics/units/").status_code == 403
    assert (
        client_for(town).post("/analytics/units/assign/", {"text": "二村", "node": county.town2.pk})
    ).status_code == 403
    with pytest.raises(PermissionDenied):
        services.unit_rule_save(actor=town, text="二村", node=county.town2)
    warning = Warning.objects.get(subject_id=DEAD_TOWN2)
    with pytest.raises(PermissionDenied):
        services.warning_assign_unit(actor=town, warning=warning, node=county.town2)
    with pytest.raises(ValidationError) as error:
        services.unit_rule_save(actor=county.supervisor, text="  ", node=county.town2)
    assert refusal_codes(error.value) == {"text:required"}
    assert Warning.objects.get(pk=warning.pk).unit is None
