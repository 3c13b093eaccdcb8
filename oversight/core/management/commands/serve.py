"""Start the web server (gunicorn) and the background worker (Huey) together, start again
whichever one ends (``core.supervise``), stop both on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from oversight.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from oversight.core.supervise import Child, Supervisor


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
            # a gunicorn started again binds at once, even while request workers orphaned by a
            # master that was killed still hold the port for the few seconds they take to quit
            "--reuse-port",
        ]
        worker = [python, "manage.py", "run_huey", "--logfile", str(settings.VAR_DIR / "huey.log")]
        supervisor = Supervisor(
            children=[Child("web", "web server", gunicorn), Child("worker", "worker", worker)],
            cwd=str(settings.BASE_DIR),
        )
        self._banner(bind)
        supervisor.run()
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
