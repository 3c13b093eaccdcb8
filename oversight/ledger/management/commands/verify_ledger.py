"""manage.py verify_ledger: recompute the whole ledger and name every mismatch."""

from django.core.management.base import BaseCommand, CommandError

from oversight.ledger import services


class Command(BaseCommand):
    help = (
        "Recompute every leaf from its columns (and fixed records from their rows), every tree "
        "node, every checkpoint signature, the consistency of consecutive checkpoints and every "
        "kept cosignature of a configured witness. "
        "Prints each mismatch and exits non-zero when there is one."
    )

    def handle(self, *args, **options):
        run, report = services.run_verification()
        for mismatch in report.mismatches:
            self.stdout.write(f"MISMATCH {mismatch}")
        elapsed = (run.finished_at - run.started_at).total_seconds()
        figures = (
            f"{report.size} leaves, {report.nodes} nodes, {report.checkpoints} checkpoints, "
            f"{report.cosignatures} cosignatures in {elapsed:.1f} s"
        )
        if report.unchecked_cosignatures:
            figures += (
                f"; {report.unchecked_cosignatures} cosignatures of witnesses no longer "
                "configured not checked"
            )
        if not report.ok:
            raise CommandError(f"{len(report.mismatches)} mismatches ({figures})")
        self.stdout.write(self.style.SUCCESS(f"ledger verified: {figures}"))
