"""Gunicorn's access log without the client's address, port, browser or referrer on the public
channel's URLs (the public pages and Open311). Use it with
``gunicorn --logger-class oversight.public.gunicorn_logging.PrivacyLogger``; staff URLs are
logged as before."""

from __future__ import annotations

from gunicorn.glogging import Logger

PUBLIC_PREFIXES = ("/p/", "/open311/")
_IDENTIFYING = (
    "remote_addr",
    "remote_port",
    "user-agent",
    "user_agent",
    "x-forwarded-for",
    "x-real-ip",
    "forwarded",
    "referer",
    "cf-connecting-ip",
    "true-client-ip",
)


def scrub(atoms: dict, path: str) -> dict:
    """The atoms with every identifying value replaced by "-" when ``path`` is public."""
    if not path.startswith(PUBLIC_PREFIXES):
        return atoms
    cleaned = dict(atoms)
    for key in ("h", "a", "f"):
        cleaned[key] = "-"
    for key in list(cleaned):
        if key.startswith("{") and any(word in key.lower() for word in _IDENTIFYING):
            cleaned[key] = "-"
    return cleaned


class PrivacyLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        return scrub(
            super().atoms(resp, req, environ, request_time), environ.get("PATH_INFO") or ""
        )
