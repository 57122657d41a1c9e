"""Regions (行政区划) from a file: 行政区划代码, 名称, and optionally 级次 and 上级区划代码.

Keyed on the code, so loading the same file twice changes nothing. A blank 级次 is read from
the code (530000 省, 530400 市, 530402 县); a blank 上级区划代码 from the code too (a county's
city, a city's province) when that region is in the file or already loaded. Rows are read
parents first, whatever their order in the file.
"""

from __future__ import annotations

from import_export import fields, widgets

from disclosure.importing.errors import Problem
from disclosure.models import Region
from disclosure.models.regions import LEVEL_DEPTH, RegionLevel, level_for_code
from disclosure.resources.base import CodeWidget, PortalResource, reorder

HEADERS = ["行政区划代码", "名称", "级次", "上级区划代码"]
LEVEL_NAMES = {
    "省": RegionLevel.PROVINCE,
    "省级": RegionLevel.PROVINCE,
    "市": RegionLevel.CITY,
    "州": RegionLevel.CITY,
    "市（州）": RegionLevel.CITY,
    "市级": RegionLevel.CITY,
    "县": RegionLevel.COUNTY,
    "区": RegionLevel.COUNTY,
    "县（区）": RegionLevel.COUNTY,
    "县级": RegionLevel.COUNTY,
    **{level.value: level for level in RegionLevel},
    **{str(level.label): level for level in RegionLevel},
}


def parent_code_of(code: str) -> str:
    """The code of the region above, by the code's own structure ('' for a province)."""
    level = level_for_code(code)
    if level == RegionLevel.COUNTY:
        return code[:4] + "00"
    if level == RegionLevel.CITY:
        return code[:2] + "0000"
    return ""


class LevelWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return level_for_code(str(row.get("行政区划代码", "")).strip())
        if text not in LEVEL_NAMES:
            raise ValueError("级次应为 省、市（州） 或 县（区）")
        return LEVEL_NAMES[text]

    def render(self, value, obj=None, **kwargs):
        return str(RegionLevel(value).label) if value else ""


class ParentWidget(CodeWidget):
    """The region above: as given, or read from the region's own code when blank."""

    def code_for(self, value, row) -> str:
        given = super().code_for(value, row)
        return given or parent_code_of(str(row.get("行政区划代码", "")).strip())


class RegionResource(PortalResource):
    code = fields.Field("code", "行政区划代码", widgets.CharWidget())
    name = fields.Field("name", "名称", widgets.CharWidget())
    level = fields.Field("level", "级次", LevelWidget())
    parent = fields.Field(
        "parent",
        "上级区划代码",
        ParentWidget(Region, missing="上级区划 {code} 不在文件中，也尚未载入"),
    )

    table_label = "行政区划"

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent")
        import_order = export_order = ("code", "name", "level", "parent")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "行政区划"

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        problems = self.header_problems(required=HEADERS[:2], allowed=HEADERS)
        if problems:
            self.refuse(dataset, problems)
        for header in HEADERS[2:]:
            if header not in self._headers:
                dataset.append_col([""] * len(dataset), header=header)
        self._headers = list(dataset.headers)
        code_i = self._headers.index("行政区划代码")
        level_i = self._headers.index("级次")

        def depth(row) -> int:
            text = str(row[level_i] or "").strip()
            level = LEVEL_NAMES.get(text) or level_for_code(str(row[code_i] or "").strip())
            return LEVEL_DEPTH.get(level, 0)

        reorder(self, dataset, sorted(range(len(dataset)), key=lambda i: depth(dataset[i])))


def region_problems(result) -> list[str]:
    """Every row and base error of an import result, as the accountant reads them."""
    messages = [str(Problem(str(e.error))) for e in result.base_errors]
    for line, errors in result.row_errors():
        messages += [f"第 {line} 行：{e.error}" for e in errors]
    for invalid in result.invalid_rows:
        for texts in invalid.field_specific_errors.values():
            messages += [str(t) for t in texts]
        messages += [str(t) for t in invalid.non_field_specific_errors]
    return messages
