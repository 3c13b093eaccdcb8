"""Build the demonstration county, deterministically and idempotently."""

from django.core.management.base import BaseCommand
from django.db import transaction

from oversight.core import demo
from oversight.orgs.models import OrgNode


class Command(BaseCommand):
    help = "Build the demonstration county (same seed, same county; running twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has an org tree.",
        )

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if if_empty and OrgNode.objects.exists():
            self.stdout.write(
                "The database already has data; the demonstration county was not loaded."
            )
            return
        with transaction.atomic():
            demo.build(seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("The demonstration county is ready."))
