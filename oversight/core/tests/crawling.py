"""What the crawls of the interface look for (shared by the client crawl over the shared
demonstration county and the phone-width crawl in a browser)."""

from __future__ import annotations

import re
from html import unescape

# administrators' and analysts' technical pages, where codes are what is being edited or read
TECHNICAL = re.compile(
    r"^/(system/|orgs/roles/|orgs/accounts/|analytics/models/|analytics/sources/|ledger/)"
)
SKIP = re.compile(
    r"(/logout|/i18n/|export|\.xlsx|\.zip|\.docx|\.png|\.svg|/download|/file|/evidence|/receipt/|"
    r"/print/|template=|/media/|/static/|/api/|/p/|/open311/)"
)
PER_PAGE = 12
# what is not prose: scripts, styles, code shown as code (SQL, column names, permission codes,
# ledger actions), form values
TEXT = re.compile(r"<(script|style|code|pre|textarea|option|select)\b.*?</\1>|<[^>]+>", re.S)


def known_codes() -> set[str]:
    """Codes that must never reach a page: states, steps, ranks, kinds, types."""
    from oversight.core.models import DictItem
    from oversight.loop.registry import WORKFLOWS
    from oversight.orgs.models import OrgNode
    from oversight.public.models import StyleReport

    codes = set()
    for workflow in WORKFLOWS.values():
        codes |= {s.code for s in workflow.states} | {t.name for t in workflow.transitions}
    codes = {c for c in codes if "_" in c}  # one-word states are English words in data too
    codes |= set(DictItem.objects.values_list("value", flat=True))  # ranks: clerk, section …
    codes |= set(StyleReport.Kind.values) | set(OrgNode.Type.values) - {"unit", "town"}
    return {c for c in codes if re.fullmatch(r"[a-z]+(_[a-z]+)*", c) and len(c) > 3}


def raw_codes(html: str, codes: set[str], path: str = "") -> set[str]:
    if TECHNICAL.match(path):
        return set()
    main = html.split('<main class="content">', 1)[-1]
    # a warning's evidence is the departments' data shown as it was imported, not our words
    main = main.split('data-testid="evidence"', 1)[0]
    words = set(re.findall(r"[A-Za-z_]+", unescape(TEXT.sub(" ", main))))
    return {w for w in words if w in codes}


def bad_title(html: str) -> str:
    """A page's title with markup in it (a template block left open) or none at all."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    title = found.group(1).strip() if found else ""
    return title[:80] if "<" in title or title.startswith("·") or not title else ""


def links(html: str, scope: str) -> list[str]:
    part = html
    if scope == "nav":
        part = html.split('id="nav"', 1)[-1].split("</nav>", 1)[0]
    elif scope == "main":
        part = html.split('<main class="content">', 1)[-1]
    found = []
    for href in re.findall(r'<a [^>]*href="([^"]+)"', part):
        href = unescape(href)
        if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
            found.append(href.split("#", 1)[0])
    return list(dict.fromkeys(found))
