"""manage.py ledger_baseline: record the state of the traced rows that have no leaf yet."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from oversight.ledger import services


class Command(BaseCommand):
    help = (
        "For a database upgraded from before traced rows existed: record one leaf "
        "(ledger.baseline) per traced row that has none or whose latest leaf keeps no state. "
        "Refuses while verify_ledger finds any other kind of mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actor", default="", help="username of the administrator")

    def handle(self, *args, **options):
        from oversight.orgs.models import Account

        actor = None
        if options["actor"]:
            actor = Account.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"no account {options['actor']!r}")
        try:
            count = services.record_baseline(actor=actor)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"baseline: {count} leaves recorded"))
