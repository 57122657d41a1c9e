from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import system_actor
from disclosure.importing.errors import ImportRejected
from disclosure.importing.services import workbook_import
from disclosure.layouts import all_layouts
from disclosure.workflow import WorkflowError


class Command(BaseCommand):
    help = (
        "导入一个部门一个年度的决算公开表（PDF、制表符文本、CSV 或 XLSX，按公开表式）。"
        " Import a department's final accounts for a year."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--department", required=True, help="department code (used in URLs)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--department-name", default="")
        parser.add_argument(
            "--layout",
            default=None,
            choices=sorted(all_layouts()),
            help="the layout; detected from the tables' titles when left out",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="record it as published (for years already published elsewhere)",
        )
        parser.add_argument(
            "--published-on",
            type=date.fromisoformat,
            default=None,
            help="with --publish: the date it was published (YYYY-MM-DD); default today",
        )

    def handle(self, *args, **opts):
        path: Path = opts["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from None
        try:
            result = workbook_import(
                actor=system_actor(),
                data=data,
                filename=path.name,
                department_code=opts["department"],
                department_name=opts["department_name"],
                year=opts["year"],
                layout=opts["layout"],
                publish=opts["publish"],
                published_on=opts["published_on"],
            )
        except ImportRejected as exc:
            raise CommandError("导入失败，数据库未作任何改动：\n" + str(exc)) from None
        except WorkflowError as exc:
            raise CommandError(f"导入失败，数据库未作任何改动：{exc}") from None
        self.stdout.write(result.summary())
