"""manage.py ledger_key: show the log's public key, or create the default signing key."""

from django.core.management.base import BaseCommand, CommandError

from oversight.ledger import keys


class Command(BaseCommand):
    help = (
        "Print the ledger's verifier key (what /ledger/key serves). With --ensure, first create "
        "var/ledger_signing_key.pem when LEDGER_SIGNING_KEY_FILE is unset and no key exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure", action="store_true", help="create the default key if absent"
        )
        parser.add_argument("--pem", action="store_true", help="print the public key as PEM")

    def handle(self, *args, ensure=False, pem=False, **options):
        try:
            if ensure:
                path, created = keys.ensure_key()
                if created:
                    self.stdout.write(
                        f"Created the ledger signing key {path} (set LEDGER_SIGNING_KEY_FILE to "
                        "use your own; keep a copy: checkpoints can only be verified with it)."
                    )
                return
            verifier = keys.verifier()
        except keys.SigningKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(verifier.public_key_pem().decode("ascii") if pem else verifier.vkey)
