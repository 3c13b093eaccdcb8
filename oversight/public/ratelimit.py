"""Abuse limits that identify no one: counters per browser session (a random cookie that is
tied to nothing) and for the whole site, in fixed windows kept in the cache.

No address, browser or account is used. With several web processes the cache must be shared
(Redis) for the limits to hold across them.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

SESSION_COOKIE = "opub"


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one use in the current window; False when the limit is exceeded."""
    slot = int(time.time()) // window
    full = f"public:rl:{key}:{slot}"
    cache.add(full, 0, window + 5)
    try:
        count = cache.incr(full)
    except ValueError:  # evicted between add and incr
        cache.set(full, 1, window + 5)
        count = 1
    return count <= limit


def _peek(key: str, limit: int, window: int) -> bool:
    slot = int(time.time()) // window
    return (cache.get(f"public:rl:{key}:{slot}") or 0) < limit


def session_key(request) -> str | None:
    """The digest of the visitor's random session cookie, or None when they have none."""
    value = request.COOKIES.get(SESSION_COOKIE, "")
    if not (16 <= len(value) <= 64) or not value.isalnum():
        return None
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def allow(
    request, action: str, *, per_session: tuple[int, int], overall: tuple[int, int] | None
) -> bool:
    """Count one ``action`` for the visitor's session and for the site; False when refused.

    ``per_session`` and ``overall`` are (limit, window in seconds).
    """
    session = session_key(request)
    if session is None:
        return False
    if overall is not None and not _peek(f"{action}:all", *overall):
        return False
    if not _hit(f"{action}:s:{session}", *per_session):
        return False
    return overall is None or _hit(f"{action}:all", *overall)


def count_failure(action: str, overall: tuple[int, int]) -> None:
    """Count a failure (a wrong tracking code) towards a site-wide limit."""
    _hit(f"{action}:fail", *overall)


def failures_allowed(action: str, overall: tuple[int, int]) -> bool:
    return _peek(f"{action}:fail", *overall)


def allow_key(key: str, action: str, limit: tuple[int, int]) -> bool:
    """Count one use by a partner key (its digest) in the window."""
    return _hit(f"{action}:k:{key}", *limit)
