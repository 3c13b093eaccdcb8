"""Excel exports: one sheet, a header row, streamed as a download."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """An .xlsx download of ``rows`` under ``headers``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append(["" if value is None else value for value in row])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


def template_response(*, filename: str, title: str, headers: Sequence[str], example: Sequence):
    """A downloadable import template: the header row and one example row."""
    return xlsx_response(filename=filename, title=title, headers=headers, rows=[example])


def read_rows(upload, columns: Sequence[tuple[str, object]], required: Sequence[str]) -> list[dict]:
    """The rows of the first sheet of an uploaded .xlsx as dicts keyed by column key, each with
    its sheet row number (``_row``). Headers are read in either language or as the keys.
    ValueError names what is wrong with the file as a whole."""
    from django.utils import translation
    from django.utils.translation import gettext as _
    from openpyxl import load_workbook

    if upload.size > MAX_IMPORT_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    try:
        book = load_workbook(BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:
        raise ValueError(_("The file is not an Excel workbook (.xlsx).")) from None
    names = {key: key for key, _label in columns}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update({str(label).strip().lower(): key for key, label in columns})
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ValueError(_("The sheet is empty."))
    keys = [names.get(str(h or "").strip().lower()) for h in header]
    missing = [str(label) for key, label in columns if key in required and key not in keys]
    if missing:
        raise ValueError(_("Columns missing: %(columns)s") % {"columns": "、".join(missing)})
    result = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise ValueError(_("At most %(count)d rows.") % {"count": MAX_IMPORT_ROWS})
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {"_row": number}
        for key, value in zip(keys, values, strict=False):
            if key:
                row[key] = "" if value is None else str(value).strip()
        result.append(row)
    return result
