"""Fixtures of the documents tests: files in a directory of their own, and a helper to issue."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.utils import translation
from docx import Document as WordDocument

from oversight.documents.models import DocType
from oversight.documents.services import issue_document


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def issue(node, actor=None, *, doc_type=DocType.RECTIFICATION_NOTICE, on=None, **context):
    values = {
        "recipient_unit": "县教育局",
        "title": "关于食堂采购问题的整改通知",
        "body": "一、采购未公开招标。\n二、台账不全。",
        "deadline": datetime.date(2026, 4, 30),
    }
    values.update(context)
    return issue_document(
        doc_type=doc_type,
        issuer_node=node,
        actor=actor,
        context=values,
        issued_on=on or datetime.date(2026, 3, 5),
    )


def paragraphs(document) -> list[str]:
    """The paragraphs of an issued document's stored .docx, read back with python-docx."""
    with document.file.open("rb") as handle:
        return [p.text for p in WordDocument(BytesIO(handle.read())).paragraphs]


def docx_with(*lines: str) -> bytes:
    """A .docx whose paragraphs are ``lines``."""
    word = WordDocument()
    for line in lines:
        word.add_paragraph(line)
    out = BytesIO()
    word.save(out)
    return out.getvalue()
