"""Rendering: the .docx holds the values, its digest is recorded, and the ledger knows."""

import hashlib

from oversight.documents.models import DocType
from oversight.documents.services import document_is_intact
from oversight.ledger.models import Leaf

from .conftest import issue, paragraphs


def test_it_renders_the_context_values_into_the_docx(county):
    document = issue(
        county.commission,
        county.admin,
        recipient_unit="县教育局 & 附属学校 <一中>",
        signature="清河县纪委监委第二监督检查室",
    )
    text = paragraphs(document)
    assert "Commission" in text
    assert document.serial in text
    assert "关于食堂采购问题的整改通知" in text
    assert "县教育局 & 附属学校 <一中>:" in text or "县教育局 & 附属学校 <一中>：" in text
    assert "一、采购未公开招标。" in text and "二、台账不全。" in text
    assert any("4/30/2026" in p or "2026年4月30日" in p for p in text)
    assert "清河县纪委监委第二监督检查室" in text
    assert not any("{{" in p or "{%" in p for p in text)


def test_it_records_the_digest_and_the_target(county):
    document = issue(county.commission, county.admin)
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    assert document_is_intact(document=document) is True
    target_doc = issue(county.commission, county.admin, doc_type=DocType.WARNING_NOTICE)
    linked = issue(county.commission, county.admin, doc_type=DocType.WARNING_NOTICE)
    from oversight.documents.services import issue_document

    about = issue_document(
        doc_type=DocType.SUPERVISION_OPINION,
        issuer_node=county.commission,
        actor=None,
        context={"recipient_unit": "Unit A", "title": "Opinion", "body": "Text"},
        target=target_doc,
    )
    assert (about.target_type, about.target_id) == ("documents.document", str(target_doc.pk))
    assert linked.target_type == ""


def test_it_notices_a_stored_file_changed_after_issue(county):
    document = issue(county.commission)
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    assert document_is_intact(document=document) is False


def test_it_appends_the_issue_to_the_ledger(county):
    document = issue(county.commission, county.admin)
    leaf = Leaf.objects.get(action="documents.document.issue", target_id=str(document.pk))
    assert leaf.actor_id == county.admin.pk
    assert document.sha256 in leaf.details


def test_it_keeps_the_rendered_values_for_the_print_view(county):
    document = issue(county.commission, extra={"case": "A-17"}, cc="Unit B")
    assert document.content["paragraphs"] == ["一、采购未公开招标。", "二、台账不全。"]
    assert document.content["extra"] == {"case": "A-17", "cc": "Unit B"}
    assert document.content["serial"] == document.serial
    assert document.content["signature"] == "Commission"
