"""The subsidy lists villages disclosed, as rows of the ``disclosed_subsidies`` dataset.

A captured notice (``disclosure.Publication``) of a subsidy catalogue item carries its list of
beneficiaries in its content as a table: a header line naming the columns (姓名, 身份证号,
金额, 项目编码) and one line per beneficiary, the cells separated by tabs, ``|``, commas or two
spaces or more. The program is the table's 项目编码 column or a line ``项目编码：P05``; the month
is the notice's period (``2024-03``) or a line ``所属期：2024-03``. These rows are staged through
the same validation as any upload (``import_from_platform`` on a source of this kind), so the
money-trail model compares them with the department's payments.
"""

from __future__ import annotations

import re

from oversight.disclosure.models import CatalogueItem, Publication

# Catalogue areas whose notices list subsidies paid to people.
SUBSIDY_AREAS = (
    CatalogueItem.Area.WELFARE,
    CatalogueItem.Area.AGRICULTURE,
    CatalogueItem.Area.SOCIAL_ASSISTANCE,
    CatalogueItem.Area.POVERTY_RELIEF,
)

_HEADERS = {
    "name": ("姓名", "户主姓名", "领取人"),
    "resident_id": ("身份证号", "公民身份号码", "身份证号码"),
    "amount": ("金额", "补贴金额", "发放金额", "金额（元）", "金额(元)"),
    "program_code": ("项目编码",),
}
_SPLIT = re.compile(r"\t|\||,|，|\s{2,}")
_PERIOD = re.compile(r"^\d{4}-\d{2}$")
_LINE_VALUE = re.compile(r"^(项目编码|所属期)\s*[:：]\s*(\S+)\s*$")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _SPLIT.split(line.strip().strip("|"))]


def publication_rows(publication: Publication) -> list[dict[str, str]]:
    """The beneficiary rows of one notice's table (none when it has no such table)."""
    village = publication.node
    town = village.parent.name if getattr(village, "parent", None) else ""
    values = {
        "program_code": "",
        "period": publication.key if _PERIOD.match(publication.key) else "",
    }
    columns: dict[str, int] | None = None
    rows = []
    for number, line in enumerate(publication.body.splitlines(), start=1):
        if not line.strip():
            continue
        found = _LINE_VALUE.match(line.strip())
        if found:
            field = "program_code" if found.group(1) == "项目编码" else "period"
            values[field] = values[field] or found.group(2)
            continue
        cells = _cells(line)
        if columns is None:
            heading = {
                field: cells.index(label)
                for field, labels in _HEADERS.items()
                for label in labels
                if label in cells
            }
            if "name" in heading and "amount" in heading:
                columns = heading
            continue
        if len(cells) <= max(columns.values()):
            continue
        rows.append(
            {
                "row_id": f"{publication.pk}-{number}",
                "notice": f"{publication.pk} {publication.title}"[:300],
                "program_code": cells[columns["program_code"]]
                if "program_code" in columns
                else values["program_code"],
                "resident_id": cells[columns["resident_id"]] if "resident_id" in columns else "",
                "name": cells[columns["name"]],
                "period": values["period"],
                "amount": cells[columns["amount"]],
                "town": town,
                "village": village.name,
            }
        )
    return rows


def disclosed_subsidy_rows() -> list[dict[str, str]]:
    """Every beneficiary row of the classified subsidy notices."""
    publications = (
        Publication.objects.filter(catalogue_item__area__in=SUBSIDY_AREAS)
        .select_related("node", "node__parent")
        .order_by("pk")
    )
    return [row for publication in publications for row in publication_rows(publication)]
