"""Load regions (行政区划) from a CSV/XLSX file: 行政区划代码, 名称[, 级次, 上级区划代码]."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.importing.errors import ImportRejected
from disclosure.importing.flat import dataset_from_sheets
from disclosure.importing.sources import read_sheets
from disclosure.resources.regions import RegionResource, region_problems


class Command(BaseCommand):
    help = "载入行政区划（CSV/XLSX：行政区划代码、名称，可选 级次、上级区划代码）；可重复载入。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **opts):
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        try:
            dataset = dataset_from_sheets(read_sheets(path.read_bytes()))
            result = RegionResource().import_data(dataset, dry_run=False, raise_errors=False)
        except ImportRejected as exc:
            raise CommandError("\n".join(str(p) for p in exc.problems)) from None
        problems = region_problems(result)
        if problems:
            raise CommandError("未载入，数据库未作改动：\n" + "\n".join(problems))
        totals = result.totals
        self.stdout.write(
            f"行政区划：新增 {totals['new']}，更新 {totals['update']}，未变 {totals['skip']}。"
        )
