"""Rendering Word templates with docxtpl, and checking the templates administrators upload.

Templates run in Jinja's sandbox with autoescaping: a value containing ``&`` or ``<`` cannot
break the document's XML, and an uploaded template cannot reach Python internals.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

# Every name a template may use, filled by documents.services for each document.
FIELDS = (
    "issuer",
    "document_name",
    "serial",
    "date",
    "year",
    "recipient_unit",
    "title",
    "body",
    "paragraphs",
    "deadline",
    "deadline_sentence",
    "signature",
    "extra",
)
REQUIRED_FIELDS = ("serial",)
MAX_UNPACKED_BYTES = 60 * 1024 * 1024


class TemplateProblem(Exception):
    """A template cannot be used; the message says why, for the person who uploaded it."""


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _open(data: bytes) -> DocxTemplate:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateProblem(_("The file is not a Word document (.docx).")) from exc
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise TemplateProblem(_("The file is not a Word document (.docx)."))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise TemplateProblem(_("The document unpacks to more than 60 MB."))
    template = DocxTemplate(BytesIO(data))
    try:
        template.init_docx()
    except Exception as exc:
        raise TemplateProblem(
            _("Word cannot read this document: %(error)s") % {"error": exc}
        ) from exc
    return template


def render(data: bytes, context: dict) -> bytes:
    """The .docx made from template ``data`` and ``context``; TemplateProblem if it fails."""
    template = _open(data)
    extra = context.get("extra") or {}
    wants_table = bool(
        isinstance(extra, dict) and extra.get("columns") and extra.get("rows")
    ) and "extra" not in placeholders(data)
    try:
        template.render(context, jinja_env=_environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(_describe(exc)) from exc
    except Exception as exc:
        raise TemplateProblem(
            _("The template could not be filled in: %(error)s") % {"error": exc}
        ) from exc
    if wants_table:
        _add_table(template.docx, extra, context.get("paragraphs") or [])
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def _add_table(document, extra: dict, paragraphs: list) -> None:
    """Set ``extra.columns`` and ``extra.rows`` as a real Word table (a heading row, then one
    row per entry) right after the last body paragraph, for a template that does not place
    them itself; at the end of the document if that paragraph is not found."""
    columns = [str(c) for c in extra["columns"]]
    table = document.add_table(rows=1, cols=len(columns))
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):
        pass  # a custom template without the style: a plain table
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in extra["rows"]:
        cells = table.add_row().cells
        for cell, text in zip(cells, list(row)[: len(columns)], strict=False):
            cell.text = str(text)
    last = str(paragraphs[-1]).strip() if paragraphs else ""
    anchor = None
    if last:
        for paragraph in document.paragraphs:
            if paragraph.text.strip() == last:
                anchor = paragraph
    if anchor is not None:
        anchor._p.addnext(table._tbl)


def placeholders(data: bytes) -> set[str]:
    """The names a template uses; TemplateProblem if it cannot be read or parsed."""
    template = _open(data)
    try:
        return set(template.get_undeclared_template_variables(jinja_env=_environment()))
    except TemplateError as exc:
        raise TemplateProblem(_describe(exc)) from exc
    except Exception as exc:
        raise TemplateProblem(
            _("The template could not be read: %(error)s") % {"error": exc}
        ) from exc


def check(data: bytes, sample: dict) -> list[str]:
    """Check an uploaded template; returns the names it uses, or raises TemplateProblem."""
    names = placeholders(data)
    unknown = sorted(names - set(FIELDS))
    if unknown:
        raise TemplateProblem(
            _(
                "The template uses placeholders the platform does not fill: %(unknown)s. "
                "The placeholders available are: %(known)s."
            )
            % {
                "unknown": ", ".join("{{ " + name + " }}" for name in unknown),
                "known": ", ".join(FIELDS),
            }
        )
    missing = [name for name in REQUIRED_FIELDS if name not in names]
    if missing:
        raise TemplateProblem(
            _("The template must show the serial number: put {{ serial }} where it goes.")
        )
    render(data, sample)
    return sorted(names)


def _describe(exc: TemplateError) -> str:
    line = getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc)
    if line:
        return _(
            "The template has a placeholder error (near line %(line)s of its XML): %(error)s"
        ) % {
            "line": line,
            "error": message,
        }
    return _("The template has a placeholder error: %(error)s") % {"error": message}
