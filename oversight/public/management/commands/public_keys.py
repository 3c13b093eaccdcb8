"""manage.py public_keys --ensure: create var/public_keys when the keys are not configured."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oversight.public import keys


class Command(BaseCommand):
    help = "Create var/public_keys (identity and lookup keys of the public channel) when absent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure", action="store_true", help="create the default key file if absent"
        )

    def handle(self, *args, ensure=False, **options):
        if settings.PUBLIC_IDENTITY_KEYS and settings.PUBLIC_LOOKUP_KEY:
            self.stdout.write("The public channel's keys come from the environment.")
            return
        if ensure:
            path, created = keys.ensure_file()
            if created:
                self.stdout.write(f"Created {path}; keep a copy: reporters' identities need it.")
        try:
            keys.cipher()
        except keys.PublicKeyError as exc:
            raise CommandError(str(exc)) from exc
