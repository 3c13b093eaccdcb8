"""manage.py submit_checkpoint: sign a checkpoint if the log grew, then get it witnessed."""

from django.core.management.base import BaseCommand, CommandError

from oversight.ledger import keys, services


class Command(BaseCommand):
    help = (
        "Sign a checkpoint when the log has grown (what the worker does every minute), then "
        "submit the latest checkpoint to each witness of LEDGER_WITNESSES that has not cosigned "
        "it. Prints each witness's answer; exits non-zero when one refused."
    )

    def handle(self, *args, **options):
        try:
            services.issue_checkpoint()
        except (services.LedgerInconsistent, keys.SigningKeyError) as exc:
            raise CommandError(str(exc)) from exc
        latest = services.latest_checkpoint()
        results = services.submit_to_witnesses()
        for result in results:
            self.stdout.write(
                f"{result.witness}: {result.outcome} checkpoint {result.checkpoint_size} "
                f"(from {result.old_size}) {result.message}".rstrip()
            )
        self.stdout.write(f"checkpoint {latest.size if latest else 0}")
        refused = [r for r in results if r.outcome == r.Outcome.REFUSED]
        if refused:
            raise CommandError(f"{len(refused)} witness(es) refused the checkpoint")
