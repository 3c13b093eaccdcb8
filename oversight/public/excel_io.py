"""The small-power list in Excel: the columns, reading a workbook into rows, checking every
row, and writing the list out in the same layout (so an export can be edited and imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from oversight.orgs.models import OrgNode

from .models import PowerCategory, PowerItem

# key, header (translated on export; either language is read on import)
COLUMNS = [
    ("category_code", gettext_lazy("category code")),
    ("category_name", gettext_lazy("category name")),
    ("parent_code", gettext_lazy("parent category code")),
    ("code", gettext_lazy("item code")),
    ("name", gettext_lazy("item name")),
    ("responsible_code", gettext_lazy("responsible department code")),
    ("limit_days", gettext_lazy("time limit (days)")),
    ("limit_working", gettext_lazy("working days")),
    ("source", gettext_lazy("source")),
    ("published", gettext_lazy("published")),
    ("description", gettext_lazy("description")),
    ("basis", gettext_lazy("legal basis")),
]
YES = {"yes", "y", "true", "1", "是", "√"}
NO = {"no", "n", "false", "0", "否", ""}
SOURCES = {
    "province": "province",
    "省定": "province",
    "local": "local",
    "本地": "local",
    "本地增补": "local",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


def _headers() -> dict[str, str]:
    from django.utils import translation

    found = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for key, header in COLUMNS:
                found[str(header).strip().lower()] = key
    for key, _header in COLUMNS:
        found[key] = key
    return found


def read_workbook(upload) -> list[dict]:
    """Rows of the first sheet as dicts keyed by column key, each with its sheet row number."""
    if upload.size > MAX_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    try:
        book = load_workbook(BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:
        raise ValueError(_("The file is not an Excel workbook (.xlsx).")) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ValueError(_("The sheet is empty."))
    names = _headers()
    keys = [names.get(str(h or "").strip().lower()) for h in header]
    missing = {"category_code", "code", "name"} - set(keys)
    if missing:
        raise ValueError(
            _("Columns missing: %(columns)s") % {"columns": ", ".join(sorted(missing))}
        )
    result = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ValueError(_("At most %(count)d rows.") % {"count": MAX_ROWS})
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {"_row": number}
        for key, value in zip(keys, values, strict=False):
            if key:
                row[key] = "" if value is None else str(value).strip()
        result.append(row)
    return result


@dataclass
class Plan:
    categories: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # code -> (name, parent code)
    items: list[dict] = field(default_factory=list)


def _flag(value: str, default: bool) -> bool | None:
    lowered = (value or "").strip().lower()
    if lowered == "":
        return default
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


def validate_rows(rows: list[dict]) -> tuple[Plan, list[str]]:
    """Check every row; return the plan to write and the list of every error (row by row)."""
    plan, errors = Plan(), []
    known_categories = dict(PowerCategory.objects.values_list("code", "name"))
    nodes = dict(OrgNode.objects.filter(is_active=True).values_list("code", "pk"))
    seen_items: dict[str, int] = {}
    if not rows:
        errors.append(_("The file has no rows."))
    for row in rows:
        number = row.get("_row", "?")
        problems = []
        category_code = row.get("category_code", "")
        category_name = row.get("category_name", "")
        parent_code = row.get("parent_code", "")
        code, name = row.get("code", ""), row.get("name", "")
        if not category_code:
            problems.append(_("the category code is missing"))
        elif len(category_code) > 32:
            problems.append(_("the category code is longer than 32 characters"))
        elif category_code in plan.categories:
            if category_name and plan.categories[category_code][0] != category_name:
                problems.append(
                    _("category %(code)s has another name on an earlier row")
                    % {"code": category_code}
                )
        elif not category_name and category_code not in known_categories:
            problems.append(
                _("category %(code)s is new and needs a name") % {"code": category_code}
            )
        if parent_code and parent_code == category_code:
            problems.append(_("a category cannot be its own parent"))
        if not code:
            problems.append(_("the item code is missing"))
        elif len(code) > 32:
            problems.append(_("the item code is longer than 32 characters"))
        elif code in seen_items:
            problems.append(
                _("item %(code)s is also on row %(row)s") % {"code": code, "row": seen_items[code]}
            )
        if not name:
            problems.append(_("the item name is missing"))
        elif len(name) > 120:
            problems.append(_("the item name is longer than 120 characters"))
        responsible = row.get("responsible_code", "")
        if responsible and responsible not in nodes:
            problems.append(_("no active org node has the code %(code)s") % {"code": responsible})
        limit_text = row.get("limit_days", "")
        limit = None
        if limit_text:
            try:
                limit = int(float(limit_text))
                if not 1 <= limit <= 365 or float(limit_text) != limit:
                    raise ValueError
            except ValueError:
                problems.append(_("the time limit must be a whole number of days from 1 to 365"))
        working = _flag(row.get("limit_working", ""), True)
        published = _flag(row.get("published", ""), True)
        if working is None:
            problems.append(_("“working days” must be yes or no"))
        if published is None:
            problems.append(_("“published” must be yes or no"))
        source = SOURCES.get((row.get("source") or "province").strip().lower())
        if source is None:
            problems.append(_("the source must be province or local"))
        if problems:
            errors.append(
                _("Row %(row)s: %(problems)s") % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        if category_code not in plan.categories:
            plan.categories[category_code] = (
                category_name or known_categories[category_code],
                parent_code,
            )
        seen_items[code] = number
        plan.items.append(
            {
                "category_code": category_code,
                "code": code,
                "name": name,
                "description": row.get("description", ""),
                "basis": row.get("basis", "")[:300],
                "source": source,
                "responsible_node_id": nodes.get(responsible) if responsible else None,
                "limit_days": limit,
                "limit_working": working,
                "published": published,
            }
        )
    for code, (_name, parent_code) in plan.categories.items():
        if (
            parent_code
            and parent_code not in plan.categories
            and parent_code not in known_categories
        ):
            errors.append(
                _("Category %(code)s: its parent %(parent)s does not exist")
                % {"code": code, "parent": parent_code}
            )
    return plan, errors


def export_rows():
    """The list as rows in the column order of ``COLUMNS``."""
    yes, no = _("yes"), _("no")
    items = PowerItem.objects.select_related(
        "category", "category__parent", "responsible_node"
    ).order_by("category__sort", "category__code", "sort", "code")
    for item in items:
        category = item.category
        yield [
            category.code,
            category.name,
            category.parent.code if category.parent else "",
            item.code,
            item.name,
            item.responsible_node.code if item.responsible_node else "",
            item.limit_days or "",
            yes if item.limit_working else no,
            item.source,
            yes if item.published else no,
            item.description,
            item.basis,
        ]


def headers() -> list[str]:
    return [str(header) for _key, header in COLUMNS]
