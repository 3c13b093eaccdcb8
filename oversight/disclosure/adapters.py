"""Adapters: each reads one kind of source from the bytes it serves and returns the notices it
holds. One interface (``parse(data, source) -> list[Notice]``), one class per kind, configured
by the source's data (CSS selectors, JSON field paths) rather than code. A layout that no
longer matches raises ``LayoutChanged``; bytes that cannot be read raise ``Broken``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree import ElementTree

import lxml.html
from django.utils.translation import gettext as _

from oversight.lib.cndates import parse_date


@dataclass
class Notice:
    guid: str
    title: str
    published_on: object  # datetime.date | None
    body: str = ""
    link: str = ""


class Broken(Exception):
    """The source's bytes could not be read as its kind."""


class LayoutChanged(Exception):
    """The source was read but its configuration finds nothing in it."""


def _date(*texts: str):
    for text in texts:
        found = parse_date(text or "")
        if found:
            return found
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def _xml(data: bytes):
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise Broken(_("The feed is not well-formed XML: %(error)s") % {"error": exc}) from exc


class RssAdapter:
    def parse(self, data: bytes, source) -> list:
        root = _xml(data)
        notices = []
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = _text(item, "link")
            title = _text(item, "title")
            notices.append(
                Notice(
                    guid=_text(item, "guid") or link or title,
                    title=title,
                    published_on=_date(_text(item, "pubDate"), link, title),
                    body=_text(item, "description"),
                    link=link,
                )
            )
        return notices


class AtomAdapter:
    def parse(self, data: bytes, source) -> list:
        root = _xml(data)
        notices = []
        for entry in root.iter():
            if _local(entry.tag) != "entry":
                continue
            link_el = _child(entry, "link")
            link = link_el.get("href", "") if link_el is not None else ""
            title = _text(entry, "title")
            notices.append(
                Notice(
                    guid=_text(entry, "id") or link or title,
                    title=title,
                    published_on=_date(
                        _text(entry, "published"), _text(entry, "updated"), link, title
                    ),
                    body=_text(entry, "content") or _text(entry, "summary"),
                    link=link,
                )
            )
        return notices


class HtmlAdapter:
    """An HTML list page: ``item`` selects each notice, ``title``/``date``/``link``/``body``
    select within it (``link`` defaults to the first a[href])."""

    def parse(self, data: bytes, source) -> list:
        config = source.config or {}
        try:
            page = lxml.html.fromstring(data)
        except (ValueError, lxml.etree.ParserError) as exc:
            raise Broken(_("The page cannot be read: %(error)s") % {"error": exc}) from exc

        def first(element, selector):
            if not selector:
                return None
            found = element.cssselect(selector)
            return found[0] if found else None

        notices = []
        for item in page.cssselect(config.get("item") or "li"):
            title_el = first(item, config.get("title") or "a")
            if title_el is None:
                continue
            link_el = first(item, config.get("link") or "a[href]")
            link = link_el.get("href", "") if link_el is not None else ""
            link = urljoin(source.url or "", link) if link else ""
            date_el = first(item, config.get("date"))
            body_el = first(item, config.get("body"))
            title = title_el.text_content().strip()
            notices.append(
                Notice(
                    guid=link or title,
                    title=title,
                    published_on=_date(
                        date_el.text_content() if date_el is not None else "", link, title
                    ),
                    body=body_el.text_content().strip() if body_el is not None else "",
                    link=link,
                )
            )
        if not notices:
            raise LayoutChanged(
                _("The selectors find no notice on the page: has its layout changed?")
            )
        return notices


def _path(value, path: str):
    for part in [p for p in (path or "").split(".") if p]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


class JsonAdapter:
    """A JSON endpoint: ``items`` is the path to the list, ``title``/``date``/``link``/``body``/
    ``id`` the paths within each entry (dotted, such as ``data.list``)."""

    def parse(self, data: bytes, source) -> list:
        config = source.config or {}
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise Broken(_("The answer is not JSON: %(error)s") % {"error": exc}) from exc
        entries = _path(document, config.get("items", ""))
        if not isinstance(entries, list):
            raise LayoutChanged(_("The path to the list of notices finds no list."))
        notices = []
        for entry in entries:
            title = str(_path(entry, config.get("title") or "title") or "").strip()
            if not title:
                continue
            link = str(_path(entry, config.get("link") or "url") or "")
            guid = str(_path(entry, config.get("id") or "id") or "") or link or title
            date_text = str(_path(entry, config.get("date") or "date") or "")
            notices.append(
                Notice(
                    guid=guid,
                    title=title,
                    published_on=_date(date_text, link, title),
                    body=str(_path(entry, config.get("body") or "body") or ""),
                    link=link,
                )
            )
        if entries and not notices:
            raise LayoutChanged(_("The field paths find no title in the notices."))
        return notices


ADAPTERS = {"rss": RssAdapter, "atom": AtomAdapter, "html": HtmlAdapter, "json": JsonAdapter}


def adapter_for(kind: str):
    return ADAPTERS[kind]()


UPLOAD_HEADERS = {
    "title": ("title", "标题"),
    "date": ("date", "published on", "日期", "发布日期", "发布时间"),
    "link": ("link", "url", "链接"),
    "body": ("body", "content", "内容", "正文"),
}


def _rows_from_table(rows: list[list[str]]) -> tuple[list, list[str]]:
    """Notices from a table whose first row names the columns; every bad row named."""
    if not rows:
        raise Broken(_("The file has no rows."))
    header = [str(h or "").strip().lower() for h in rows[0]]
    where = {}
    for name, labels in UPLOAD_HEADERS.items():
        for index, heading in enumerate(header):
            if heading in labels:
                where[name] = index
    if "title" not in where or "date" not in where:
        raise LayoutChanged(_("The first row must name the columns title and date (标题、日期)."))
    notices, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(v).strip() if v is not None else "" for v in row]
        if not any(cells):
            continue

        def cell(name, cells=cells):
            index = where.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        title, date_text = cell("title"), cell("date")
        problems = []
        if not title:
            problems.append(_("title: required"))
        published_on = _date(date_text[:10] if date_text[:4].isdigit() else date_text)
        if published_on is None:
            problems.append(_("date: write a date such as 2026年3月5日 or 2026-03-05"))
        if problems:
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(problems)})
            continue
        link = cell("link")
        notices.append(
            Notice(
                guid=link or f"{title}|{published_on}",
                title=title,
                published_on=published_on,
                body=cell("body"),
                link=link,
            )
        )
    return notices, errors


def read_excel(data: bytes) -> tuple[list, list[str]]:
    import io

    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise Broken(_("The file is not an Excel workbook.")) from exc
    return _rows_from_table([list(r) for r in sheet.iter_rows(values_only=True)])


def read_word(data: bytes) -> tuple[list, list[str]]:
    """A Word file's first table, its first row naming the columns."""
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a file that is not a document
        raise Broken(_("The file is not a Word document.")) from exc
    if not document.tables:
        raise LayoutChanged(_("The Word file has no table of notices."))
    table = document.tables[0]
    return _rows_from_table([[c.text for c in r.cells] for r in table.rows])
