"""manage.py public_keys: create the public channel's keys, rotate the identity key.

    public_keys --ensure              create var/public_keys when the keys are not configured
    public_keys --new-identity-key    put a new identity key first in var/public_keys
    public_keys --reencrypt           re-encrypt stored identities under the current key

Rotation: ``--new-identity-key`` (or a new ``id:key`` first in ``PUBLIC_IDENTITY_KEYS``),
restart the server and worker so they encrypt with it, ``--reencrypt``; when the old key holds
no token any more (the command says so), remove it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oversight.lib.crypto import DecryptionError
from oversight.public import keys, services


class Command(BaseCommand):
    help = "Create the public channel's keys when absent; rotate the reporters' identity key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure", action="store_true", help="create the default key file if absent"
        )
        parser.add_argument(
            "--new-identity-key",
            action="store_true",
            help="put a new identity key first in var/public_keys (it encrypts from now on)",
        )
        parser.add_argument(
            "--reencrypt",
            action="store_true",
            help="re-encrypt every stored identity under the current key",
        )

    def handle(self, *args, ensure=False, new_identity_key=False, reencrypt=False, **options):
        from_environment = settings.PUBLIC_IDENTITY_KEYS and settings.PUBLIC_LOOKUP_KEY
        if from_environment:
            self.stdout.write("The public channel's keys come from the environment.")
        elif ensure:
            path, created = keys.ensure_file()
            if created:
                self.stdout.write(f"Created {path}; keep a copy: reporters' identities need it.")
        try:
            if new_identity_key:
                key_id = keys.add_identity_key()
                self.stdout.write(
                    f"Identity key {key_id} now encrypts; keep a copy of {keys.key_path()}. "
                    "Restart the server and worker, then run public_keys --reencrypt."
                )
            cipher = keys.cipher()
        except keys.PublicKeyError as exc:
            raise CommandError(str(exc)) from exc
        if reencrypt:
            try:
                changed = services.identity_reencrypt()
            except DecryptionError as exc:
                raise CommandError(f"Stopped: {exc}") from exc
            self.stdout.write(f"Re-encrypted the identities of {changed} complaints.")
        if new_identity_key or reencrypt:
            use = services.identity_key_use()
            held = ", ".join(f"{key_id}: {count}" for key_id, count in sorted(use.items()))
            self.stdout.write(f"Identity tokens by key: {held or 'none'}.")
            idle = sorted(k for k in cipher.key_ids if k != cipher.current and not use[k])
            if idle:
                self.stdout.write(f"No token needs key(s) {', '.join(idle)} any more.")
