"""Records of integrity files: relatives (entered and imported, bad IDs named row by row),
sanctions and their influence periods on the edge dates, personal-matter reports; every row
traced."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from oversight.conftest import client_for, make_resident_id
from oversight.integrity import rules, services
from oversight.integrity.models import MatterReport, Relative, Sanction
from oversight.ledger.tests.traced import assert_every_column_edit_named
from oversight.ledger.verify import verify_ledger
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_relative_with_a_bad_id_is_refused_by_field(icounty):
    c = icounty
    with pytest.raises(ValidationError) as exc:
        services.relative_add(
            actor=c.supervisor,
            person=c.p_town1,
            relation="spouse",
            name="Wang",
            resident_id="110101199003071234",
        )
    assert exc.value.error_dict["resident_id"][0].code == "invalid"
    assert not Relative.objects.exists()


def test_a_relative_who_is_a_person_of_the_platform_is_linked(icounty):
    c = icounty
    relative = services.relative_add(
        actor=c.supervisor,
        person=c.p_town1,
        relation="sibling",
        name="whatever the form said",
        resident_id=c.p_town2.resident_id,
    )
    assert relative.relative_person == c.p_town2
    with pytest.raises(ValidationError) as exc:
        services.relative_add(
            actor=c.supervisor,
            person=c.p_town1,
            relation="sibling",
            name="again",
            resident_id=c.p_town2.resident_id,
        )
    assert exc.value.error_dict["resident_id"][0].code == "exists"


def test_only_officers_with_the_permission_in_scope_write(icounty):
    c = icounty
    for actor in (c.town1_officer, c.cadre):
        with pytest.raises(PermissionDenied):
            services.relative_add(actor=actor, person=c.p_town1, relation="spouse", name="Wang")


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["cadre_id", "relation", "name", "resident_id", "workplace", "note"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("relatives.xlsx", buffer.getvalue())


def test_an_import_with_bad_rows_names_each_and_writes_nothing(icounty):
    c = icounty
    good = make_resident_id(D(1985, 1, 2))
    upload = _sheet(
        [
            [c.p_town1.resident_id, "spouse", "Wang", good, "", ""],
            [c.p_town1.resident_id, "配偶", "Li", "110101199003071234", "", ""],
            ["12345", "child", "Zhao", "", "", ""],
            [c.p_town1.resident_id, "cousin", "Sun", "", "", ""],
            [make_resident_id(D(1970, 3, 3)), "child", "Qian", "", "", ""],
        ]
    )
    response = client_for(c.supervisor).post(
        reverse("integrity:relatives_import"), {"file": upload}
    )
    assert response.status_code == 400
    text = response.content.decode()
    for row in (3, 4, 5, 6):
        assert f"第 {row} 行" in text
    assert "第 2 行" not in text
    assert not Relative.objects.exists()


def test_an_import_of_good_rows_adds_them_in_either_language(icounty):
    c = icounty
    rows = [
        {"_row": 2, "cadre_id": c.p_town1.resident_id, "relation": "配偶", "name": "Wang"},
        {"_row": 3, "cadre_id": c.p_town2.resident_id, "relation": "Child", "name": "Li"},
    ]
    assert services.relatives_import(actor=c.supervisor, rows=rows) == 2
    assert sorted(Relative.objects.values_list("relation", flat=True)) == ["child", "spouse"]


def test_an_import_refuses_cadres_outside_the_scope(icounty):
    c = icounty
    grant_permissions({"town": ["integrity:file:edit"]})
    c.town2_officer.__dict__.pop("_perm_codes", None)
    rows = [{"_row": 2, "cadre_id": c.p_town1.resident_id, "relation": "spouse", "name": "W"}]
    with pytest.raises(ValidationError) as exc:
        services.relatives_import(actor=c.town2_officer, rows=rows)
    assert "第 2 行" in exc.value.messages[0]
    assert exc.value.error_dict["file"][0].code == "row"


EDGES = [
    # kind, decided on, first day it no longer weighs
    ("party_warning", D(2025, 3, 10), D(2026, 3, 10)),
    ("party_serious_warning", D(2024, 9, 10), D(2026, 3, 10)),
    ("party_post_removal", D(2024, 3, 10), D(2026, 3, 10)),
    ("party_expulsion", D(2021, 3, 10), D(2026, 3, 10)),
    ("admin_warning", D(2025, 9, 10), D(2026, 3, 10)),
    ("admin_demerit", D(2025, 3, 10), D(2026, 3, 10)),
    ("admin_major_demerit", D(2024, 9, 10), D(2026, 3, 10)),
    ("admin_demotion", D(2024, 3, 10), D(2026, 3, 10)),
    ("admin_dismissal", D(2024, 3, 10), D(2026, 3, 10)),
]


@pytest.mark.parametrize(("kind", "decided", "ends"), EDGES)
def test_each_sanction_weighs_until_the_day_before_its_period_ends(kind, decided, ends):
    sanction = Sanction(kind=kind, decided_on=decided)
    assert rules.influence_ends(sanction) == ends
    assert rules.in_influence(sanction, ends - datetime.timedelta(days=1))
    assert not rules.in_influence(sanction, ends)
    assert not rules.in_influence(sanction, decided - datetime.timedelta(days=1))


@pytest.mark.parametrize(("months", "ends"), [(12, D(2026, 3, 10)), (24, D(2027, 3, 10))])
def test_probation_adds_its_length_to_the_two_years(months, ends):
    sanction = Sanction(kind="party_probation", decided_on=D(2023, 3, 10), probation_months=months)
    assert rules.influence_ends(sanction) == ends
    assert rules.in_influence(sanction, ends - datetime.timedelta(days=1))
    assert not rules.in_influence(sanction, ends)


def test_month_ends_are_kept_within_the_month():
    assert rules.add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert rules.add_months(D(2023, 2, 28), 12) == D(2024, 2, 28)


def test_a_sanction_is_refused_with_its_fields_named(icounty):
    c = icounty
    with pytest.raises(ValidationError) as exc:
        services.sanction_add(
            actor=c.supervisor,
            person=c.p_town1,
            kind="party_probation",
            decided_on=D(2026, 3, 3),
            authority="",
            summary="",
        )
    codes = {k: v[0].code for k, v in exc.value.error_dict.items()}
    assert codes == {
        "decided_on": "future",
        "authority": "required",
        "summary": "required",
        "probation_months": "invalid",
    }
    assert not Sanction.objects.exists()


def test_a_cadre_submits_their_yearly_report_once(icounty):
    c = icounty
    report = services.matter_report_submit(
        actor=c.cadre,
        person=c.p_cadre,
        kind="yearly",
        year=2025,
        entries=[("housing", "One flat, 90 m²"), ("salary", "as paid"), ("marriage", "")],
    )
    assert sorted(report.entries.values_list("item", flat=True)) == ["housing", "salary"]
    with pytest.raises(ValidationError) as exc:
        services.matter_report_submit(
            actor=c.cadre, person=c.p_cadre, kind="yearly", year=2025, entries=[("salary", "x")]
        )
    assert exc.value.error_dict["year"][0].code == "exists"
    with pytest.raises(PermissionDenied):
        services.matter_report_submit(
            actor=c.cadre, person=c.p_unit_a, kind="yearly", year=2025, entries=[("salary", "x")]
        )
    assert MatterReport.objects.count() == 1


def test_the_file_page_adds_a_sanction_and_answers_bad_input(icounty):
    c = icounty
    client = client_for(c.supervisor)
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="review")
    url = reverse("integrity:sanction_add", args=[view.pk])
    bad = client.post(url, {"kind": "party_warning", "decided_on": "2025-13-01"})
    assert bad.status_code == 400
    assert 'data-field="decided_on"' in bad.content.decode()
    good = client.post(
        url,
        {
            "kind": "party_warning",
            "decided_on": "2025-05-06",
            "authority": "County commission",
            "summary": "Banquet at public expense",
        },
    )
    assert good.status_code == 302
    page = client.get(reverse("integrity:file_detail", args=[view.pk])).content.decode()
    assert "Banquet at public expense" in page


def test_every_record_is_traced(icounty):
    c = icounty
    relative = services.relative_add(
        actor=c.supervisor,
        person=c.p_town1,
        relation="spouse",
        name="Wang",
        resident_id=make_resident_id(D(1983, 4, 5)),
    )
    sanction = services.sanction_add(
        actor=c.supervisor,
        person=c.p_town1,
        kind="admin_demerit",
        decided_on=D(2025, 5, 6),
        authority="County",
        summary="Facts",
    )
    report = services.matter_report_submit(
        actor=c.cadre, person=c.p_cadre, kind="change", year=2026, entries=[("housing", "flat")]
    )
    view = services.file_open(actor=c.supervisor, person=c.p_town1, reason="review")
    assert verify_ledger().ok
    for model, row in [
        (Relative, relative),
        (Sanction, sanction),
        (MatterReport, report),
        (type(view), view),
        (type(report.entries.get()), report.entries.get()),
    ]:
        assert assert_every_column_edit_named(model, row)
    services.relative_remove(actor=c.supervisor, relative=relative, reason="entered twice")
    assert verify_ledger().ok
