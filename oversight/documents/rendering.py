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
    try:
        template.render(context, jinja_env=_environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(_describe(exc)) from exc
    except Exception as exc:
        raise TemplateProblem(
            _("The template could not be filled in: %(error)s") % {"error": exc}
        ) from exc
    out = BytesIO()
    template.save(out)
    return out.getvalue()


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
