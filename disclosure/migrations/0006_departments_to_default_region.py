"""Every department that existed before regions moves to the default region
(PORTAL_DEFAULT_REGION), which is created with its ancestors; then a region is required."""

import django.db.models.deletion
from django.db import migrations, models

import disclosure.models.regions
from disclosure.migrations import _default_region


def forwards(apps, schema_editor):
    Region = apps.get_model("disclosure", "Region")
    Department = apps.get_model("disclosure", "Department")
    if not Department.objects.filter(region__isnull=True).exists():
        return
    region = _default_region.create(Region)
    Department.objects.filter(region__isnull=True).update(region=region)


def backwards(apps, schema_editor):
    # The field is dropped by the schema operation that follows in reverse; nothing to undo.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0005_regions"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        # The database gets NOT NULL without a default: the default is a function of the live
        # models (it may create the default region), which a migration must not call.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="department",
                    name="region",
                    field=models.ForeignKey(
                        help_text="部门所属的本级行政区划；不填则为默认区划。",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="departments",
                        to="disclosure.region",
                        verbose_name="行政区划",
                    ),
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="department",
                    name="region",
                    field=models.ForeignKey(
                        default=disclosure.models.regions.default_region_id,
                        help_text="部门所属的本级行政区划；不填则为默认区划。",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="departments",
                        to="disclosure.region",
                        verbose_name="行政区划",
                    ),
                ),
            ],
        ),
    ]
