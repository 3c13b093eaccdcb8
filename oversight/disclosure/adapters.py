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
