from django.db import migrations, models


class Migration(migrations.Migration):
    """Complaints are announced to the intake officers in digests; those already received were
    announced one by one when they arrived, so they start as announced."""

    dependencies = [
        ("public", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="announced",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="complaint",
            name="announced",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("announced", False)),
                fields=["id"],
                name="public_complaint_unannounced",
            ),
        ),
    ]
