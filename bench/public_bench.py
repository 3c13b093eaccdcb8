"""Public-channel load benchmark: tracking-code lookups and complaint submissions against the
server `make run` starts, at fixed arrival rates, then a check that every submission is in the
database exactly once.

    .venv/bin/python bench/public_bench.py                       # 300 lookups/s + 50 submissions/s, 5 min
    .venv/bin/python bench/public_bench.py --duration 30         # a quicker run
    .venv/bin/python bench/public_bench.py --lookups 0 --submissions 80

The script prepares its own database under ``bench/out/public/`` exactly as ``make run`` does
(migrate, keys, the demo county when empty) and starts ``manage.py serve`` (gunicorn and the
Huey worker, the `make run` server) on a free port. The load comes from this process: asyncio
clients on loopback, one fresh connection per request (gunicorn's sync workers close them), each
citizen a new random session cookie, arrivals on a fixed schedule (open loop), so that a slow
server cannot slow the offered load down and every latency is counted from the moment the
request was due, not from when it could be sent.

One lookup is what a citizen's browser does: POST the code to /p/track/, which answers with the
tracking page (and the tracking cookie); the page must show the complaint's number. One submission
is GET /p/complain/ (the form and its nonce) then POST it (the tracking-code page); one in
fifty is sent twice, as a double tap does, and must be refused as a duplicate (409). A fifth are
named (name and phone, encrypted at rest).

Prints the offered and achieved rates, the slowest 10-second window, latency percentiles per
request and per citizen action, status counts, the CPU used by the server and by the load
generator, and the check of the database. Exits with status 1 when a submission is missing or
duplicated or a request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402

CODE = re.compile(rb'data-testid="tracking-code">([^<]+)<')
REFERENCE = re.compile(rb'data-testid="reference">([^<]+)<')
NONCE = re.compile(rb'name="nonce" value="([^"]+)"')
SELECT = re.compile(rb'<select[^>]*name="(power_item|subject_node)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(rb'<option value="(\d+)"')


def environment(out: Path) -> dict[str, str]:
    """The server's environment: its own database, keys and files under ``out``."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        OVERSIGHT_VAR_DIR=str(out),
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{out / 'oversight.sqlite3'}"),
        SECRET_KEY_FILE=str(out / "secret_key"),
        STATIC_ROOT=str(out / "static"),
        PUBLIC_SUBMISSIONS_PER_MINUTE=os.environ.get("PUBLIC_SUBMISSIONS_PER_MINUTE", "6000"),
    )
    env.pop("SECRET_KEY", None)
    return env


def prepare(out: Path, env: dict[str, str]) -> None:
    """What `make run` does before it serves."""
    out.mkdir(parents=True, exist_ok=True)
    key = out / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(50))
        key.chmod(0o600)
    python = sys.executable
    for step in (
        ["collectstatic", "--noinput", "-v0"],
        ["migrate", "--noinput", "-v0"],
        ["ledger_key", "--ensure"],
        ["public_keys", "--ensure"],
        ["demo", "--if-empty"],
    ):
        subprocess.run([python, "manage.py", *step], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a minimal HTTP/1.1 client: one connection per request ----------------------------------


@dataclass
class Response:
    status: int
    cookies: dict[str, str]
    body: bytes


class _Exchange(asyncio.Protocol):
    """One request on one connection, read until the server closes it: a bare protocol
    instead of asyncio's streams, so that the load generator spends as little of the machine's
    CPU as it can (it shares the machine with the server it measures)."""

    def __init__(self, payload: bytes, done: asyncio.Future):
        self.payload, self.done, self.chunks = payload, done, []

    def connection_made(self, transport):
        transport.write(self.payload)

    def data_received(self, data):
        self.chunks.append(data)

    def connection_lost(self, exc):
        if not self.done.done():
            if exc is None:
                self.done.set_result(b"".join(self.chunks))
            else:
                self.done.set_exception(exc)


async def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        "Accept-Language: zh-hans",
    ]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    body = b""
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        head += [
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    payload = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    await loop.create_connection(lambda: _Exchange(payload, done), "127.0.0.1", port)
    raw = await done
    header, _, content = raw.partition(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    status = int(lines[0].split()[1])
    set_cookies = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"set-cookie":
            pair = value.strip().split(b";", 1)[0].decode()
            key, _, val = pair.partition("=")
            set_cookies[key] = val
    return Response(status, set_cookies, content)


# --- the citizens -----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    started: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, what: str, started: float, status: int | None = None) -> None:
        now = time.monotonic()
        self.latencies[what].append(now - started)
        self.started[what].append(started)
        if status is not None:
            self.statuses[f"{what} {status}"] += 1

    def fail(self, what: str, why: str) -> None:
        self.failures[f"{what}: {why}"] += 1


@dataclass
class Citizens:
    port: int
    power_items: list[str]
    nodes: list[str]
    tally: Tally
    measuring: bool = False
    codes: list[tuple[str, str]] = field(default_factory=list)
    submitted: dict[str, str] = field(default_factory=dict)  # marker -> reference
    rng: random.Random = field(default_factory=lambda: random.Random(2026))

    async def submit(self, due: float) -> None:
        tally, measuring = self.tally, self.measuring
        try:
            started = time.monotonic()
            form_page = await request(self.port, "GET", "/p/complain/")
            if measuring:
                tally.record("GET /p/complain/", started, form_page.status)
            nonce = NONCE.search(form_page.body)
            if form_page.status != 200 or nonce is None or "opub" not in form_page.cookies:
                tally.fail("submit", f"form page {form_page.status}")
                return
            marker = secrets.token_hex(8)
            named = self.rng.random() < 0.2
            form = {
                "nonce": nonce.group(1).decode(),
                "power_item": self.rng.choice(self.power_items),
                "subject_node": self.rng.choice(self.nodes),
                "subject_text": "窗口工作人员",
                "content": f"压力测试投诉 {marker}：办事时被要求另交材料费，未开具票据。",
                "happened_on": "2026-11-01",
                "named": "1" if named else "0",
                "name": "张三" if named else "",
                "phone": f"139{self.rng.randrange(10**8):08d}" if named else "",
                "contact": "",
            }
            cookies = {"opub": form_page.cookies["opub"]}
            started = time.monotonic()
            sent = await request(self.port, "POST", "/p/complain/", cookies=cookies, form=form)
            if measuring:
                tally.record("POST /p/complain/", started, sent.status)
            code, reference = CODE.search(sent.body), REFERENCE.search(sent.body)
            if sent.status != 200 or code is None or reference is None:
                tally.fail("submit", f"POST {sent.status}")
                return
            self.submitted[marker] = reference.group(1).decode()
            self.codes.append((code.group(1).decode(), reference.group(1).decode()))
            if measuring:
                tally.record("submission (GET form + POST, from when due)", due)
            if self.rng.random() < 0.02:  # the double tap
                started = time.monotonic()
                again = await request(self.port, "POST", "/p/complain/", cookies=cookies, form=form)
                if measuring:
                    tally.record("POST /p/complain/ again (double tap)", started, again.status)
                if again.status != 409:
                    tally.fail("double tap", f"status {again.status}")
        except (OSError, ValueError, IndexError) as exc:
            tally.fail("submit", type(exc).__name__)

    async def look_up(self, due: float) -> None:
        tally = self.tally
        code, reference = self.rng.choice(self.codes)
        try:
            cookies = {"opub": secrets.token_hex(16)}
            started = time.monotonic()
            page = await request(
                self.port, "POST", "/p/track/", cookies=cookies, form={"code": code}
            )
            tally.record("POST /p/track/", started, page.status)
            if (
                page.status != 200
                or "opub_track" not in page.cookies
                or reference.encode() not in page.body
            ):
                tally.fail("lookup", f"status {page.status}")
                return
            tally.record("lookup (from when it was due)", due)
        except (OSError, ValueError, IndexError) as exc:
            tally.fail("lookup", type(exc).__name__)


async def arrivals(rate: float, action, start: float, end: float, tasks: set, done: list) -> None:
    """Start ``action(due)`` at ``rate`` per second from ``start`` to ``end``, whatever happens."""
    if rate <= 0:
        return
    loop = asyncio.get_running_loop()
    n = 0
    while (due := start + n / rate) < end:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(action(due))
        tasks.add(task)
        task.add_done_callback(lambda t: (tasks.discard(t), done.append(time.monotonic())))
        n += 1


def cpu_seconds(pids: list[int]) -> Counter:
    """User + system CPU seconds so far of these processes (Linux /proc), by role: the web
    server's processes and the Huey worker."""
    spent: Counter = Counter()
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        role = "web" if b"gunicorn" in command else "worker" if b"run_huey" in command else "other"
        spent[role] += sum(int(x) for x in fields[11:13]) / ticks
    return spent


def process_tree(root: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children = defaultdict(list)
    for line in out.splitlines():
        pid, ppid = (int(x) for x in line.split())
        children[ppid].append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children[pid]
    return found


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (
        f"n={len(ordered):>7,}  p50 {at(0.5):6.1f}  p95 {at(0.95):6.1f}  p99 {at(0.99):6.1f}  "
        f"max {ordered[-1] * 1000:7.1f} ms"
    )


async def wait_healthy(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await request(port, "GET", "/healthz")).status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("the server did not become healthy")


async def drive(args, port: int, server_pids) -> tuple[Citizens, dict]:
    await wait_healthy(port)
    page = await request(port, "GET", "/p/complain/")
    choices = {m.group(1).decode(): OPTION.findall(m.group(2)) for m in SELECT.finditer(page.body)}
    citizens = Citizens(
        port=port,
        power_items=[v.decode() for v in choices.get("power_item", [])],
        nodes=[v.decode() for v in choices.get("subject_node", [])],
        tally=Tally(),
    )
    if not citizens.power_items or not citizens.nodes:
        raise SystemExit("the complaint form offers no matters or units")

    # warm up: complaints to look up, and every worker through its first requests
    print(f"warming up: {args.seed_complaints} complaints …", flush=True)
    loop = asyncio.get_running_loop()
    for _ in range(0, args.seed_complaints, 20):
        await asyncio.gather(*(citizens.submit(loop.time()) for _ in range(20)))
    if len(citizens.codes) < args.seed_complaints // 2:
        raise SystemExit(f"warm-up failed: {citizens.tally.failures}")
    citizens.tally = Tally()
    citizens.measuring = True

    print(
        f"measuring {args.duration} s: {args.lookups} lookups/s and {args.submissions} "
        f"submissions/s offered …",
        flush=True,
    )
    tasks: set = set()
    finished = {"lookup": [], "submit": []}
    server_cpu = cpu_seconds(server_pids())
    own_cpu = time.process_time()
    start = loop.time() + 0.5
    end = start + args.duration
    await asyncio.gather(
        arrivals(args.lookups, citizens.look_up, start, end, tasks, finished["lookup"]),
        arrivals(args.submissions, citizens.submit, start, end, tasks, finished["submit"]),
    )
    while tasks:
        await asyncio.sleep(0.1)
    wall = loop.time() - start
    figures = {
        "wall": wall,
        "start": start,
        "end": end,
        "finished": finished,
        "server_cpu": cpu_seconds(server_pids()) - server_cpu,  # Counter difference
        "own_cpu": time.process_time() - own_cpu,
    }
    return citizens, figures


def check_database(env: dict[str, str], submitted: dict[str, str]) -> tuple[int, int, int]:
    """(missing, duplicated, total) over the markers of every accepted submission."""
    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k in ("OVERSIGHT_VAR_DIR", "DATABASE_URL", "SECRET_KEY_FILE", "STATIC_ROOT")
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    import django

    django.setup()
    from oversight.public.models import Complaint

    marker = re.compile(r"压力测试投诉 ([0-9a-f]{16})")
    seen: Counter = Counter()
    references = {}
    for content, reference in Complaint.objects.filter(
        content__startswith="压力测试投诉 "
    ).values_list("content", "reference"):
        found = marker.search(content)
        if found:
            seen[found.group(1)] += 1
            references[found.group(1)] = reference
    missing = sum(1 for m, ref in submitted.items() if seen[m] == 0 or references.get(m) != ref)
    duplicated = sum(1 for m in submitted if seen[m] > 1)
    return missing, duplicated, sum(seen.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--lookups", type=float, default=300, help="lookups per second")
    parser.add_argument("--submissions", type=float, default=50, help="submissions per second")
    parser.add_argument("--seed-complaints", type=int, default=400)
    parser.add_argument(
        "--web-workers",
        type=int,
        default=None,
        help="gunicorn workers (default: what `make run` uses)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "public"))
    parser.add_argument(
        "--fresh", action="store_true", help="start from a new database (the demo county only)"
    )
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = Path(args.out)
    if args.fresh:
        shutil.rmtree(out, ignore_errors=True)
    env = environment(out)
    if args.web_workers:
        env["WEB_WORKERS"] = str(args.web_workers)
    prepare(out, env)
    port = free_port()
    log = open(out / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        citizens, figures = asyncio.run(drive(args, port, lambda: process_tree(server.pid)))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        log.close()

    tally, wall = citizens.tally, figures["wall"]
    print(f"\nmachine: {describe()}")
    print(
        f"server: manage.py serve ({env.get('WEB_WORKERS', '2')} gunicorn workers + Huey), "
        f"database {env['DATABASE_URL'].split('://')[0]}"
    )
    print(f"measured {wall:.1f} s (offered for {args.duration:.0f} s)")
    for kind, offered in (("lookup", args.lookups), ("submit", args.submissions)):
        times = figures["finished"][kind]
        if not offered:
            continue
        windows = Counter(int((t - figures["start"]) // 10) for t in times if t < figures["end"])
        full = [windows.get(w, 0) / 10 for w in range(int(args.duration // 10))]
        print(
            f"  {kind:7} offered {offered:6.1f}/s  completed {len(times) / args.duration:6.1f}/s  "
            f"slowest 10-s window {min(full, default=0):6.1f}/s"
        )
    print("latency, counted from when each request (or action) was due:")
    for what in sorted(tally.latencies):
        print(f"  {what:38} {percentiles(tally.latencies[what])}")
    print("p99 per 30-s window (ms), by when the action was due:")
    for what in sorted(tally.latencies):
        if "when" not in what:
            continue
        windows = defaultdict(list)
        for due, latency in zip(tally.started[what], tally.latencies[what], strict=True):
            windows[int((due - figures["start"]) // 30)].append(latency)
        p99 = [sorted(v)[int(0.99 * len(v))] * 1000 for _k, v in sorted(windows.items())]
        print(f"  {what.split(' (')[0]:11} " + " ".join(f"{x:.0f}" for x in p99))
    print("statuses: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(tally.statuses.items())))
    print("failures: " + (", ".join(f"{k}: {v}" for k, v in tally.failures.items()) or "none"))
    server_cpu = figures["server_cpu"]
    print(
        f"CPU seconds over {wall:.0f} s on {os.cpu_count()} cores: web server "
        f"{server_cpu['web']:.0f}, Huey worker {server_cpu['worker']:.0f}, "
        f"load generator {figures['own_cpu']:.0f}"
    )

    accepted = {m: r for m, r in citizens.submitted.items()}
    missing, duplicated, total = check_database(env, accepted)
    print(
        f"database: {len(accepted):,} accepted submissions (incl. warm-up); {total:,} benchmark "
        f"complaints stored; missing {missing}; duplicated {duplicated}"
    )
    return 1 if missing or duplicated or tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
