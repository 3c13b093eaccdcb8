"""Uploaded templates: checked before they are kept, chosen per type, used when issuing."""

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.documents import builtin, services
from oversight.documents.models import DocType, DocumentTemplate

from .conftest import docx_with, issue, paragraphs

TYPE = DocType.WARNING_NOTICE


def upload(data, **kwargs):
    options = {"doc_type": TYPE, "name": "Our warning notice", "data": data, "actor": None}
    options.update(kwargs)
    return services.template_upload(**options)


def rejected(data) -> str:
    with pytest.raises(ValidationError) as exc:
        upload(data)
    assert refusal_codes(exc.value) == {"file": ["template"]}
    assert not DocumentTemplate.objects.exists()
    return " ".join(exc.value.message_dict["file"])


def test_it_rejects_a_file_that_is_not_a_word_document(db):
    assert "not a Word document" in rejected(b"%PDF-1.7 not a docx")


def test_it_rejects_a_zip_that_is_not_a_word_document(db):
    import zipfile
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not a Word document" in rejected(buffer.getvalue())


def test_it_rejects_a_broken_placeholder_and_says_where(db):
    message = rejected(docx_with("{{ serial }}", "{{ title "))
    assert "placeholder error" in message


def test_it_rejects_placeholders_the_platform_does_not_fill(db):
    message = rejected(docx_with("{{ serial }}", "{{ serail_number }}"))
    assert "{{ serail_number }}" in message
    assert "recipient_unit" in message


def test_it_rejects_a_template_without_the_serial_number(db):
    assert "{{ serial }}" in rejected(docx_with("{{ title }}"))


def test_it_rejects_a_template_reaching_for_python_internals(db):
    message = rejected(docx_with("{{ serial }}", "{{ title.__class__.__mro__ }}"))
    assert "could not be filled in" in message or "placeholder error" in message


def test_it_rejects_a_file_over_the_size_limit(db, settings):
    settings.DOCUMENTS_TEMPLATE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        upload(b"0" * (1024 * 1024 + 1))
    assert refusal_codes(exc.value) == {"file": ["too_large"]}
    assert "larger than 1 MB" in " ".join(exc.value.message_dict["file"])


def test_it_accepts_the_built_in_template(db):
    template = upload(builtin.template_bytes(TYPE))
    assert {"serial", "issuer", "paragraphs", "deadline"} <= set(template.variables)
    assert not template.is_active


def test_it_uses_the_active_uploaded_template_and_goes_back_to_the_built_in_one(county):
    template = upload(
        docx_with("OUR HEADER {{ issuer }}", "No. {{ serial }}", "{{ title }} / {{ extra.case }}"),
        activate=True,
    )
    assert template.is_active
    document = issue(county.commission, extra={"case": "A-17"}, doc_type=TYPE)
    assert document.template == template
    assert paragraphs(document) == [
        "OUR HEADER Commission",
        f"No. {document.serial}",
        "关于食堂采购问题的整改通知 / A-17",
    ]
    other_type = issue(county.commission)
    assert other_type.template is None
    assert services.template_use_builtin(doc_type=TYPE, actor=None) is True
    assert issue(county.commission, doc_type=TYPE).template is None


def test_it_keeps_one_active_template_per_type(county):
    first = upload(docx_with("{{ serial }} one"), activate=True)
    second = upload(docx_with("{{ serial }} two"), name="second")
    assert services.template_activate(template=second, actor=None) is True
    assert services.template_activate(template=second, actor=None) is False
    first.refresh_from_db()
    assert not first.is_active
    assert DocumentTemplate.objects.filter(doc_type=TYPE, is_active=True).get() == second


def test_it_builds_a_template_for_every_type_with_the_placeholders(db):
    from io import BytesIO

    from docx import Document as WordDocument

    for doc_type in DocType.values:
        text = "\n".join(
            p.text for p in WordDocument(BytesIO(builtin.template_bytes(doc_type))).paragraphs
        )
        for name in ("issuer", "serial", "date", "recipient_unit", "title", "deadline"):
            assert "{{ " + name + " }}" in text, (doc_type, name)
        assert "{%p for paragraph in paragraphs %}" in text
        assert "{{ signature }}" in text
