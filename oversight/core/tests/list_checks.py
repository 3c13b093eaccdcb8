"""What the check of the shared list component asks of every list over the demonstration
county: filters kept through paging, sorting, a change of page size and the export."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qsl, urlsplit

from django.test import override_settings
from openpyxl import load_workbook

# (list, the filters it is asked with); per_page=20 so that most of them have several pages
LISTS = [
    ("/work/items/", {"status": "overdue", "kind": "matters.task"}),
    ("/work/items/", {"status": "open", "light": "red", "q": "县"}),
    ("/work/items/", {"status": "open", "kind": "matters.task"}),
    ("/work/", {"tab": "done"}),
    ("/matters/list/", {"status": "open", "q": "县"}),
    ("/documents/", {"type": "rectification_notice", "q": "清"}),
    ("/public-channel/complaints/", {"state": "handling", "named": "yes"}),
    ("/public-channel/dissatisfaction/", {}),
    ("/public-channel/style/reports/", {"status": "new"}),
    ("/analytics/", {"severity": "red", "status": "new"}),
    ("/orgs/people/", {"q": "王"}),
    ("/orgs/accounts/", {"q": "qh"}),
    ("/notifications/", {"unread": "1"}),
    ("/notifications/deliveries/", {"state": "pending"}),
]

PAGER = re.compile(r'<nav class="pager".*?</nav>', re.S)
SORT = re.compile(r'<th aria-sort="[^"]*"><a href="([^"]+)"')
COUNT = re.compile(r"\((\d+) [^)]*\)|（共 ?(\d+)")


def _params(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(unescape(href)).query))


def _total(html: str) -> int | None:
    pager = PAGER.search(html)
    match = COUNT.search(pager.group(0)) if pager else None
    return int(next(g for g in match.groups() if g)) if match else None


def every_list_keeps_its_filters(client):
    paged = 0
    with override_settings(ALLOWED_HOSTS=["*"], LANGUAGE_CODE="en"):
        for path, filters in LISTS:
            asked = {**filters, "per_page": "20"}
            response = client.get(path, asked, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 200, path
            html = response.content.decode()
            pager = PAGER.search(html)
            assert pager, f"{path} has no pager"
            links = re.findall(r'href="([^"]+)"', pager.group(0)) + SORT.findall(html)
            hidden = dict(
                re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', pager.group(0))
            )
            for href in links:
                kept = _params(href)
                for key, value in asked.items():
                    assert kept.get(key) == value, f"{path}: {href} lost {key}={value}"
            for key, value in filters.items():
                if "per_page" in pager.group(0) and hidden:
                    assert hidden.get(key) == value, f"{path}: page size loses {key}"
            total = _total(html)
            following = [h for h in links if _params(h).get("page") == "2"]
            if following:
                paged += 1
                second = client.get(path + unescape(following[0])).content.decode()
                assert _total(second) == total, f"{path}: page 2 counts another list"
            sorts = SORT.findall(html)
            if sorts:
                again = client.get(path + unescape(sorts[-1])).content.decode()
                assert _total(again) == total, f"{path}: sorting changed the filtered rows"
            export = [h for h in links if _params(h).get("export") == "xlsx"]
            assert export, f"{path} offers no export of what was filtered"
            download = client.get(path + unescape(export[0]))
            assert download.status_code == 200
            sheet = load_workbook(BytesIO(download.content)).active
            rows = sheet.max_row - 1
            if total is not None:
                assert rows == total, f"{path}: exported {rows} rows of {total}"
    assert paged >= 4, paged  # the test saw real second pages


def the_overdue_list_pages_within_the_overdue_items(admin_in_demo):
    first = admin_in_demo.get("/work/items/", {"status": "overdue"})
    total = first.context["page"].paginator.count
    assert 0 < total < admin_in_demo.get("/work/items/").context["page"].paginator.count
    second = admin_in_demo.get("/work/items/", {"status": "overdue", "page": 2})
    assert second.context["page"].paginator.count == total
    assert all(i.light == "red" and i.closed_at is None for i in second.context["page"])


def an_unknown_sort_is_ignored_and_a_known_one_orders(admin_in_demo):
    bad = admin_in_demo.get("/orgs/people/", {"sort": "password"})
    assert bad.status_code == 200
    by_name = admin_in_demo.get("/orgs/people/", {"sort": "-birth_date"}).context["page"]
    dates = [p.birth_date for p in by_name]
    assert dates == sorted(dates, reverse=True)
