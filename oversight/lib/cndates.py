"""Dates and periods as Chinese notices write them (no Django here).

General date-guessing libraries misread these forms, so the rules are explicit:

- ``2024年10月19日``, ``2024年10月9日``, ``2024-10-19``, ``2024/10/19``, ``2024.10.19``;
- a labelled date wins over any other: ``发布时间：2024-10-19``, ``发布日期:2024年10月19日``;
- a date in a URL: ``/t20241028_123.html``, ``/20241028/``;
- the period a notice covers: ``2026年第一季度`` / ``2026年1季度`` / ``2026年一季度`` → ``2026-Q1``,
  ``2026年3月`` → ``2026-03``.
"""

from __future__ import annotations

import datetime
import re

_SEP_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
)
_LABELLED = re.compile(r"(?:发布|发表|公开|公示|更新)(?:时间|日期)\s*[:：]\s*")
_URL_DATE = re.compile(r"(?:/t|/|_)(\d{4})(\d{2})(\d{2})(?=[_/.]|$)")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"(\d{4})\s*年\s*(?:第)?\s*([一二三四1-4])\s*季度")
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(text: str) -> datetime.date | None:
    """The date ``text`` states: a labelled one (发布时间：…) first, else the first one written,
    else one in a URL; None when there is none (or it is impossible, such as 2月30日)."""
    text = (text or "").strip()
    if not text:
        return None
    labelled = _LABELLED.search(text)
    if labelled:
        found = _SEP_DATE.match(text, labelled.end())
        if found:
            return _date(*found.groups())
    found = _SEP_DATE.search(text)
    if found:
        return _date(*found.groups())
    found = _URL_DATE.search(text)
    if found:
        return _date(*found.groups())
    return None


def parse_period(text: str) -> str | None:
    """The period a notice's title names: ``2026-Q1`` or ``2026-03``; None if it names none."""
    text = text or ""
    found = _QUARTER.search(text)
    if found:
        return f"{found.group(1)}-Q{_NUMERALS[found.group(2)]}"
    found = _MONTH.search(text)
    if found and 1 <= int(found.group(2)) <= 12:
        return f"{found.group(1)}-{int(found.group(2)):02d}"
    return None
