"""A year's published disclosures as one Fiscal Data Package (`datapackage.json` + CSV).

One CSV row per department, table, printed row (code or line) and column that holds an
amount or a printed dash, in long form, so a whole year of departments loads into one
table for comparison. Only the amount tables (codes, economic codes, lines) are in it;
the text tables (公开10–12) are in each disclosure's JSON and workbook.

The descriptor follows the Fiscal Data Package conventions: each field has a JSON Table
Schema type and, where one fits, an OpenSpending fiscal `columnType` (the fiscal year,
the department as administrative classification, functional and economic codes, the
value); the package carries `countryCode`, `fiscalPeriod` and `granularity`. It declares
the `tabular-data-package` profile rather than `fiscal-data-package`: validating the
latter needs a JSON schema fetched from the network, and the portal reaches none. The
CSV is UTF-8 without a byte-order mark (a machine reads this one; the per-table CSVs
carry the mark for Excel), written by the portal's one CSV writer, which guards every text
cell against being run as a formula.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils import translation

from disclosure.models import Disclosure, TextFigure
from disclosure.opendata.flat import classification, columns_for_side, flat_rows, row_unit
from disclosure.opendata.tabular import plain_amount, write_csv
from disclosure.selectors import disclosure_tables

CURRENCY = "CNY"

# name, type, title, description, OpenSpending columnType ("" where none fits)
FIELDS: list[tuple[str, str, str, str, str]] = [
    ("year", "integer", "年度", "决算年度（公历年）", "date:fiscal-year"),
    (
        "department_code",
        "string",
        "部门代码",
        "本平台的部门代码（稳定，网址中引用）",
        "administrative-classification:generic:level1:code",
    ),
    (
        "department_name",
        "string",
        "部门名称",
        "",
        "administrative-classification:generic:level1:label",
    ),
    ("region_code", "string", "行政区划代码", "部门所属的本级行政区划（6 位代码）", ""),
    ("region_name", "string", "行政区划", "部门所属的本级行政区划名称", ""),
    ("version", "integer", "版本", "公开的版本号（更正后递增）", ""),
    ("table_number", "string", "表号", "公开表号，如 02（公开02表）", ""),
    ("table_title", "string", "表名", "", ""),
    (
        "classification",
        "string",
        "分类",
        "functional：支出功能分类科目；economic：部门预算支出经济分类科目；line：固定行",
        "",
    ),
    ("code", "string", "科目编码", "按原表所印（可能不合规范，检查会指出）", ""),
    (
        "functional_code",
        "string",
        "支出功能分类科目编码",
        "classification 为 functional 时同 code",
        "functional-classification:generic:code",
    ),
    (
        "economic_code",
        "string",
        "经济分类科目编码",
        "classification 为 economic 时同 code",
        "economic-classification:generic:code",
    ),
    ("line_no", "integer", "行次", "固定行的行次", ""),
    ("row_key", "string", "行键", "表内唯一：科目编码、行的键、total 或 #序号", ""),
    ("level", "integer", "级次", "1 类、2 款、3 项；合计与固定行为空", ""),
    ("name", "string", "名称", "科目名称或行名，按原表", ""),
    ("is_total", "boolean", "合计行", "", ""),
    ("column_key", "string", "栏目键", "表式中栏目的稳定键", ""),
    ("column_header", "string", "栏目", "完整表头，如“年初结转和结余/合计”", ""),
    ("amount", "number", "金额", "按原表单位，精确到分；原表印“—”时为空", "value"),
    ("mark", "string", "原表符号", "原表在此栏印的符号（如 —），金额为空", ""),
    ("unit", "string", "单位", "元 或 万元；公开09的统计行为 个、人、辆", ""),
]
FIELD_NAMES = [f[0] for f in FIELDS]
PRIMARY_KEY = ["year", "department_code", "table_number", "row_key", "column_key"]


# The figures printed only in the 说明 (机关运行经费, 政府采购, 车辆…): one row each.
TEXT_FIELDS: list[tuple[str, str, str]] = [
    ("year", "integer", "年度"),
    ("department_code", "string", "部门代码"),
    ("department_name", "string", "部门名称"),
    ("version", "integer", "版本"),
    ("key", "string", "键"),
    ("label", "string", "名称"),
    ("value", "number", "数值（按 unit；读不出数字时为空）"),
    ("unit", "string", "单位"),
    ("printed", "string", "原文"),
    ("section", "string", "说明部分"),
    ("heading", "string", "所在标题"),
    ("sentence", "string", "所在句子"),
]


def text_figures_name(year: int) -> str:
    return f"{resource_name(year)}-text-figures"


def text_figures_csv(disclosures: Iterable[Disclosure]) -> bytes:
    """The figures each disclosure's 说明 print outside its tables, with their sentence
    (one query for the year)."""
    by_pk = {d.pk: d for d in disclosures}
    figures = TextFigure.objects.filter(disclosure_id__in=by_pk).order_by(
        "disclosure__department__code", "position"
    )
    records = (
        [
            (d := by_pk[f.disclosure_id]).year_id,
            d.department.code,
            d.department.name,
            d.version,
            f.key,
            f.label,
            f.plain_value or "",
            f.unit,
            f.printed,
            f.section,
            f.heading,
            f.sentence,
        ]
        for f in figures.iterator()
    )
    header = [name for name, _type, _title in TEXT_FIELDS]
    return write_csv(itertools.chain([header], records), bom=False)


def resource_name(year: int) -> str:
    return f"final-accounts-{year}"


def csv_name(year: int) -> str:
    return f"{resource_name(year)}.csv"


def year_disclosures(year: int):
    """The current published version of every department's disclosure for the year."""
    return (
        Disclosure.objects.current()
        .for_year(year)
        .select_related("department__region", "year")
        .order_by("department__code")
    )


def disclosure_records(disclosure: Disclosure) -> Iterable[list]:
    """The long-form rows of one disclosure, in layout order."""
    with translation.override("zh-hans"):
        for view in disclosure_tables(disclosure):
            spec = view.spec
            if not spec.is_amount_table:
                continue
            kind = classification(spec)
            for row in flat_rows(view):
                columns = {c.key: c for c in columns_for_side(spec, row.side)}
                for cell in row.cells:
                    col = columns.get(cell.column)
                    if col is None or (cell.value is None and not cell.mark):
                        continue
                    yield [
                        disclosure.year_id,
                        disclosure.department.code,
                        disclosure.department.name,
                        disclosure.department.region.code,
                        disclosure.department.region.name,
                        disclosure.version,
                        spec.number,
                        spec.title,
                        kind,
                        row.code,
                        row.code if kind == "functional" else "",
                        row.code if kind == "economic" else "",
                        row.line_no if row.line_no is not None else "",
                        row.key,
                        row.level or "",
                        row.name,
                        "true" if row.is_total else "false",
                        col.key,
                        col.header,
                        plain_amount(cell.value, count=row.count) if cell.value is not None else "",
                        cell.mark if cell.value is None else "",
                        row_unit(view, row),
                    ]


def year_csv(disclosures: Iterable[Disclosure]) -> bytes:
    records = (record for d in disclosures for record in disclosure_records(d))
    return write_csv(itertools.chain([FIELD_NAMES], records), bom=False)


def descriptor(year: int, disclosures: list[Disclosure], *, csv_path: str) -> dict:
    """`datapackage.json` for the year; `csv_path` is where the CSV sits beside it."""
    fields = []
    for name, type_, title, description, column_type in FIELDS:
        field = {"name": name, "type": type_, "title": title}
        if description:
            field["description"] = description
        if column_type:
            field["columnType"] = column_type
        if name == "amount":
            field["decimalChar"] = "."
            field["bareNumber"] = True
            field["currency"] = CURRENCY
        if name == "classification":
            field["constraints"] = {"enum": ["functional", "economic", "line"]}
        if name in PRIMARY_KEY:
            field.setdefault("constraints", {})["required"] = True
        fields.append(field)
    published = [d.published_at for d in disclosures if d.published_at]
    departments = ", ".join(d.department.name for d in disclosures)
    return {
        "profile": "tabular-data-package",
        "name": resource_name(year),
        "title": f"{year}年度部门决算公开数据",
        "description": (
            f"{year}年度各部门依法公开的部门决算（当前公开版本），公开01–09表的每个金额："
            "每行为一个部门、一张表、一个科目或行、一个栏目。金额按原表所印，单位见 unit 列；"
            "原表的错误照录，由平台的勾稽检查指出。包含部门："
            f"{departments}。"
        ),
        "version": max(published).strftime("%Y%m%d%H%M%S") if published else "0",
        "licenses": [dict(settings.PORTAL_DATA_LICENSE)],
        "countryCode": "CN",
        "fiscalPeriod": {
            "start": date(year, 1, 1).isoformat(),
            "end": date(year, 12, 31).isoformat(),
        },
        "granularity": "aggregated",
        "keywords": ["部门决算", "决算公开", "fiscal data package", "budget execution"],
        "resources": [
            {
                "name": resource_name(year),
                "path": csv_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {
                    "fields": fields,
                    "primaryKey": PRIMARY_KEY,
                    "missingValues": [""],
                },
            },
            {
                "name": text_figures_name(year),
                "path": f"{text_figures_name(year)}.csv",
                "title": "说明中的数字",
                "description": "只印在说明文字中的数字（机关运行经费、政府采购、车辆、"
                "单价100万元以上设备、绩效管理的项目数），由平台读出，每项附所在句子。",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": n, "type": t, "title": title} for n, t, title in TEXT_FIELDS
                    ],
                    "primaryKey": ["year", "department_code", "key"],
                    "missingValues": [""],
                },
            },
        ],
    }


def descriptor_json(year: int, disclosures: list[Disclosure], *, csv_path: str) -> bytes:
    data = descriptor(year, disclosures, csv_path=csv_path)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def year_package(
    year: int, disclosures: list[Disclosure] | None = None, *, csv: bytes | None = None
) -> bytes:
    """The zipped package: datapackage.json and the CSV beside it (`csv`, when the caller
    has built it already for the same `disclosures`). Raises LookupError when nothing was
    published for the year."""
    if disclosures is None:
        disclosures = list(year_disclosures(year))
    if not disclosures:
        raise LookupError(year)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", descriptor_json(year, disclosures, csv_path=csv_name(year))
        )
        archive.writestr(csv_name(year), csv if csv is not None else year_csv(disclosures))
        archive.writestr(f"{text_figures_name(year)}.csv", text_figures_csv(disclosures))
    return out.getvalue()
