"""manage.py witness: run a C2SP tlog-witness for other platforms' logs, on its own port."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from oversight.ledger import keys, witness
from oversight.ledger.tlog import CheckpointError
from oversight.ledger.tlog.cosignature import MAX_REQUEST_BYTES


class Command(BaseCommand):
    help = (
        "Run a witness (C2SP tlog-witness): POST <address>/add-checkpoint cosigns a checkpoint of "
        "a log in LEDGER_WITNESS_LOGS (or --log) that is consistent with the last one it "
        "cosigned for that origin, kept in this platform's database. With --print-key, print "
        "the witness's verifier key (what the logs put in their LEDGER_WITNESSES) and stop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--listen",
            default=None,
            help="host:port to listen on (default LEDGER_WITNESS_LISTEN, 127.0.0.1:8764)",
        )
        parser.add_argument(
            "--log",
            action="append",
            default=[],
            metavar="VKEY",
            help="the verifier key of a log to witness, in addition to LEDGER_WITNESS_LOGS",
        )
        parser.add_argument(
            "--ensure-key",
            action="store_true",
            help="create the default witness key var/ledger_witness_key.pem if absent",
        )
        parser.add_argument("--print-key", action="store_true", help="print the verifier key")

    def handle(self, *args, listen=None, log=(), ensure_key=False, print_key=False, **options):
        try:
            if ensure_key or not settings.LEDGER_WITNESS_KEY_CONFIGURED:
                path, created = keys.ensure_witness_key()
                if created:
                    self.stderr.write(f"Created the witness key {path}; keep a copy.")
            cosigner = keys.witness_cosigner()
            logs = witness.trusted_logs(log)
        except (keys.SigningKeyError, CheckpointError) as exc:
            raise CommandError(str(exc)) from exc
        if print_key:
            self.stdout.write(cosigner.verifier.vkey)
            return
        if not logs:
            raise CommandError("no log to witness: set LEDGER_WITNESS_LOGS or pass --log VKEY")
        host, sep, port = (listen or settings.LEDGER_WITNESS_LISTEN).rpartition(":")
        if not sep or not port.isdigit():
            raise CommandError("--listen takes host:port")
        server = ThreadingHTTPServer((host.strip("[]") or "127.0.0.1", int(port)), _handler(logs))
        server.daemon_threads = True
        self.stdout.write(
            f"witness {cosigner.verifier.vkey}\n"
            f"listening on http://{host}:{server.server_address[1]}/add-checkpoint for "
            + ", ".join(sorted(logs)),
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _handler(logs):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the spec recommends
        server_version = "oversight-witness"

        def do_POST(self):  # noqa: N802 (http.server's naming)
            if self.path.rstrip("/").rsplit("/", 1)[-1] != "add-checkpoint":
                return self._send(witness.Answer(404, "text/plain", b"not found\n"))
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._send(witness.Answer(411, "text/plain", b"length required\n"))
            if not 0 <= length <= MAX_REQUEST_BYTES:
                return self._send(witness.Answer(413, "text/plain", b"too large\n"))
            body = self.rfile.read(length)
            close_old_connections()
            try:
                answer = witness.add_checkpoint(body, logs=logs)
            finally:
                close_old_connections()
            self._send(answer)

        def _send(self, answer):
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format, *args):  # noqa: A002
            witness.log.info("%s %s", self.address_string(), format % args)

    return Handler
