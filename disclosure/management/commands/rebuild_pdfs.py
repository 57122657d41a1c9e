"""Rebuild the stored PDFs of published disclosures (after a template or font change)."""

from django.core.management.base import BaseCommand, CommandError

from disclosure.models import Disclosure
from disclosure.pdf import disclosure_pdf_build


class Command(BaseCommand):
    help = "重新生成已公开决算的 PDF（全文和每张表），可按部门和年度筛选。"

    def add_arguments(self, parser):
        parser.add_argument("--department", metavar="CODE", help="部门代码，如 yuxi-xinfang")
        parser.add_argument("--year", type=int, metavar="YYYY", help="年度，如 2021")

    def handle(self, *args, department=None, year=None, **opts):
        # Every published version: superseded versions stay public as the correction history.
        disclosures = Disclosure.objects.published().select_related("department", "year")
        if department:
            disclosures = disclosures.filter(department__code=department)
        if year:
            disclosures = disclosures.for_year(year)
        disclosures = list(disclosures.order_by("year_id", "department__code", "version"))
        if not disclosures and (department or year):
            raise CommandError("没有符合条件的已公开决算。")
        for disclosure in disclosures:
            names = disclosure_pdf_build(disclosure=disclosure)
            self.stdout.write(f"{disclosure}：{len(names)} 个 PDF")
        self.stdout.write(f"共重新生成 {len(disclosures)} 份决算的 PDF。")
