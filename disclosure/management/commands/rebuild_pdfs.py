"""Rebuild the stored PDFs of published disclosures (after a template or font change, or
after a failed build)."""

from django.core.management.base import BaseCommand, CommandError

from disclosure.models import Disclosure, PdfState
from disclosure.pdf import disclosure_pdf_build_recorded


class Command(BaseCommand):
    help = "重新生成已公开决算的 PDF（全文和每张表），可按部门和年度筛选，或只重建生成失败的。"

    def add_arguments(self, parser):
        parser.add_argument("--department", metavar="CODE", help="部门代码，如 yuxi-xinfang")
        parser.add_argument("--year", type=int, metavar="YYYY", help="年度，如 2021")
        parser.add_argument(
            "--failed", action="store_true", help="只重建生成失败的（见工作台的“PDF 生成失败”）"
        )

    def handle(self, *args, department=None, year=None, failed=False, **opts):
        # Every published version: superseded versions stay public as the correction history.
        disclosures = Disclosure.objects.published().select_related("department", "year")
        if department:
            disclosures = disclosures.filter(department__code=department)
        if year:
            disclosures = disclosures.for_year(year)
        if failed:
            disclosures = disclosures.filter(pdf_build__state=PdfState.FAILED)
        disclosures = list(disclosures.order_by("year_id", "department__code", "version"))
        if not disclosures and (department or year):
            raise CommandError("没有符合条件的已公开决算。")
        broken = 0
        for disclosure in disclosures:
            names = disclosure_pdf_build_recorded(disclosure=disclosure)
            if names:
                self.stdout.write(f"{disclosure}：{len(names)} 个 PDF")
            else:
                broken += 1
                self.stderr.write(f"{disclosure}：PDF 生成失败（错误已记录）")
        self.stdout.write(f"共重新生成 {len(disclosures) - broken} 份决算的 PDF。")
        if broken:
            raise CommandError(f"{broken} 份决算的 PDF 生成失败。")
