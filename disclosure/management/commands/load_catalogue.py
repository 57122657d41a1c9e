from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.catalogues import catalogue_load, read_catalogue_file
from disclosure.importing.errors import ImportRejected
from disclosure.models.classification import CatalogueKind, Provenance


class Command(BaseCommand):
    help = (
        "载入某年度的分类科目表（CSV/XLSX：编码、级次、名称）。"
        " Load a year's classification catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--kind", choices=CatalogueKind.values, required=True)
        parser.add_argument("--provenance", choices=Provenance.values, default="compiled")
        parser.add_argument("--source", default="")
        parser.add_argument(
            "--replace", action="store_true", help="remove codes that are not in the files"
        )

    def handle(self, *args, **opts):
        entries = []
        try:
            for path in opts["files"]:
                entries += read_catalogue_file(path.read_bytes(), kind=opts["kind"])
            catalogue = catalogue_load(
                year=opts["year"],
                kind=opts["kind"],
                entries=entries,
                provenance=opts["provenance"],
                source=opts["source"] or ", ".join(p.name for p in opts["files"]),
                replace=opts["replace"],
            )
        except ImportRejected as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from None
        self.stdout.write(f"{catalogue}：{catalogue.codes.count()} 个科目")
