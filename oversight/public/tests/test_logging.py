"""The access-log scrubber for gunicorn: no address, browser or referrer on public URLs."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from oversight.public.gunicorn_logging import PrivacyLogger

ADDRESS, AGENT = "203.0.113.77", "SecretPhoneBrowser/7.7"


def _line(path: str) -> str:
    logger = PrivacyLogger(Config())
    environ = {
        "REMOTE_ADDR": ADDRESS,
        "REMOTE_PORT": "55123",
        "HTTP_USER_AGENT": AGENT,
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "HTTP_REFERER": "https://example.test/",
    }
    request = SimpleNamespace(headers=[("USER-AGENT", AGENT), ("X-FORWARDED-FOR", ADDRESS)])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    fmt = Config().access_log_format + " %({x-forwarded-for}i)s %({remote_addr}e)s"
    return fmt % atoms


def test_it_drops_the_address_and_browser_from_public_lines():
    line = _line("/p/complain/")
    assert (
        ADDRESS not in line
        and AGENT not in line
        and "example.test" not in line
        and "/p/complain/" in line
    )
    assert ADDRESS not in _line("/open311/v2/requests.json")


def test_it_keeps_staff_lines_as_they_are():
    assert ADDRESS in _line("/work/")
