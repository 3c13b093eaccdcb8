"""Data sources and imports: register with a mapping, stage an upload, read the rejected rows,
accept or discard; a bad upload keeps nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from oversight.analytics import bridge, services
from oversight.analytics.models import DataSource, ImportRun
from oversight.conftest import client_for

from .conftest import DEATHS, csv_bytes, person_id, refusal_codes


def test_it_registers_a_source_in_the_workspace_with_its_mapping(county_a, source_of):
    source = source_of(
        "deaths", "deaths", mapping={"身份证": "resident_id", "死亡时间": "death_date"}
    )
    ws_source = bridge.workspace().source("deaths")
    assert ws_source.kind == "deaths"
    rules = {"resident_id": {"column": "身份证"}, "death_date": {"column": "死亡时间"}}
    assert ws_source.mapping == rules
    assert source.mapping == ws_source.mapping


def test_it_refuses_a_mapping_to_an_unknown_or_doubled_column(county_a, source_of):
    with pytest.raises(ValidationError) as error:
        source_of("deaths", "deaths", mapping={"a": "nonsense"})
    assert refusal_codes(error.value) == {"mapping:unknown_column"}
    with pytest.raises(ValidationError) as error:
        source_of("deaths", "deaths", mapping={"a": "death_date", "b": "death_date"})
    assert refusal_codes(error.value) == {"mapping:mapped_twice"}
    assert not DataSource.objects.exists()


def test_it_stages_with_the_mapping_and_reports_every_bad_row(county_a, source_of, upload):
    source = source_of(
        "deaths", "deaths", mapping={"身份证": "resident_id", "死亡时间": "death_date"}
    )
    rows = [
        {"身份证": person_id(1), "姓名": "张一", "死亡时间": "2024-03-15"},
        {"身份证": "123", "姓名": "坏号", "死亡时间": "2024-03-15"},
        {"身份证": person_id(2), "姓名": "无日", "死亡时间": "not a date"},
    ]
    run = upload(source, county_a.supervisor, csv_bytes(rows))
    assert run.status == ImportRun.Status.STAGED
    assert (run.total_rows, run.accepted_rows, run.rejected_rows) == (3, 1, 2)
    assert run.problems_by_code == {"resident_id.format": 1, "date.format": 1}
    assert not run.upload_path and not list((bridge.workspace().root / "uploads").iterdir())
    from oversight.analytics.selectors import import_rejections

    rejected = import_rejections(run=run)
    assert len(rejected) == 2
    assert [(r.row, r.code) for r in rejected[0:10]] == [
        (3, "resident_id.format"),
        (4, "date.format"),
    ]


def test_it_accepts_the_good_rows_as_a_new_version(county_a, source_of, upload):
    source = source_of("deaths", "deaths")
    run = upload(source, county_a.supervisor, csv_bytes(DEATHS))
    services.import_accept(run=run, actor=county_a.supervisor)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.ACCEPTED and run.version == 1
    assert bridge.workspace().source("deaths").current.rows == 2
    with pytest.raises(ValidationError) as error:
        services.import_accept(run=run, actor=county_a.supervisor)
    assert refusal_codes(error.value) == {"import_decided"}


def test_it_keeps_nothing_of_a_discarded_import(county_a, source_of, upload):
    source = source_of("deaths", "deaths")
    run = upload(source, county_a.supervisor, csv_bytes(DEATHS))
    services.import_discard(run=run, actor=county_a.supervisor)
    ws = bridge.workspace()
    assert ws.staged() == [] and ws.source("deaths").current is None
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.DISCARDED


def test_it_fails_an_unreadable_file_clearly_and_keeps_nothing(county_a, source_of, upload, client):
    source = source_of("deaths", "deaths")
    run = upload(source, county_a.supervisor, csv_bytes([{"who": "x", "when": "y"}]))
    assert run.status == ImportRun.Status.FAILED
    assert "resident_id" in run.message
    # In Chinese too, naming the fields by their labels, on the import's page.
    assert (
        run.message_zh.startswith("文件和映射中都找不到必填字段")
        and "公民身份号码" in run.message_zh
    )
    client.force_login(county_a.supervisor)
    with override_settings(LANGUAGE_CODE="zh-hans"):
        page = client.get(f"/analytics/imports/{run.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert run.message_zh in page.content.decode()
    ws = bridge.workspace()
    assert ws.staged() == [] and not list((ws.root / "uploads").iterdir())


def test_it_refuses_a_file_of_another_format_before_keeping_it(county_a, source_of):
    source = source_of("deaths", "deaths")
    with pytest.raises(ValidationError) as error:
        services.import_start(
            source=source, actor=county_a.supervisor, upload=SimpleUploadedFile("x.doc", b"x")
        )
    assert refusal_codes(error.value) == {"file:file_type"}
    assert not ImportRun.objects.exists()


def test_it_takes_cadres_from_the_org_data(county_a, source_of, django_capture_on_commit_callbacks):
    source = source_of("org-cadres", "cadres")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_from_platform(source=source, actor=county_a.supervisor)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.STAGED, run.message
    assert run.accepted_rows >= 9 and run.rejected_rows == 0


def test_it_registers_uploads_and_shows_the_report_through_the_pages(county_a):
    client = client_for(county_a.supervisor)
    response = client.post(
        "/analytics/sources/new/",
        {"name": "deaths", "kind": "deaths", "label": "Deaths", "owner": county_a.commission.pk,
         "map__resident_id": "身份证"},
    )  # fmt: skip
    source = DataSource.objects.get(name="deaths")
    assert response.status_code == 302
    assert source.mapping == {"resident_id": {"column": "身份证"}}
    rows = [{"身份证": person_id(1), "姓名": "张一", "死亡日期": "2024-03-15"},
            {"身份证": "bad", "姓名": "坏号", "死亡日期": "2024-03-15"}]  # fmt: skip
    response = client.post(
        f"/analytics/sources/{source.pk}/upload/",
        {"file": SimpleUploadedFile("deaths.csv", csv_bytes(rows))},
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/analytics/imports/{run.pk}/mapping/"
    assert run.status == ImportRun.Status.MAPPING


def test_it_shows_a_bad_upload_on_the_form(county_a, source_of):
    source = source_of("deaths", "deaths")
    client = client_for(county_a.supervisor)
    response = client.post(
        f"/analytics/sources/{source.pk}/upload/", {"file": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]
    assert not ImportRun.objects.exists()


def test_it_pages_the_rejected_rows_and_accepts_through_the_page(county_a, source_of, upload):
    source = source_of("deaths", "deaths")
    rows = [{"resident_id": f"bad{n}", "name": "x", "death_date": "2024-01-01"} for n in range(60)]
    rows.append({"resident_id": person_id(9), "name": "好", "death_date": "2024-01-01"})
    run = upload(source, county_a.supervisor, csv_bytes(rows))
    client = client_for(county_a.supervisor)
    page1 = client.get(f"/analytics/imports/{run.pk}/")
    assert page1.status_code == 200
    assert (
        len(page1.context["page"].object_list) == 50 and page1.context["page"].paginator.count == 60
    )
    page2 = client.get(f"/analytics/imports/{run.pk}/?page=2")
    assert [r.row for r in page2.context["page"]] == list(range(52, 62))
    assert client.post(f"/analytics/imports/{run.pk}/accept/").status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.ACCEPTED
    assert bridge.workspace().source("deaths").current.rows == 1


def test_it_refreshes_the_page_once_the_check_is_over(county_a, source_of, upload):
    source = source_of("deaths", "deaths")
    run = upload(source, county_a.supervisor, csv_bytes(DEATHS))
    response = client_for(county_a.supervisor).get(f"/analytics/imports/{run.pk}/status/")
    assert response["HX-Refresh"] == "true"
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.STAGING)
    response = client_for(county_a.supervisor).get(f"/analytics/imports/{run.pk}/status/")
    assert "HX-Refresh" not in response and b"hx-trigger" in response.content


def test_it_keeps_sources_of_other_units_out_of_sight(county_a, source_of):
    source = source_of("deaths", "deaths", owner=county_a.town2)
    role = county_a.role_town
    role.permissions = sorted({*role.permissions, "analytics:source:edit"})
    role.save()
    officer = client_for(county_a.town1_officer)
    assert officer.get(f"/analytics/sources/{source.pk}/").status_code == 404
    assert b"deaths" not in officer.get("/analytics/sources/").content


def test_it_stages_excel_and_parquet_files_too(county_a, source_of, upload):
    from io import BytesIO

    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    source = source_of("deaths", "deaths")
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "死亡日期"])
    for row in DEATHS:
        sheet.append([row["resident_id"], row["name"], row["death_date"]])
    buffer = BytesIO()
    book.save(buffer)
    run = upload(source, county_a.supervisor, buffer.getvalue(), name="deaths.xlsx")
    assert run.status == ImportRun.Status.STAGED and run.accepted_rows == 2, run.message
    buffer = BytesIO()
    pq.write_table(pa.Table.from_pylist(DEATHS), buffer)
    run = upload(source, county_a.supervisor, buffer.getvalue(), name="deaths.parquet")
    assert run.status == ImportRun.Status.STAGED and run.accepted_rows == 2, run.message
