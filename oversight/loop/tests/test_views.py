"""The loop's pages through Django's client: actions, scope, exports, the electronic file."""

import hashlib
import json
import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from oversight.conftest import client_for
from oversight.loop import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_lists_my_work_in_its_three_tabs(loop_county, open_task):
    task = open_task()
    officer = client_for(loop_county.town1_officer)
    assert f'data-item="{task.pk}"' in officer.get("/work/?tab=todo").content.decode()
    services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    assert f'data-item="{task.pk}"' not in officer.get("/work/?tab=todo").content.decode()
    assert f'data-item="{task.pk}"' in officer.get("/work/?tab=done").content.decode()
    supervisor = client_for(loop_county.supervisor)
    assert f'data-item="{task.pk}"' in supervisor.get("/work/?tab=todo").content.decode()
    assert f'data-item="{task.pk}"' in supervisor.get("/work/?tab=started").content.decode()


def test_it_performs_a_step_with_evidence_through_the_page(loop_county, open_task):
    task = open_task()
    response = client_for(loop_county.town1_officer).post(
        f"/work/items/{task.pk}/do/submit/",
        {
            "comment": "Done, see photo",
            "files": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "submitted" and task.attachments.count() == 1


def test_it_shows_the_error_on_the_form_and_changes_nothing(loop_county, open_task):
    task = open_task()
    response = client_for(loop_county.town1_officer).post(
        f"/work/items/{task.pk}/do/submit/", {"comment": ""}
    )
    assert response.status_code == 400
    assert response.context["transition_form"].errors["comment"]
    task.refresh_from_db()
    assert task.state == "assigned"


def test_a_step_returns_to_the_page_it_was_taken_on_and_never_off_site(loop_county, open_task):
    task = open_task()
    client = client_for(loop_county.town1_officer)
    module_page = f"/matters/list/?from={task.pk}"
    response = client.post(f"/work/items/{task.pk}/comment/", {"comment": "a", "next": module_page})
    assert (response.status_code, response.url) == (302, module_page)
    for foreign in ("https://evil.example/", "//evil.example/", "/\\evil.example/", ""):
        response = client.post(f"/work/items/{task.pk}/comment/", {"comment": "b", "next": foreign})
        assert (response.status_code, response.url) == (302, f"/work/items/{task.pk}/"), foreign
    # a refused step re-renders the form; the page it came from is kept for the next try
    response = client.post(
        f"/work/items/{task.pk}/do/submit/", {"comment": "", "next": module_page}
    )
    assert response.status_code == 400
    assert f'name="next" value="{module_page.replace("&", "&amp;")}"' in response.content.decode()


def test_it_refuses_a_step_the_person_may_not_take(loop_county, open_task):
    task = open_task()
    response = client_for(loop_county.town1_officer).post(f"/work/items/{task.pk}/do/verify/", {})
    assert response.status_code == 403


def test_it_hides_other_towns_items_everywhere(loop_county, open_task):
    task = open_task()
    services.item_report_progress(
        item=task,
        actor=loop_county.town1_officer,
        percent=20,
        comment="started",
        files=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
    )
    attachment = task.attachments.get()
    outsider = client_for(loop_county.town2_officer)
    assert outsider.get(f"/work/items/{task.pk}/").status_code == 404
    assert outsider.get(f"/work/items/{task.pk}/file.zip").status_code == 404
    assert outsider.get(f"/work/attachments/{attachment.pk}/").status_code == 404
    assert outsider.post(f"/work/items/{task.pk}/comment/", {"comment": "hi"}).status_code == 404
    assert (
        str(task.pk)
        not in outsider.get("/work/items/").content.decode().split("data-item=")[-1][:10]
    )
    sheet = load_workbook(BytesIO(outsider.get("/work/items/export.xlsx").content)).active
    assert sheet.max_row == 1  # the header only
    stats = outsider.get("/work/statistics/").context["rows"]
    assert sum(r.opened for r in stats) == 0
    assert client_for(loop_county.town1_officer).get(f"/work/items/{task.pk}/").status_code == 200


def test_it_exports_an_electronic_file_whose_manifest_matches(loop_county, open_task):
    task = open_task()
    services.item_transition(
        item=task,
        name="submit",
        actor=loop_county.town1_officer,
        comment="done",
        files=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
    )
    response = client_for(loop_county.supervisor).get(f"/work/items/{task.parent_id}/file.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist()) - {"manifest.json"}
    assert names == set(manifest["files"])
    for name, facts in manifest["files"].items():
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == facts["sha256"] and len(data) == facts["size"]
    assert any(name.startswith(f"evidence/{task.pk}/") for name in names)
    history = json.loads(archive.read("events.json"))
    assert {i["id"] for i in history["items"]} == {task.parent_id, task.pk}


def test_it_counts_statistics_and_clicks_through(loop_county, open_task, today):
    first = open_task(title="A", deadline=date(2026, 3, 10))
    open_task(title="B", deadline=date(2026, 3, 10), node=loop_county.town2)
    services.item_transition(
        item=first, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    services.item_transition(item=first, name="verify", actor=loop_county.supervisor)
    client = client_for(loop_county.supervisor)
    response = client.get("/work/statistics/?kind=looptest.step")
    rows = {r.label: r for r in response.context["rows"]}
    assert (
        rows["County"].opened == 2
        and rows["County"].closed == 1
        and rows["County"].on_time_rate == 100.0
    )
    drill = client.get(
        f"/work/statistics/?kind=looptest.step&under={loop_county.county.pk}"
    ).context["rows"]
    by_town = {r.label: r for r in drill}
    assert by_town["Town 1"].closed == 1 and by_town["Town 2"].opened == 1
    listed = client.get(f"/work/items/?kind=looptest.step&node={loop_county.town2.pk}")
    assert [i.title for i in listed.context["page"]] == ["B"]
    sheet = load_workbook(
        BytesIO(client.get("/work/statistics/?kind=looptest.step&format=xlsx").content)
    ).active
    assert sheet.cell(2, 1).value == "County" and sheet.cell(2, 2).value == 2


def test_a_town_officers_statistics_count_only_the_towns_units(loop_county, open_task):
    from oversight.loop.models import WorkItem

    open_task(title="A")
    open_task(title="B", node=loop_county.town2)
    # Town 1 supervises an item of Town 2: the officer sees it, but it is Town 2's work.
    services.item_open(
        kind="matters.matter", title="C", actor=loop_county.supervisor,
        responsible_node=loop_county.town2, supervising_node=loop_county.town1,
        final_deadline=date(2026, 3, 20),
    )  # fmt: skip
    rows = client_for(loop_county.town1_officer).get("/work/statistics/").context["rows"]
    town1 = WorkItem.objects.filter(responsible_node__path__startswith=loop_county.town1.path)
    assert [(r.label, r.opened) for r in rows] == [("Town 1", town1.count())]
    assert town1.count() > 0
    outsider = client_for(loop_county.town2_officer).get("/work/statistics/").context["rows"]
    assert "Town 1" not in {r.label for r in outsider}


@pytest.mark.parametrize("url", ["/work/statistics/?start=2026-05-01&end=2026-04-01"])
def test_it_reports_a_bad_period(loop_county, url):
    response = client_for(loop_county.supervisor).get(url)
    assert response.context["form"].errors["end"]


def test_it_sends_a_leaders_instruction_to_the_owners(loop_county, open_task):
    from oversight.notify.models import Notification

    task = open_task()
    response = client_for(loop_county.supervisor).post(
        f"/work/items/{task.pk}/instruct/", {"text": "Finish before the rains"}
    )
    assert response.status_code == 302
    assert task.events.filter(type="instruction", comment="Finish before the rains").exists()
    assert Notification.objects.filter(
        kind="loop.instruction", recipient=loop_county.town1_officer
    ).exists()
    assert (
        client_for(loop_county.town1_officer)
        .post(f"/work/items/{task.pk}/instruct/", {"text": "x"})
        .status_code
        == 403
    )


def test_it_lets_an_administrator_correct_the_calendar(loop_county):
    client = client_for(loop_county.admin)
    response = client.post(
        "/work/calendar/",
        {"form": "day", "day": "2027-10-01", "is_working": "off", "note": "National Day"},
    )
    assert response.status_code == 302
    response = client.post(
        "/work/calendar/", {"form": "day", "day": "not a date", "is_working": "off"}
    )
    assert response.status_code == 400 and response.context["day_form"].errors["day"]
    response = client.post(
        "/work/calendar/",
        {
            "form": "kind",
            "kind": "looptest.step",
            "yellow_days": 5,
            "behind_margin": 0,
            "remind_days_before": 1,
            "escalate_every_days": 0,
        },
    )
    assert response.status_code == 400
    assert set(response.context["kind_form"].errors) == {"behind_margin", "escalate_every_days"}


def test_it_issues_a_rectification_notice_when_work_is_returned(loop_county, open_task):
    from oversight.documents.models import Document

    task = open_task()
    services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    services.item_transition(
        item=task, name="return", actor=loop_county.supervisor, comment="Evidence missing"
    )
    document = Document.objects.get(target_type="loop.workitem", target_id=str(task.pk))
    assert document.doc_type == "rectification_notice" and document.recipient_unit == "Town 1"
    assert task.events.filter(type="document", comment=document.serial).exists()
    page = client_for(loop_county.supervisor).get(f"/work/items/{task.pk}/").content.decode()
    assert document.serial in page
    response = client_for(loop_county.supervisor).get(f"/work/items/{task.parent_id}/file.zip")
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    assert any(name.startswith("documents/") for name in archive.namelist())


def test_it_issues_a_document_from_the_item_page_and_refuses_the_unit(loop_county, open_task):
    task = open_task()
    client = client_for(loop_county.supervisor)
    response = client.post(
        f"/work/items/{task.pk}/document/", {"doc_type": "supervision_suggestion", "body": ""}
    )
    assert response.status_code == 400 and response.context["document_form"].errors["body"]
    response = client.post(
        f"/work/items/{task.pk}/document/",
        {
            "doc_type": "supervision_suggestion",
            "body": "Publish the accounts",
            "deadline": "2026-04-30",
        },
    )
    assert response.status_code == 302
    assert task.events.filter(type="document").count() == 1
    unit = client_for(loop_county.town1_officer).post(
        f"/work/items/{task.pk}/document/", {"doc_type": "warning_notice", "body": "x"}
    )
    assert unit.status_code == 403
    late = client.post(
        f"/work/items/{task.pk}/document/",
        {"doc_type": "supervision_suggestion", "body": "x", "deadline": "2026-03-01"},
    )  # the loop's today is 2026-03-02
    assert late.status_code == 400
    assert late.context["document_form"].errors.as_data()["deadline"][0].code == "date_past"


def test_it_fixes_a_closed_files_content_so_a_later_edit_is_named(loop_county, open_task):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from oversight.ledger.models import Leaf
    from oversight.loop.models import Event

    task = open_task()
    services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    services.item_transition(item=task, name="verify", actor=loop_county.supervisor)
    services.item_transition(item=task.parent, name="close", actor=loop_county.supervisor)
    assert Leaf.objects.filter(action="loop.efile.fix", target_id=str(task.parent_id)).exists()
    call_command("verify_ledger", stdout=StringIO())  # intact: no error
    Event.objects.filter(item=task, transition="submit").update(comment="rewritten history")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"loop_workitem row {task.parent_id}" in out.getvalue()


def test_it_shows_everything_to_an_all_data_scope_even_what_it_did_not_open(loop_county, open_task):
    from oversight.loop import selectors as loop_selectors

    task = open_task()  # opened by the supervisor
    assert loop_county.admin.is_superuser is False
    assert task in loop_selectors.item_list(viewer=loop_county.admin)
    assert loop_selectors.item_get(viewer=loop_county.admin, pk=task.pk) == task


def test_overdue_items_count_against_the_on_time_rate(loop_county, open_task, today):
    first = open_task(title="A", deadline=date(2026, 3, 10))
    open_task(title="B", deadline=date(2026, 3, 5), node=loop_county.town2)
    services.item_transition(
        item=first, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    services.item_transition(item=first, name="verify", actor=loop_county.supervisor)
    today(date(2026, 3, 9))
    services.sweep()
    client = client_for(loop_county.supervisor)
    response = client.get("/work/statistics/?kind=looptest.step")
    county = {r.label: r for r in response.context["rows"]}["County"]
    assert (county.closed_on_time, county.open_overdue, county.on_time_rate) == (1, 1, 50.0)
    assert response.context["chart"]["series"][0]["values"] == [50.0]
