"""Scaled out as production runs: two web processes and one Huey worker, each its own process.

With PostgreSQL and Redis (``REDIS_URL``), a rate limit holds across both web processes (its
counters are in Redis, not in each process) and a job enqueued by one web process is taken from
Redis by the worker and run once. Without Redis, the default cache is on disk and shared, so
the limit holds across the two processes as well.

The servers run on a database of their own, made and dropped here; nothing runs in Huey's
immediate mode. Redis and PostgreSQL come from ``TEST_REDIS_URL`` / ``REDIS_URL`` and
``TEST_POSTGRES_URL`` / ``DATABASE_URL``; missing, the test is skipped, except under CI
(``CI=true``), where it fails.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.scale_out

LOOKUPS = 6  # tracking-code attempts a session may make in ten minutes (set for the servers)


def _missing(what: str):
    if CI:
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} not available here (CI runs this test)")


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or ""
    if not url:
        _missing("Redis (TEST_REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        _missing(f"Redis at {url}")
    return url


def _postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        _missing("PostgreSQL (TEST_POSTGRES_URL)")
    return url


@contextmanager
def _fresh_postgres(url: str):
    import psycopg

    name = f"oversight_scale_{secrets.token_hex(4)}"
    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "OVERSIGHT_", "PYTEST", "REDIS_URL", "HUEY_"))
    }
    env.update(
        OVERSIGHT_VAR_DIR=str(tmp),
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        LEDGER_CREATE_KEY="true",
        PUBLIC_CREATE_KEYS="true",
        PUBLIC_LOOKUPS_PER_SESSION_10MIN=str(LOOKUPS),
        NOTIFY_CHANNELS="email",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",  # into worker.log
        STATIC_ROOT=str(tmp / "static"),
        DEBUG="true",  # static files from the finders: no collectstatic for a test
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _manage(env, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextmanager
def _servers(env, tmp: Path, *, worker: bool):
    ports = [_free_port(), _free_port()]
    processes = []
    logs = []
    try:
        for port in ports:
            log = open(tmp / f"web-{port}.log", "w")  # noqa: SIM115
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "oversight.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        if worker:
            log = open(tmp / "worker.log", "w")  # noqa: SIM115
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "run_huey", "--workers", "1"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port in ports:
            _wait_up(port, processes, tmp)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def _wait_up(port: int, processes, tmp: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/p/", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    logs = "\n".join(p.read_text() for p in tmp.glob("*.log"))
    pytest.fail(f"the server on {port} did not start:\n{logs[-3000:]}")


def _opener(cookie_value: str | None = None):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "en")]
    if cookie_value:
        opener.addheaders.append(("Cookie", f"opub={cookie_value}"))
    return opener, jar


def _post(opener, url: str, data: dict, headers: dict | None = None) -> int:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), headers=headers or {}, method="POST"
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wrong_codes_until_refused(ports: list[int]) -> list[int]:
    """One visitor (one session cookie) tries wrong tracking codes on both servers in turn."""
    opener, _ = _opener(cookie_value=secrets.token_hex(16))
    statuses = []
    for attempt in range(LOOKUPS * 2):
        port = ports[attempt % 2]
        statuses.append(
            _post(opener, f"http://127.0.0.1:{port}/p/track/", {"code": "wrong" * 4 + str(attempt)})
        )
    return statuses


def _assert_limit_holds_across(ports: list[int]) -> None:
    statuses = _wrong_codes_until_refused(ports)
    # each process counting alone would allow LOOKUPS on each, twice as many in all
    assert statuses[:LOOKUPS] == [400] * LOOKUPS, statuses
    assert statuses[LOOKUPS:] == [429] * LOOKUPS, statuses


def _sign_in(port: int, username: str, password: str):
    opener, jar = _opener()
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/orgs/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status = _post(
        opener,
        f"{base}/orgs/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
        {"Referer": f"{base}/orgs/login/"},
    )
    assert status == 200, status
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    return opener, csrf


def _deliveries(env) -> list[str]:
    out = _manage(
        env,
        "shell",
        "-c",
        "from oversight.notify.models import Delivery\n"
        "for d in Delivery.objects.order_by('pk'):\n"
        "    print('delivery', d.channel, d.state, d.attempts, d.error)",
    ).stdout
    return [
        line.split(" ", 1)[1].strip() for line in out.splitlines() if line.startswith("delivery ")
    ]


@pytest.fixture
def redis_and_postgres(tmp_path):
    redis_url = _redis_url()
    with _fresh_postgres(_postgres_url()) as database_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env = _environment(tmp_path, database_url, redis_url)
        _manage(env, "migrate", "--noinput", "-v0")
        yield env


def test_it_holds_limits_and_runs_a_job_once_across_two_web_processes(redis_and_postgres, tmp_path):
    env = redis_and_postgres
    password = secrets.token_urlsafe(12)
    _manage(
        {**env, "SCALE_PASSWORD": password},
        "shell",
        "-c",
        "import os\n"
        "from oversight.orgs.models import Account, OrgNode\n"
        "from oversight.orgs.services import node_create\n"
        "node_create(name='County', code='c', type=OrgNode.Type.COMMISSION, parent=None)\n"
        "Account.objects.create_superuser('scale', os.environ['SCALE_PASSWORD'],"
        " email='scale@example.org')",
    )
    with _servers(env, tmp_path, worker=True) as ports:
        _assert_limit_holds_across(ports)

        # a job enqueued by the first web process: the e-mail of a test message
        opener, csrf = _sign_in(ports[0], "scale", password)
        base = f"http://127.0.0.1:{ports[0]}"
        status = _post(
            opener,
            f"{base}/notifications/settings/test/",
            {"csrfmiddlewaretoken": csrf},
            {"Referer": f"{base}/notifications/settings/", "X-CSRFToken": csrf},
        )
        assert status == 200, status
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _deliveries(env) != ["email sent 1"]:
            time.sleep(0.5)
        assert _deliveries(env) == ["email sent 1"]
        time.sleep(2)  # anything that would run it a second time has had its chance
        assert _deliveries(env) == ["email sent 1"]
        assert (tmp_path / "worker.log").read_text().count("To: scale@example.org") == 1
        for port in ports:  # neither web process ran it itself
            assert "To: scale@example.org" not in (tmp_path / f"web-{port}.log").read_text()


def test_it_shares_the_default_cache_between_web_processes_without_redis(tmp_path):
    env = _environment(tmp_path, f"sqlite:///{tmp_path / 'oversight.sqlite3'}", None)
    _manage(env, "migrate", "--noinput", "-v0")
    with _servers(env, tmp_path, worker=False) as ports:
        _assert_limit_holds_across(ports)
