"""DisclosureEvent renamed Occurrence (beside the loop's Event, the old name read as one of the
loop's rows). Its rows and ids are kept; the ledger keeps calling them by the old label
(``Occurrence.ledger_type``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_issue21_disclosure")]

    operations = [migrations.RenameModel(old_name="DisclosureEvent", new_name="Occurrence")]
