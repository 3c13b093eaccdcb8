"""The documents pages: scope, downloads, print view, export, issuing, templates, prefixes."""

import hashlib
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from oversight.conftest import client_for
from oversight.documents.models import DocType, Document, DocumentTemplate, SerialPrefix

from .conftest import docx_with, issue

DOCUMENT_PERMS = [
    "documents:document:view",
    "documents:document:issue",
    "documents:document:export",
    "documents:prefix:edit",
]


@pytest.fixture
def officers(county):
    county.role_town.permissions = [*county.role_town.permissions, *DOCUMENT_PERMS]
    county.role_town.save(update_fields=["permissions"])
    county.doc_town1 = issue(county.town1, county.town1_officer, title="Town one notice")
    county.doc_town2 = issue(county.town2, county.town2_officer, title="Town two notice")
    return county


def test_it_lists_only_documents_issued_in_scope(officers):
    page = client_for(officers.town2_officer).get(reverse("documents:document_list"))
    assert page.status_code == 200
    assert "Town two notice" in page.text
    assert "Town one notice" not in page.text
    admin = client_for(officers.admin).get(reverse("documents:document_list"))
    assert "Town one notice" in admin.text and "Town two notice" in admin.text


def test_it_answers_404_for_a_document_outside_scope(officers):
    client = client_for(officers.town2_officer)
    for name in ("document_detail", "document_download", "document_print"):
        response = client.get(reverse(f"documents:{name}", args=[officers.doc_town1.pk]))
        assert response.status_code == 404, name


def test_it_needs_the_permission_to_see_documents(officers):
    client = client_for(officers.clerk)
    assert client.get(reverse("documents:document_list")).status_code == 403
    response = client.get(reverse("documents:document_download", args=[officers.doc_town1.pk]))
    assert response.status_code == 403


def test_it_downloads_the_stored_docx(officers):
    response = client_for(officers.town1_officer).get(
        reverse("documents:document_download", args=[officers.doc_town1.pk])
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == officers.doc_town1.sha256
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_it_prints_the_same_content(officers):
    document = officers.doc_town1
    page = client_for(officers.town1_officer).get(
        reverse("documents:document_print", args=[document.pk])
    )
    assert page.status_code == 200
    for value in (document.serial, "Town one notice", "县教育局", "一、采购未公开招标。", "Town 1"):
        assert value in page.text
    assert 'data-testid="serial"' in page.text


def test_it_shows_the_detail_with_the_digest_check(officers):
    page = client_for(officers.town1_officer).get(
        reverse("documents:document_detail", args=[officers.doc_town1.pk])
    )
    assert page.status_code == 200
    assert officers.doc_town1.sha256 in page.text
    assert 'data-testid="document-intact"' in page.text


def test_it_filters_by_type_and_year(officers):
    import datetime

    issue(officers.town1, doc_type=DocType.WARNING_NOTICE, title="A warning")
    issue(officers.town1, on=datetime.date(2025, 6, 1), title="Last year")
    client = client_for(officers.town1_officer)
    by_type = client.get(reverse("documents:document_list") + "?type=warning_notice")
    assert [d.title for d in by_type.context["page"]] == ["A warning"]
    by_year = client.get(reverse("documents:document_list") + "?year=2025")
    assert [d.title for d in by_year.context["page"]] == ["Last year"]
    assert by_year.context["years"] == [2026, 2025]
    search = client.get(reverse("documents:document_list") + "?q=warning")
    assert [d.title for d in search.context["page"]] == ["A warning"]


def test_it_exports_the_list_in_scope_to_excel(officers):
    response = client_for(officers.town2_officer).get(reverse("documents:document_export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == officers.doc_town2.serial
    assert rows[1][2] == "Town two notice"


def test_it_issues_a_document_from_the_form(officers):
    client = client_for(officers.town1_officer)
    assert client.get(reverse("documents:document_issue")).status_code == 200
    response = client.post(
        reverse("documents:document_issue"),
        {
            "doc_type": "supervision_suggestion",
            "issuer_node": officers.village1a.pk,
            "recipient_unit": "Village 1a committee",
            "title": "On the accounts",
            "body": "Keep the accounts public.",
            # deadlines are never in the past: a month from whatever day the suite runs
            "deadline": str(timezone.localdate() + timedelta(days=30)),
        },
    )
    document = Document.objects.get(title="On the accounts")
    assert response.status_code == 302
    assert response.url == reverse("documents:document_detail", args=[document.pk])
    assert document.issued_by == officers.town1_officer
    assert document.content["deadline_sentence"]


def test_it_refuses_to_issue_for_a_node_outside_scope(officers):
    response = client_for(officers.town1_officer).post(
        reverse("documents:document_issue"),
        {
            "doc_type": "supervision_suggestion",
            "issuer_node": officers.town2.pk,
            "recipient_unit": "x",
            "title": "Not mine",
            "body": "x",
        },
    )
    assert response.status_code == 400
    assert not Document.objects.filter(title="Not mine").exists()


def test_it_answers_bad_issue_input_on_the_fields(officers):
    response = client_for(officers.town1_officer).post(
        reverse("documents:document_issue"),
        {"doc_type": "warning_notice", "issuer_node": officers.town1.pk, "title": "x"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"recipient_unit", "body"}


def test_it_uploads_a_template_and_names_what_is_wrong_with_a_bad_one(county):
    client = client_for(county.admin)
    assert client.get(reverse("documents:template_admin")).status_code == 200
    bad = client.post(
        reverse("documents:template_admin"),
        {
            "doc_type": "warning_notice",
            "name": "Broken",
            "file": SimpleUploadedFile("broken.docx", docx_with("{{ serial }}", "{{ nope }}")),
            "activate": "on",
        },
    )
    assert bad.status_code == 400
    assert "{{ nope }}" in " ".join(bad.context["form"].errors["file"])
    good = client.post(
        reverse("documents:template_admin"),
        {
            "doc_type": "warning_notice",
            "name": "Ours",
            "file": SimpleUploadedFile("ours.docx", docx_with("{{ serial }} {{ title }}")),
            "activate": "on",
        },
    )
    assert good.status_code == 302
    template = DocumentTemplate.objects.get()
    assert template.is_active and template.uploaded_by == county.admin
    downloaded = client.get(reverse("documents:template_download", args=[template.pk]))
    assert hashlib.sha256(b"".join(downloaded.streaming_content)).hexdigest() == template.sha256
    back = client.post(reverse("documents:template_use_builtin", args=["warning_notice"]))
    assert back.status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    again = client.post(reverse("documents:template_activate", args=[template.pk]))
    assert again.status_code == 302
    template.refresh_from_db()
    assert template.is_active


def test_it_downloads_the_built_in_template(county):
    client = client_for(county.admin)
    response = client.get(reverse("documents:builtin_download", args=["rectification_notice"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get("/documents/templates/builtin/nothing/download/").status_code == 404


def test_it_keeps_templates_to_their_permission(officers):
    client = client_for(officers.town1_officer)
    assert client.get(reverse("documents:template_admin")).status_code == 403
    assert (
        client.post(reverse("documents:template_use_builtin", args=["warning_notice"])).status_code
        == 403
    )


def test_it_sets_a_prefix_for_a_node_in_scope_only(officers):
    client = client_for(officers.town1_officer)
    page = client.get(reverse("documents:prefix_admin"))
    assert page.status_code == 200
    assert "T纪整〔" in page.text
    saved = client.post(
        reverse("documents:prefix_admin"),
        {"node": officers.town1.pk, "doc_type": "rectification_notice", "prefix": "城纪整"},
    )
    assert saved.status_code == 302
    assert SerialPrefix.objects.get(node=officers.town1).prefix == "城纪整"
    assert issue(officers.town1).serial == "城纪整〔2026〕2号"
    outside = client.post(
        reverse("documents:prefix_admin"),
        {"node": officers.town2.pk, "doc_type": "rectification_notice", "prefix": "偷"},
    )
    assert outside.status_code == 400
    assert not SerialPrefix.objects.filter(node=officers.town2).exists()
    assert (
        client.get(reverse("documents:prefix_admin") + f"?node={officers.town2.pk}").status_code
        == 404
    )
    bad = client.post(
        reverse("documents:prefix_admin"),
        {"node": officers.town1.pk, "doc_type": "rectification_notice", "prefix": "城 纪"},
    )
    assert bad.status_code == 400
    assert "prefix" in bad.context["form"].errors


def test_it_shows_the_menu_by_permission(officers):
    page = client_for(officers.town1_officer).get(reverse("core:home"))
    assert reverse("documents:document_list") in page.text
    assert reverse("documents:template_admin") not in page.text
    assert reverse("documents:document_list") not in client_for(officers.clerk).get("/").text


def test_it_refuses_a_deadline_in_the_past(officers):
    response = client_for(officers.town1_officer).post(
        reverse("documents:document_issue"),
        {
            "doc_type": "supervision_suggestion",
            "issuer_node": officers.village1a.pk,
            "recipient_unit": "Village 1a committee",
            "title": "Too late",
            "body": "x",
            "deadline": "2000-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["deadline"][0].code == "date_past"
    assert not Document.objects.filter(title="Too late").exists()
