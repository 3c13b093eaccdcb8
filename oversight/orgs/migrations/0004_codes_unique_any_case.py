"""Codes and usernames unique whatever their case. Rows that already differ only in case stop the
migration with their names, for an administrator to rename (nothing is renamed silently)."""

import django.db.models.functions.text
from django.db import migrations, models

from oversight.core.migration_checks import refuse_case_clashes


def check(apps, schema_editor):
    refuse_case_clashes(apps, [("orgs", "OrgNode", "code"), ("orgs", "Account", "username")])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("orgs", "0003_api_token"),
    ]

    operations = [
        migrations.RunPython(check, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="account_username_unique_any_case",
            ),
        ),
        migrations.AddConstraint(
            model_name="orgnode",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"), name="orgnode_code_unique_any_case"
            ),
        ),
    ]
