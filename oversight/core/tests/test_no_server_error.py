"""No input makes the platform answer 500: every URL of every app, called by an administrator
and by an anonymous visitor, with ids beyond any integer column and query strings full of
impossible dates and numbers. The patterns are enumerated, so a new page is covered at once."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from oversight.conftest import client_for

HUGE = "99999999999999999999"

BAD_QUERIES = [
    "",
    "page=99999999999999999999",
    "page=-1",
    "start_date=9999-99-99&end_date=2026-02-30",
    "start=0000-01-01&end=2026-13-01&date=2026-02-30&day=2026-00-10",
    "year=0&month=13&hour=25&from=2026-02-30&to=9999-99-99",
    "year=99999999999999999999&month=-1&node=99999999999999999999&parent=99999999999999999999",
    "status=AAA&kind=%00&type=ZZZ&state=x&tab=x&offset=null&limit=null",
    "index=99999999999999999999&size=99999999999999999999",
    "deadline_before=9999-99-99&deadline_after=0000-00-00&opened_after=2026-02-30",
]


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete(route: str) -> str:
    """A path for a route: every integer parameter a huge id, every other one a plain word."""
    import re

    path = re.sub(r"<(?:int|id):\w+>", HUGE, route)
    path = re.sub(r"<str:fmt>", "json", path)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path.lstrip("^").replace("\\Z", "").replace("$", "")


ROUTES = sorted({concrete(r) for r in patterns() if not r.startswith("django-admin")})


# 503 is their honest answer here: the health check while the worker has not beaten, the
# checkpoint before the worker has signed the first one (a request never signs one).
MAY_BE_UNAVAILABLE = {"/healthz", "/ledger/checkpoint"}


def call(client, url):
    try:
        return client.get(url).status_code
    except Exception as error:  # noqa: BLE001 - the point is to name any server error
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_it_answers_every_page_without_a_server_error(query, loop_county):
    clients = {"admin": client_for(loop_county.admin), "anonymous": Client()}
    failures = []
    for route in ROUTES:
        url = f"{route}?{query}" if query else route
        for who, client in clients.items():
            status = call(client, url)
            if not isinstance(status, int) or (status >= 500 and route not in MAY_BE_UNAVAILABLE):
                failures.append(f"{who} {url}: {status}")
    assert not failures, "\n".join(failures)


def test_it_declares_every_id_in_a_path_with_the_bounded_converter():
    """``<int:…>`` matches ids no database column holds (a server error); ``<id:…>`` does not."""
    assert not [route for route in patterns() if "<int:" in route]
