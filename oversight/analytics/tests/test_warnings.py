"""Warnings: filters, evidence side by side, dismissal with a reason, the scope of a town
officer (list, detail, export, evidence), and the per-model figures."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from oversight.analytics import selectors, services
from oversight.analytics.models import Warning
from oversight.conftest import client_for
from oversight.ledger.models import Leaf

from .conftest import DEAD_TOWN1, DEAD_TOWN2, refusal_codes


@pytest.fixture
def warnings(loaded, run_models):
    run_models(loaded.county.supervisor)
    county = loaded.county
    county.w1 = Warning.objects.get(subject_id=DEAD_TOWN1)
    county.w2 = Warning.objects.get(subject_id=DEAD_TOWN2)
    return county


def test_it_reads_the_evidence_rows_from_the_workspace(warnings):
    tables = {t.dataset: t for t in selectors.evidence_tables(warning=warnings.w1)}
    assert set(tables) == {"deaths", "benefit_payments"}
    deaths = tables["deaths"]
    assert [r["resident_id"] for r in deaths.records] == [DEAD_TOWN1]
    assert deaths.records[0]["death_date"] == "2024-03-15"
    payments = tables["benefit_payments"]
    assert sorted(r["payment_id"] for r in payments.records) == ["PAY-2", "PAY-3"]
    assert payments.missing == []
    labels = [line[0] for line in payments.lines]
    assert len(labels) == len(payments.fields) and all(len(line[2]) == 2 for line in payments.lines)


def test_it_filters_warnings(warnings):
    supervisor = warnings.supervisor

    def ids(**f):
        return set(selectors.warning_list(viewer=supervisor, filters=selectors.WarningFilters(**f)))

    assert ids() == {warnings.w1, warnings.w2}
    assert ids(area="Town 2") == {warnings.w2}
    assert ids(unit=warnings.town1) == {warnings.w1}
    assert ids(model_id="deceased_paid", severity="yellow") == {warnings.w1, warnings.w2}
    assert ids(model_id="duplicate_payment") == set()
    assert ids(search="张一") == {warnings.w1}
    services.warning_dismiss(warning=warnings.w2, actor=supervisor, reason="Paid back")
    assert ids(status="dismissed") == {warnings.w2}


def test_it_filters_through_the_page(warnings):
    client = client_for(warnings.supervisor)
    response = client.get("/analytics/", {"area": "Town 1", "severity": "yellow"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [warnings.w1]


def test_dismissing_needs_a_reason(warnings):
    with pytest.raises(ValidationError) as error:
        services.warning_dismiss(warning=warnings.w1, actor=warnings.supervisor, reason="  ")
    assert refusal_codes(error.value) == {"reason:required"}
    warnings.w1.refresh_from_db()
    assert warnings.w1.status == Warning.Status.NEW
    response = client_for(warnings.supervisor).post(
        f"/analytics/warnings/{warnings.w1.pk}/dismiss/", {"reason": ""}
    )
    assert response.status_code == 400 and response.context["dismiss_form"].errors["reason"]
    response = client_for(warnings.supervisor).post(
        f"/analytics/warnings/{warnings.w1.pk}/dismiss/", {"reason": "The family repaid it"}
    )
    assert response.status_code == 302
    warnings.w1.refresh_from_db()
    assert warnings.w1.status == Warning.Status.DISMISSED
    assert warnings.w1.dismissal_reason == "The family repaid it"
    with pytest.raises(ValidationError) as error:
        services.warning_dismiss(warning=warnings.w1, actor=warnings.supervisor, reason="again")
    assert refusal_codes(error.value) == {"warning_decided"}


def test_it_counts_hits_confirmed_dismissed_and_precision_per_model(warnings):
    supervisor = warnings.supervisor
    assert selectors.model_stats(viewer=supervisor)["deceased_paid"].precision is None
    services.warning_dismiss(warning=warnings.w2, actor=supervisor, reason="Paid back")
    services.warning_to_clue(
        warning=warnings.w1, actor=supervisor, responsible_node=warnings.commission
    )
    stats = selectors.model_stats(viewer=supervisor)["deceased_paid"]
    assert (stats.hits, stats.confirmed, stats.dismissed, stats.open) == (2, 1, 1, 0)
    assert stats.precision == 0.5 and stats.precision_percent == 50
    page = client_for(supervisor).get("/analytics/models/deceased_paid/")
    assert page.context["stats"].precision_percent == 50


def test_it_shows_the_warning_with_its_evidence_and_how_it_matched(warnings):
    client = client_for(warnings.supervisor)
    before = Leaf.objects.count()
    response = client.get(f"/analytics/warnings/{warnings.w1.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-dataset="deaths"' in content and 'data-dataset="benefit_payments"' in content
    assert "PAY-3" in content and "resident_id" in content
    assert response.context["can_dispose"] is True
    assert Leaf.objects.count() == before + 1  # who looked at personal data is on the ledger
    evidence = client.get(f"/analytics/warnings/{warnings.w1.pk}/evidence/")
    assert evidence.status_code == 200 and "PAY-2" in evidence.content.decode()


def test_a_town_officer_sees_only_the_warnings_of_the_town(warnings):
    officer = warnings.town1_officer
    assert set(selectors.warning_list(viewer=officer)) == {warnings.w1}
    client = client_for(officer)
    listing = client.get("/analytics/")
    assert list(listing.context["page"]) == [warnings.w1]
    assert [a for a in listing.context["form"].fields["area"].choices if a[0]] == [
        ("Town 1", "Town 1")
    ]
    assert client.get(f"/analytics/warnings/{warnings.w1.pk}/").status_code == 200
    assert client.get(f"/analytics/warnings/{warnings.w2.pk}/").status_code == 404
    assert client.get(f"/analytics/warnings/{warnings.w2.pk}/evidence/").status_code == 404
    assert client.post(
        f"/analytics/warnings/{warnings.w2.pk}/dismiss/", {"reason": "x"}
    ).status_code == 403  # fmt: skip
    export = client.get("/analytics/warnings/export/")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [warnings.w1.pk]
    assert "********" in rows[0][4]
    # The other town sees the other warning, and the supervisor both.
    assert set(selectors.warning_list(viewer=warnings.town2_officer)) == {warnings.w2}
    export = client_for(warnings.supervisor).get("/analytics/warnings/export/?severity=yellow")
    assert load_workbook(BytesIO(export.content)).active.max_row == 3


def test_a_warning_of_an_unknown_unit_is_seen_only_with_the_whole_scope(warnings):
    Warning.objects.filter(pk=warnings.w1.pk).update(unit=None)
    assert set(selectors.warning_list(viewer=warnings.town1_officer)) == set()
    assert warnings.w1 in set(selectors.warning_list(viewer=warnings.supervisor))


def test_a_person_without_the_function_sees_no_warning_page(warnings):
    assert client_for(warnings.clerk).get("/analytics/").status_code == 403
    assert client_for(warnings.clerk).get("/analytics/warnings/export/").status_code == 403


# --- batch dismissal ----------------------------------------------------------------------


def test_batch_dismissal_dismisses_each_chosen_warning_with_its_own_ledger_leaf(warnings):
    supervisor = warnings.supervisor
    before = Leaf.objects.filter(action="analytics.warning.dismiss").count()
    count = services.warnings_dismiss(
        warnings=[warnings.w1, warnings.w2, warnings.w1], actor=supervisor, reason="Repaid"
    )
    assert count == 2
    for warning in (warnings.w1, warnings.w2):
        warning.refresh_from_db()
        assert (warning.status, warning.dismissal_reason) == (Warning.Status.DISMISSED, "Repaid")
        assert warning.decided_by == supervisor
    leaves = Leaf.objects.filter(action="analytics.warning.dismiss")
    assert leaves.count() == before + 2
    assert set(leaves.values_list("target_id", flat=True)) >= {
        str(warnings.w1.pk),
        str(warnings.w2.pk),
    }


def test_batch_dismissal_is_all_or_none_and_its_refusals_are_coded(warnings):
    supervisor = warnings.supervisor
    services.warning_dismiss(warning=warnings.w2, actor=supervisor, reason="Paid back")
    with pytest.raises(ValidationError) as error:
        services.warnings_dismiss(
            warnings=[warnings.w1, warnings.w2], actor=supervisor, reason="Repaid"
        )
    assert refusal_codes(error.value) == {"warning_decided"}
    assert str(warnings.w2.pk) in error.value.messages[0]
    warnings.w1.refresh_from_db()
    assert warnings.w1.status == Warning.Status.NEW  # nothing half-written
    with pytest.raises(ValidationError) as error:
        services.warnings_dismiss(warnings=[warnings.w1], actor=supervisor, reason=" ")
    assert refusal_codes(error.value) == {"reason:required"}
    with pytest.raises(ValidationError) as error:
        services.warnings_dismiss(warnings=[], actor=supervisor, reason="x")
    assert refusal_codes(error.value) == {"none_chosen"}


def test_batch_dismissal_through_the_list(warnings):
    client = client_for(warnings.supervisor)
    listing = client.get("/analytics/")
    html = listing.content.decode()
    assert 'form="bulk-dismiss"' in html and "data-confirm" in html
    back = "/analytics/?severity=yellow"
    response = client.post(
        "/analytics/warnings/dismiss/",
        {"warnings": [warnings.w1.pk, warnings.w2.pk], "reason": "", "next": back},
    )
    assert response.status_code == 302 and response.url == back
    assert Warning.objects.filter(status=Warning.Status.NEW).count() == 2  # no reason: nothing
    response = client.post(
        "/analytics/warnings/dismiss/",
        {"warnings": [warnings.w1.pk, warnings.w2.pk], "reason": "Repaid", "next": back},
    )
    assert response.status_code == 302
    assert Warning.objects.filter(status=Warning.Status.DISMISSED).count() == 2
    # a decided warning can no longer be chosen on the list
    listing = client.get("/analytics/")
    assert f'value="{warnings.w1.pk}" form="bulk-dismiss"' in listing.content.decode()
    assert listing.content.decode().count(" disabled>") >= 2


def test_batch_dismissal_outside_the_scope_dismisses_nothing(warnings):
    town = warnings.role_town
    town.permissions = sorted({*town.permissions, "analytics:warning:dispose"})
    town.save()
    officer = warnings.town1_officer
    officer.__dict__.pop("_perm_codes", None)
    client = client_for(officer)
    response = client.post(
        "/analytics/warnings/dismiss/",
        {"warnings": [warnings.w1.pk, warnings.w2.pk], "reason": "Repaid"},
    )
    assert response.status_code == 404
    assert Warning.objects.filter(status=Warning.Status.NEW).count() == 2
    # without the function: refused before anything is read
    response = client_for(warnings.clerk).post(
        "/analytics/warnings/dismiss/", {"warnings": [warnings.w1.pk], "reason": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.warnings_dismiss(warnings=[warnings.w1], actor=warnings.clerk, reason="x")
