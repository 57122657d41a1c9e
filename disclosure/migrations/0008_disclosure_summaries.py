"""Each disclosure's stored summary (tables published, errors of the latest check run), read
by the coverage board; computed here for every disclosure that exists."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery

from disclosure.layouts import get_layout

BATCH = 500
FILLED = Q(state__in=["provided", "exempt"]) | (Q(state="empty") & ~Q(statement=""))


def forwards(apps, schema_editor):
    # The same computation as disclosure.summaries, on the models as they are at this point.
    Disclosure = apps.get_model("disclosure", "Disclosure")
    DisclosureTable = apps.get_model("disclosure", "DisclosureTable")
    CheckRun = apps.get_model("disclosure", "CheckRun")
    Finding = apps.get_model("disclosure", "Finding")
    Summary = apps.get_model("disclosure", "DisclosureSummary")
    latest_run = (
        CheckRun.objects.filter(disclosure=OuterRef("pk")).order_by("-ran_at", "-id").values("pk")
    )
    ids = list(Disclosure.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        disclosures = list(
            Disclosure.objects.filter(pk__in=batch)
            .annotate(run_id=Subquery(latest_run[:1]))
            .values_list("pk", "layout", "run_id")
        )
        filled = dict(
            DisclosureTable.objects.filter(FILLED, disclosure_id__in=batch)
            .values_list("disclosure_id")
            .annotate(n=Count("id"))
            .values_list("disclosure_id", "n")
        )
        errors = dict(
            Finding.objects.filter(
                run_id__in=[r for _pk, _layout, r in disclosures if r], severity="error"
            )
            .values_list("run_id")
            .annotate(n=Count("id"))
            .values_list("run_id", "n")
        )
        Summary.objects.bulk_create(
            Summary(
                disclosure_id=pk,
                tables=len(get_layout(layout).tables),
                filled_tables=filled.get(pk, 0),
                errors=None if run is None else errors.get(run, 0),
            )
            for pk, layout, run in disclosures
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0007_search_trigram_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DisclosureSummary",
            fields=[
                (
                    "disclosure",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="summary",
                        serialize=False,
                        to="disclosure.disclosure",
                    ),
                ),
                ("tables", models.PositiveSmallIntegerField(verbose_name="表式中的表数")),
                (
                    "filled_tables",
                    models.PositiveSmallIntegerField(
                        help_text="有内容、为空表并附说明，或注明涉密不公开的表。",
                        verbose_name="已公开的表数",
                    ),
                ),
                (
                    "errors",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="最近一次勾稽检查的错误数；从未检查为空。",
                        null=True,
                        verbose_name="错误数",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "决算概要",
                "verbose_name_plural": "决算概要",
            },
        ),
        # The summaries are dropped with the table on the way back: nothing else to undo.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
