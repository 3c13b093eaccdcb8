"""Start the web server (gunicorn) and the background worker (Huey) together; stop both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from oversight.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Serve the platform with gunicorn and run the Huey worker and scheduler beside it."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )

    def handle(self, *args, bind: str, web_workers: int, **options):
        python = sys.executable
        gunicorn = [
            python,
            "-m",
            "gunicorn",
            "oversight.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(web_workers),
            "--access-logfile",
            "-",
            # the public channel's requests are logged without address or browser
            "--logger-class",
            "oversight.public.gunicorn_logging.PrivacyLogger",
            "--graceful-timeout",
            "10",
        ]
        worker = [python, "manage.py", "run_huey", "--logfile", str(settings.VAR_DIR / "huey.log")]
        children = [
            subprocess.Popen(gunicorn, cwd=settings.BASE_DIR),
            subprocess.Popen(worker, cwd=settings.BASE_DIR),
        ]
        self._banner(bind)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        if not stopping:
            names = ("web server", "worker")
            ended = [name for name, child in zip(names, children, strict=True) if child.returncode]
            self.stderr.write(f"Oversight stopped because the {' and '.join(ended)} ended.")
            sys.exit(1)
        self.stdout.write("Oversight stopped.")

    def _banner(self, bind: str) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Oversight is running at http://{bind}/"))
        out.write(f"Health: http://{bind}/healthz    API schema: http://{bind}/api/schema/")
        out.write(f"Demonstration accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, where in DEMO_ACCOUNTS:
            out.write(f"  {username:<14} {role:<34} {where}")
        out.write("Press Ctrl-C to stop the server and the worker.")
        out.write("")
