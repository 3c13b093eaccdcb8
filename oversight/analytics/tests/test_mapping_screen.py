"""The mapping screen: a clerk uploads a file as the department handed it over, sees its first
rows with its own headers and a suggested mapping, maps what is missing to a constant, the row
number, a value chosen on upload or a derivation, is told every problem before the import starts,
and finds the mapping saved for the source's next file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.analytics import services
from oversight.analytics.models import ImportRun
from oversight.conftest import client_for

from .conftest import csv_bytes, person_id, refusal_codes

ROWS = [
    {"序号": "1", "姓　名": "张一", "公民身份证号码": person_id(1), "发放金额（元）": "５２０",
     "发放日期": "2024年3月5日", "所属乡镇": "Town 1"},
    {"序号": "2", "姓　名": "李二", "公民身份证号码": person_id(2), "发放金额（元）": "480.00",
     "发放日期": "2024/03/06", "所属乡镇": "Town 2"},
]  # fmt: skip


@pytest.fixture
def waiting(county_a, source_of):
    """A payment file of one program, uploaded and waiting for its mapping."""
    source = source_of("subsistence", "benefit_payments")
    client = client_for(county_a.supervisor)
    response = client.post(
        f"/analytics/sources/{source.pk}/upload/",
        {"file": SimpleUploadedFile("低保3月.csv", csv_bytes(ROWS))},
    )
    run = ImportRun.objects.get()
    assert response["Location"] == f"/analytics/imports/{run.pk}/mapping/"
    return county_a, source, client, run


def answer(form: dict, **changes) -> dict:
    """The form's data as the page proposes it, with ``changes``."""
    return {**form, **changes}


def proposed(response) -> dict:
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    return data


def test_it_previews_the_file_and_suggests_a_mapping(waiting):
    _county, _source, client, run = waiting
    response = client.get(f"/analytics/imports/{run.pk}/mapping/")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.headers == [
        "序号",
        "姓　名",
        "公民身份证号码",
        "发放金额（元）",
        "发放日期",
        "所属乡镇",
    ]
    assert preview.rows[0][1] == "张一"
    data = proposed(response)
    assert (data["resident_id"], data["col__resident_id"]) == ("column", "公民身份证号码")
    assert (data["amount"], data["col__amount"]) == ("column", "发放金额（元）")
    assert (data["pay_date"], data["col__pay_date"]) == ("column", "发放日期")
    assert data["program_code"] == "" and data["period"] == ""
    # An import page of a file waiting for its mapping leads to the mapping.
    assert client.get(f"/analytics/imports/{run.pk}/")["Location"].endswith("/mapping/")


def test_it_names_every_problem_before_the_import_starts(waiting):
    _county, _source, client, run = waiting
    data = proposed(client.get(f"/analytics/imports/{run.pk}/mapping/"))
    data.update({"name": "column", "col__name": "公民身份证号码", "payment_id": "upload_period"})
    response = client.post(f"/analytics/imports/{run.pk}/mapping/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"program_code", "period", "name", "upload_period"}
    assert "必填" in " ".join(errors["program_code"]) or "required" in " ".join(
        errors["program_code"]
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.MAPPING and not run.mapping


def test_it_imports_with_the_mapping_and_saves_it_for_the_next_file(
    waiting, django_capture_on_commit_callbacks
):
    county, source, client, run = waiting
    data = proposed(client.get(f"/analytics/imports/{run.pk}/mapping/"))
    data.update({
        "program_code": "upload_program", "upload_program": "P06",
        "period": "date_period", "col__period": "发放日期",
        "village": "concat", "col__village": "所属乡镇", "col2__village": "序号",
        "upload_unit": county.town1.pk,
        "coverage_areas": [county.town1.pk], "coverage_from": "2024-03", "coverage_to": "2024-03",
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/analytics/imports/{run.pk}/mapping/", data)
    assert response.status_code == 302, response.context["form"].errors
    run.refresh_from_db()
    assert run.status == ImportRun.Status.STAGED, run.message
    assert (run.total_rows, run.accepted_rows) == (2, 2)
    assert run.upload_values == {"program": "P06", "unit": "Town 1", "period": ""}
    assert run.coverage == {"areas": ["Town 1"], "period_from": "2024-03",
                            "period_to": "2024-03", "complete": False}  # fmt: skip
    source.refresh_from_db()
    assert source.mapping["program_code"] == {"upload": "program"}
    assert source.mapping["period"] == {"date_part": "period", "column": "发放日期"}
    assert source.mapping["payment_id"] == {"skip": True}

    client.post(
        f"/analytics/sources/{source.pk}/upload/",
        {"file": SimpleUploadedFile("低保4月.csv", csv_bytes(ROWS))},
    )
    second = ImportRun.objects.exclude(pk=run.pk).get()
    again = proposed(client.get(f"/analytics/imports/{second.pk}/mapping/"))
    assert again["program_code"] == "upload_program"
    assert (again["period"], again["col__period"]) == ("date_period", "发放日期")


def test_the_service_refuses_with_codes_and_a_file_can_be_discarded(waiting):
    county, _source, client, run = waiting
    supervisor = county.supervisor

    def codes(mapping, **values):
        with pytest.raises(ValidationError) as error:
            services.import_map(run=run, actor=supervisor, mapping=mapping, upload_values=values)
        return refusal_codes(error.value)

    base = {"resident_id": {"column": "公民身份证号码"}, "name": {"column": "姓　名"},
            "amount": {"column": "发放金额（元）"}, "period": {"upload": "period"},
            "program_code": {"constant": "P06"}}  # fmt: skip
    assert codes({**base, "program_code": {"skip": True}}, period="2024-03") == {
        "program_code:unmapped"
    }
    assert codes({**base, "name": {"column": "公民身份证号码"}}, period="2024-03") == {
        "name:mapped_twice"
    }
    assert codes(base) == {"upload_period:no_upload_value"}
    assert codes(base, period="March") == {"upload_period:invalid"}
    assert codes({**base, "town": {"column": "镇"}}, period="2024-03") == {"town:no_column"}
    with pytest.raises(ValidationError) as error:
        services.import_map(run=run, actor=supervisor, mapping=base, upload_values={"period": "2024-03"},
                            coverage={"areas": ["Town 1"], "period_from": "2024-05",
                                      "period_to": "2024-01"})  # fmt: skip
    assert refusal_codes(error.value) == {"coverage_from:invalid"}
    assert client.post(f"/analytics/imports/{run.pk}/discard/").status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED and not run.upload_path
    assert codes(base, period="2024-03") == {"import_mapped"}
