"""A crawl of the interface as each demo role, in a browser at 375 px: every menu entry and the
links below it do not overflow the screen. (The client crawl of every page, for errors and raw
codes, runs over the shared demonstration county: test_demo_county.py.)"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from oversight.core.demo import DEMO_ACCOUNTS

from .crawling import links


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
        entries = ["/", *links(page.content(), "nav")]
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
    return links(page.content(), "main")
