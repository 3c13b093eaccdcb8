"""Polite fetching of a source's address with the standard library: only hosts configured on
sources, redirects to another host refused, conditional requests (a 304 is nothing new), a
minimum interval per host and a timeout."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

TIMEOUT = 10.0
MIN_INTERVAL = 2.0  # seconds between two requests to one host
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Oversight-disclosure/1.0"

_last_by_host: dict[str, float] = {}
_lock = threading.Lock()


class Refused(Exception):
    """The address is on a host no source is configured for (or a redirect leads there)."""


class Failed(Exception):
    def __init__(self, message: str, *, status: int | None = None, timeout: bool = False):
        super().__init__(message)
        self.status, self.timeout = status, timeout


@dataclass
class Answer:
    status: int
    data: bytes = b""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def host_of(url: str) -> str:
    parts = urlsplit(url or "")
    return (parts.hostname or "").lower() + (f":{parts.port}" if parts.port else "")


class _Redirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allowed: set[str]):
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if host_of(newurl) not in self.allowed:
            raise Refused(
                _("The source redirects to %(host)s, a host no source is configured for.")
                % {"host": host_of(newurl)}
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _wait_turn(host: str, interval: float) -> None:
    with _lock:
        now = time.monotonic()
        ready = _last_by_host.get(host, 0.0) + interval
        _last_by_host[host] = max(now, ready)
    if ready > now:
        time.sleep(ready - now)


def get(
    url: str,
    *,
    allowed_hosts: set[str],
    etag: str = "",
    last_modified: str = "",
    timeout: float = TIMEOUT,
    interval: float = MIN_INTERVAL,
) -> Answer:
    """GET ``url`` if its host is among ``allowed_hosts``; raise Refused or Failed."""
    host = host_of(url)
    if urlsplit(url or "").scheme not in ("http", "https") or host not in allowed_hosts:
        raise Refused(
            _("%(host)s is not a host configured for any source.") % {"host": host or url}
        )
    _wait_turn(host, interval)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    opener = urllib.request.build_opener(_Redirects(allowed_hosts))
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise Failed(_("The answer is larger than 5 MB."), status=response.status)
            return Answer(
                status=response.status,
                data=data,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Answer(status=304, etag=etag, last_modified=last_modified)
        raise Failed(
            _("The server answered %(status)d.") % {"status": exc.code}, status=exc.code
        ) from exc
    except TimeoutError as exc:
        raise Failed(_("No answer within %(s)d seconds.") % {"s": timeout}, timeout=True) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise Failed(
                _("No answer within %(s)d seconds.") % {"s": timeout}, timeout=True
            ) from exc
        if isinstance(exc.reason, Refused):
            raise exc.reason from exc
        raise Failed(_("The source cannot be reached: %(error)s") % {"error": exc.reason}) from exc
