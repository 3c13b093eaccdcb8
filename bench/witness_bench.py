#!/usr/bin/env python3
"""Witness benchmark: how long a witness takes to cosign a checkpoint (target < 50 ms).

    .venv/bin/python bench/witness_bench.py                      # a log of 2^20 leaves
    .venv/bin/python bench/witness_bench.py --leaves 4194304 --rounds 500

Runs against a fresh SQLite database in a temporary directory (WAL, as the platform runs by
default). Another platform's log is simulated in memory; its checkpoints are submitted one after
the other, each growing the log by ``--step`` leaves past ``--leaves - rounds * step``, with the
consistency proof from the previous one. For each it prints the median and 99th percentile of:

- ``witness.add_checkpoint``: parse the request, verify the log's signature, lock and read the
  witness's state for the origin, verify the consistency proof, store the new state, cosign;
- the same over HTTP on the loopback, through ``manage.py witness``'s own server (one request per
  connection, the slower case: the spec recommends keep-alive).

Never part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402


def setup(directory: Path, log_vkey: str) -> None:
    os.environ["OVERSIGHT_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ["LEDGER_WITNESS_LOGS"] = log_vkey
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=1 << 20)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--step", type=int, default=97)
    args = parser.parse_args()

    from oversight.ledger.tlog import Signer, sign_checkpoint
    from oversight.ledger.tlog.checkpoint import Checkpoint
    from oversight.ledger.tlog.cosignature import format_submission, submit
    from oversight.ledger.tlog.merkle import MemoryStore, consistency_proof, leaf_hash, root

    origin = "bench-county.example/ledger"
    signer = Signer.from_seed(origin, bytes(range(32)))
    started = time.perf_counter()
    store = MemoryStore(leaf_hash(n.to_bytes(8, "big")) for n in range(args.leaves))
    built = time.perf_counter() - started
    start = args.leaves - 2 * args.rounds * args.step
    sizes = [start + n * args.step for n in range(2 * args.rounds + 1)]
    bodies = []
    for old, new in zip(sizes, sizes[1:], strict=False):
        note = sign_checkpoint(Checkpoint(origin, new, root(store, new)), signer)
        bodies.append(format_submission(old, consistency_proof(store, old, new), note))
    first = sign_checkpoint(Checkpoint(origin, sizes[0], root(store, sizes[0])), signer)

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        setup(directory, signer.verifier.vkey)
        from django.conf import settings

        from oversight.ledger import keys, witness
        from oversight.ledger.management.commands.witness import _handler

        keys.ensure_witness_key()
        print(f"machine: {describe()}")
        print(f"database: SQLite (WAL) in {directory}")
        print(
            f"log of {args.leaves:,} leaves built in memory in {built:.1f} s; checkpoints from "
            f"{sizes[0]:,} growing by {args.step} leaves, {args.rounds} rounds each way"
        )
        assert witness.add_checkpoint(format_submission(0, [], first)).status == 200

        samples = []
        for body in bodies[: args.rounds]:
            began = time.perf_counter()
            answer = witness.add_checkpoint(body)
            samples.append(time.perf_counter() - began)
            assert answer.status == 200, answer
        print(f"cosign a checkpoint, in process: {figures(samples)}")

        from http.server import ThreadingHTTPServer

        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(witness.trusted_logs()))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        samples = []
        for body in bodies[args.rounds :]:
            began = time.perf_counter()
            reply = submit(url, body, timeout=10)
            samples.append(time.perf_counter() - began)
            assert reply.status == 200, reply
        server.shutdown()
        print(f"cosign a checkpoint, over HTTP on the loopback: {figures(samples)}")
        print(f"witness {settings.LEDGER_WITNESS_NAME}; target < 50 ms")


if __name__ == "__main__":
    main()
