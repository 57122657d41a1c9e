import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.checks.loader import CatalogueData
from disclosure.checks.services import checks_run
from disclosure.synthetic import PLANT_KINDS, generate
from disclosure.synthetic_province import generate_province


def rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError("a share between 0 and 1")
    return value


class Command(BaseCommand):
    help = (
        "生成合成的决算公开（云南 2021 表式，数字全部勾稽相符），可按比例埋入错误。"
        " Generate synthetic disclosures that pass every check, optionally with planted errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departments", type=int, required=True)
        parser.add_argument("--years", type=int, default=1, help="consecutive years from 2021")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--errors", type=rate, default=0.0, help="share of disclosures given one error (0–1)"
        )
        parser.add_argument("--draft", action="store_true", help="leave them as drafts")
        parser.add_argument("--no-checks", action="store_true", help="do not run the checks")
        parser.add_argument(
            "--record", type=Path, help="write the planted errors to this JSON file"
        )
        parser.add_argument(
            "--province",
            action="store_true",
            help="a whole province (合成省 990000): --departments per region, in every region",
        )
        parser.add_argument(
            "--records-only",
            action="store_true",
            help="with --province: tables as records, no rows or amounts (for scale tests)",
        )
        parser.add_argument("--cities", type=int, default=16, help="with --province")
        parser.add_argument("--counties", type=int, default=130, help="with --province")
        parser.add_argument(
            "--late", type=rate, default=0.1, help="with --province: share published late"
        )
        parser.add_argument(
            "--missing", type=rate, default=0.05, help="with --province: share not published"
        )

    def handle(self, *args, **opts):
        if opts["departments"] < 1 or opts["years"] < 1:
            raise CommandError("--departments and --years must be at least 1")
        if opts["province"]:
            return self.province(opts)
        try:
            result = generate(
                departments=opts["departments"],
                years=opts["years"],
                seed=opts["seed"],
                errors=opts["errors"],
                publish=not opts["draft"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not opts["no_checks"]:
            catalogues: dict[int, dict[str, CatalogueData]] = {}
            for disclosure in result.disclosures:
                checks_run(disclosure=disclosure, catalogues=catalogues)
        planted = [
            {"disclosure": p.disclosure_id, "kind": p.kind, "findings": p.findings}
            for p in result.planted
        ]
        if opts["record"]:
            Path(opts["record"]).write_text(json.dumps(planted, ensure_ascii=False, indent=2))
        kinds = {k: sum(1 for p in result.planted if p.kind == k) for k in PLANT_KINDS}
        self.stdout.write(
            f"生成 {len(result.disclosures)} 份决算（{opts['departments']} 个部门 × "
            f"{opts['years']} 年），埋入错误 {len(result.planted)} 处："
            + "，".join(f"{k} {n}" for k, n in kinds.items() if n)
            + "。"
        )

    def province(self, opts) -> None:
        """Regions and published disclosures only: the province's checks are not run."""
        try:
            result = generate_province(
                cities=opts["cities"],
                counties=opts["counties"],
                departments=opts["departments"],
                years=opts["years"],
                seed=opts["seed"] or 1,
                late=opts["late"],
                missing=opts["missing"],
                content=not opts["records_only"],
                progress=lambda i, n, region: self.stdout.write(f"  {i}/{n} {region.name}"),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"合成省：{result.regions} 个行政区划（跳过已有的 {result.skipped_regions} 个），"
            f"新增 {result.departments} 个部门、{result.disclosures} 份决算；"
            + "，".join(f"{k} {n}" for k, n in sorted(result.states.items()))
            + "。"
        )
