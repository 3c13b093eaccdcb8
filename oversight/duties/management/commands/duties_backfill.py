"""Fill the stored rows of existing duty lists: each unit's live score (``UnitScore``) and each
report's print (``ReportPrint``, ``ReportBucket``), made from the reports' latest texts."""

from django.core.management.base import BaseCommand
from django.db import transaction

from oversight.loop import timing


class Command(BaseCommand):
    help = "Compute the stored scores and report prints of existing duty lists."

    def add_arguments(self, parser):
        parser.add_argument("--list", type=int, action="append", help="only these list ids")

    def handle(self, *args, **options):
        from oversight.duties import prints, scoring
        from oversight.duties.models import DutyList, DutyReport, ReportPrint
        from oversight.duties.selectors import _latest_texts

        lists = DutyList.objects.order_by("year", "pk")
        if options["list"]:
            lists = lists.filter(pk__in=options["list"])
        today = timing.today()
        for duty_list in lists:
            with transaction.atomic():
                reports = list(
                    DutyReport.objects.filter(
                        unit_list__duty_list=duty_list, reported_on__isnull=False
                    )
                    .exclude(pk__in=ReportPrint.objects.values("report"))
                    .select_related("duty_item")
                )
                for start in range(0, len(reports), 2000):
                    chunk = reports[start : start + 2000]
                    prints.store_many(chunk, _latest_texts([r.item_id for r in chunk]))
                units = scoring.refresh(duty_list, today)
            self.stdout.write(f"{duty_list}: {units} scores, {len(reports)} prints")
