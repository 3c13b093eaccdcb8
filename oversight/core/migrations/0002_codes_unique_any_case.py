"""Dictionary codes unique whatever their case ("CADRE_RANK" and "cadre_rank" are one code)."""

import django.db.models.functions.text
from django.db import migrations, models

from oversight.core.migration_checks import refuse_case_clashes


def check(apps, schema_editor):
    refuse_case_clashes(apps, [("core", "DictType", "code")])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(check, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="dicttype",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"), name="dicttype_code_unique_any_case"
            ),
        ),
    ]
