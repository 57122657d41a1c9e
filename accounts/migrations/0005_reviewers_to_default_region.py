"""Finance reviewers who predate regions reviewed every department, all of which the
previous migration put in the default region: they keep reviewing there."""

from django.db import migrations

from disclosure.migrations import _default_region


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Region = apps.get_model("disclosure", "Region")
    waiting = User.objects.filter(role="reviewer", region__isnull=True)
    if not waiting.exists():
        return
    waiting.update(region=_default_region.create(Region))


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_region"),
        ("disclosure", "0006_departments_to_default_region"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
