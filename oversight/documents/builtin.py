"""The built-in Word templates, made by code with python-docx the first time they are needed.

They follow the usual layout of a formal document: the issuing body in red above a red rule,
the document's name and serial number, the title, the recipient, the body, the deadline, the
signature and the date. Administrators download them as a starting point for their own.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .models import DocType

RED = RGBColor(0xC0, 0x00, 0x00)
SONG = "SimSun"
HEI = "SimHei"
FANG_SONG = "FangSong"

# What the recipient must do by the deadline, per type; %(deadline)s is the date.
DEADLINE_SENTENCES = {
    DocType.SUPERVISION_SUGGESTION: gettext_lazy(
        "Please report in writing how these suggestions were acted on by %(deadline)s."
    ),
    DocType.RECTIFICATION_NOTICE: gettext_lazy(
        "Please complete the rectification and report on it in writing by %(deadline)s."
    ),
    DocType.WARNING_NOTICE: gettext_lazy(
        "Please verify, deal with the matter and report in writing by %(deadline)s."
    ),
    DocType.SUPERVISION_OPINION: gettext_lazy(
        "Please report in writing how this opinion was carried out by %(deadline)s."
    ),
    DocType.FEEDBACK_SUGGESTION: gettext_lazy(
        "Please report how these suggestions were handled by %(deadline)s."
    ),
    DocType.EVALUATION_REPORT: gettext_lazy("Please send any objections by %(deadline)s."),
    DocType.ASSESSMENT_RESULT: gettext_lazy("A unit may appeal its result once, by %(deadline)s."),
    DocType.CIRCULAR: gettext_lazy("Please report on the lessons drawn by %(deadline)s."),
    DocType.INTEGRITY_OPINION: gettext_lazy("This opinion is valid until %(deadline)s."),
    DocType.INSPECTION_FEEDBACK: gettext_lazy(
        "Please report in writing on the rectification, signed by the unit's head, by %(deadline)s."
    ),
    DocType.COPY_NOTICE: gettext_lazy(
        "Please see that the rectification is completed and closed by %(deadline)s."
    ),
    DocType.INSPECTION_SUMMARY: gettext_lazy("Figures as of %(deadline)s."),
    DocType.JOINT_REPORT: gettext_lazy("Figures as of %(deadline)s."),
}

_CACHE: dict[tuple[str, str], bytes] = {}


def deadline_sentence(doc_type: str, deadline: str) -> str:
    """The sentence naming the deadline, in the current language; empty without a deadline."""
    if not deadline:
        return ""
    return str(DEADLINE_SENTENCES[DocType(doc_type)]) % {"deadline": deadline}


def template_bytes(doc_type: str) -> bytes:
    """The built-in template of ``doc_type`` in the current language, made once per process."""
    key = (DocType(doc_type).value, get_language() or "")
    if key not in _CACHE:
        _CACHE[key] = _build(DocType(doc_type))
    return _CACHE[key]


def _run(paragraph, text: str, *, size: float, bold=False, color=None, font=FANG_SONG):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def _paragraph(doc, text="", *, align=None, size=16, bold=False, color=None, font=FANG_SONG):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(28)
    if text:
        _run(paragraph, text, size=size, bold=bold, color=color, font=font)
    return paragraph


def _red_rule(paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "4"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _build(doc_type: DocType) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    _paragraph(doc, "{{ issuer }}", align=center, size=26, bold=True, color=RED, font=SONG)
    _paragraph(doc, "{{ document_name }}", align=center, size=22, bold=True, color=RED, font=SONG)
    _red_rule(_paragraph(doc, "{{ serial }}", align=center, size=16))
    _paragraph(doc)
    _paragraph(doc, "{{ title }}", align=center, size=22, bold=True, font=SONG)
    _paragraph(doc)
    _paragraph(doc, _("%(recipient)s:") % {"recipient": "{{ recipient_unit }}"})
    doc.add_paragraph("{%p for paragraph in paragraphs %}")
    body = _paragraph(doc, "{{ paragraph }}")
    body.paragraph_format.first_line_indent = Pt(32)
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if deadline %}")
    sentence = _paragraph(doc, deadline_sentence(doc_type, "{{ deadline }}"))
    sentence.paragraph_format.first_line_indent = Pt(32)
    doc.add_paragraph("{%p endif %}")
    _paragraph(doc)
    _paragraph(doc)
    _paragraph(doc, "{{ signature }}", align=right)
    _paragraph(doc, "{{ date }}", align=right)

    out = BytesIO()
    doc.core_properties.title = str(doc_type.label)
    doc.core_properties.author = "Oversight"
    doc.save(out)
    return out.getvalue()
