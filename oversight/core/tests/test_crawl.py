"""A crawl of the interface as each demo role: every menu entry and the links one level below
answer without an error, show no raw code, and (in a browser at 375 px) do not overflow."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

from oversight.conftest import client_for
from oversight.core.demo import DEMO_ACCOUNTS
from oversight.orgs.models import Account

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


def _known_codes() -> set[str]:
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


def _raw_codes(html: str, codes: set[str], path: str = "") -> set[str]:
    if TECHNICAL.match(path):
        return set()
    main = html.split('<main class="content">', 1)[-1]
    # a warning's evidence is the departments' data shown as it was imported, not our words
    main = main.split('data-testid="evidence"', 1)[0]
    words = set(re.findall(r"[A-Za-z_]+", unescape(TEXT.sub(" ", main))))
    return {w for w in words if w in codes}


def _bad_title(html: str) -> str:
    """A page's title with markup in it (a template block left open) or none at all."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    title = found.group(1).strip() if found else ""
    return title[:80] if "<" in title or title.startswith("·") or not title else ""


def _links(html: str, scope: str) -> list[str]:
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


@pytest.fixture
def demo(db):
    call_command("demo", seed=2026)


def test_every_role_reaches_every_page_without_errors_or_raw_codes(demo):
    codes = _known_codes()
    problems = []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for username, _role, _where in DEMO_ACCOUNTS:
            client = client_for(Account.objects.get(username=username))
            home = client.get("/")
            assert home.status_code == 200, username
            seen = set()
            for entry in ["/", *_links(home.content.decode(), "nav")]:
                page = client.get(entry)
                if page.status_code >= 400:
                    problems.append((username, entry, page.status_code))
                    continue
                html = page.content.decode()
                if raw := _raw_codes(html, codes, entry):
                    problems.append((username, entry, sorted(raw)))
                if title := _bad_title(html):
                    problems.append((username, entry, f"title: {title}"))
                for link in _links(html, "main")[:PER_PAGE]:
                    if link in seen:
                        continue
                    seen.add(link)
                    below = client.get(link)
                    if below.status_code >= 400:
                        problems.append((username, f"{entry} → {link}", below.status_code))
                    elif "text/html" in below.get("Content-Type", ""):
                        if raw := _raw_codes(below.content.decode(), codes, link):
                            problems.append((username, link, sorted(raw)))
                        if title := _bad_title(below.content.decode()):
                            problems.append((username, link, f"title: {title}"))
    assert problems == [], "\n".join(map(str, problems))


def _path(url: str) -> str:
    return urlsplit(url).path


# --- at phone width, in a real browser ----------------------------------------------------

PHONE = 375
BELOW = 3  # links followed below each menu entry in the browser (the client crawl follows 12)

# What overflows or is cut off at the page's width: the document wider than the screen, or a
# visible element reaching past the screen's edges, unless a horizontally scrolling box (a wide
# table in its wrapper) holds it. The answer names each culprit by tag, class and text.
OVERFLOW_JS = """(width) => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) found.push("document " + root.scrollWidth + "px wide");
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (["auto", "scroll"].includes(style.overflowX) && p.getBoundingClientRect().right <= width + 1)
        return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el)) {
      const text = (el.innerText || el.value || "").trim().slice(0, 30);
      found.push(`${el.tagName.toLowerCase()}.${el.className} [${text}] ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return found.slice(0, 5);
}"""


@pytest.fixture
def live_demo(transactional_db):
    call_command("demo", seed=2026)


@pytest.mark.browser
def test_every_role_reads_every_page_at_phone_width_without_overflow(
    live_demo, live_server, browser
):
    from oversight.core.demo import DEMO_PASSWORD

    problems = []
    for username, _role, _where in DEMO_ACCOUNTS:
        context = browser.new_context(
            locale="zh-CN", viewport={"width": PHONE, "height": 740}, is_mobile=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("[data-testid=login]")
        page.wait_for_load_state()
        entries = ["/", *_links(page.content(), "nav")]
        seen: set[str] = set()
        for entry in entries:
            below = _visit(page, live_server.url, entry, problems, username)
            for link in [link for link in below if link not in seen][:BELOW]:
                seen.add(link)
                _visit(page, live_server.url, link, problems, username)
        context.close()
    assert problems == [], "\n".join(map(str, problems))


def _visit(page, base: str, path: str, problems: list, username: str) -> list[str]:
    response = page.goto(base + path)
    if response is None or response.status >= 400:
        problems.append((username, path, response.status if response else "no answer"))
        return []
    if "text/html" not in (response.headers.get("content-type") or ""):
        return []
    if found := page.evaluate(OVERFLOW_JS, PHONE):
        problems.append((username, path, found))
    return _links(page.content(), "main")
