import json

from django.core.management.base import BaseCommand, CommandError

from disclosure.checks.selectors import check_report
from disclosure.checks.services import checks_run
from disclosure.models import Disclosure

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS = {"passed": "通过", "failed": "未通过", "not_checked": "未检查"}


class Command(BaseCommand):
    help = (
        "对一个部门一个年度的决算公开运行勾稽检查，保存并打印结果。"
        " Run the reconciliation checks over a disclosure, store and print the result."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is the disclosure's version here, not Django's: let ours replace it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="department code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--version", type=int, help="default: the newest version")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **opts):
        found = Disclosure.objects.filter(
            department__code=opts["department"], year_id=opts["year"]
        ).select_related("department")
        if opts["version"]:
            found = found.filter(version=opts["version"])
        disclosure = found.order_by("-version").first()
        if disclosure is None:
            raise CommandError(
                f"没有找到 {opts['department']} {opts['year']} 年度"
                + (f"第 {opts['version']} 版" if opts["version"] else "")
                + "的决算。"
            )
        run = checks_run(disclosure=disclosure)
        report = check_report(disclosure)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
            return
        self.stdout.write(as_text(disclosure, run, report))


def _text(value) -> str | None:
    return None if value is None else str(value)


def as_json(report) -> dict:
    return {
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "table": f.table,
                "row": f.row,
                "column": f.column,
                "expected": _text(f.expected),
                "actual": _text(f.actual),
                "difference": _text(f.difference),
                "message": f.message,
                "explanation": f.explanation.reason if f.explanation else None,
            }
            for f in report.findings
        ],
        "rules": [
            {
                "rule": r.rule,
                "title": str(r.title),
                "status": r.status,
                "findings": r.findings,
                "severity": r.severity,
                "reason": r.reason,
            }
            for r in report.rules
        ],
    }


def as_text(disclosure, run, report) -> str:
    lines = [
        f"{disclosure.department.name} {disclosure.year_id}年度 第{disclosure.version}版："
        f"{len(report.rules)} 条规则，通过 {report.passed}，未通过 {report.failed}，"
        f"未检查 {report.not_checked}；错误 {report.errors}，警告 {report.warnings}，"
        f"提示 {report.infos}。"
    ]
    for group in report.groups:
        lines += ["", f"{group.label} {group.title}"]
        for f in group.findings:
            where = " · ".join(filter(None, [f.row, f.column]))
            amounts = ""
            if f.expected is not None or f.actual is not None:
                amounts = f"  应为 {f.expected_text or '—'}  实为 {f.actual_text or '—'}"
                if f.difference is not None:
                    amounts += f"  差 {f.difference_text}"
            lines.append(f"  [{SEVERITY[f.severity]}] {f.rule}  {where}{amounts}")
            lines.append(f"      {f.message}")
            if f.explanation:
                lines.append(f"      说明：{f.explanation.reason}")
    lines += ["", "规则："]
    for r in report.rules:
        reason = f"（{r.reason}）" if r.reason else ""
        count = f" {r.findings} 项" if r.findings else ""
        lines.append(f"  {STATUS[r.status]:<4} {r.rule:<28} {r.title}{count}{reason}")
    return "\n".join(lines)
