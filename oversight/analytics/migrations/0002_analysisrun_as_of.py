"""Runs record their as-of date (the runs made before had read the clock on the day they ran),
and warnings the as-of date of the facts they show."""

from django.db import migrations, models
from django.utils import timezone


def as_of_from_start(apps, schema_editor):
    AnalysisRun = apps.get_model("analytics", "AnalysisRun")
    for run in AnalysisRun.objects.filter(as_of__isnull=True).only("pk", "created_at", "started_at"):
        moment = run.started_at or run.created_at
        run.as_of = timezone.localdate(moment)
        run.save(update_fields=["as_of"])


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="analysisrun",
            name="as_of",
            field=models.DateField(null=True, verbose_name="as-of date"),
        ),
        migrations.RunPython(as_of_from_start, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="analysisrun",
            name="as_of",
            field=models.DateField(default=timezone.localdate, verbose_name="as-of date"),
        ),
        migrations.AddField(
            model_name="warning",
            name="as_of",
            field=models.DateField(blank=True, null=True, verbose_name="as-of date"),
        ),
    ]
