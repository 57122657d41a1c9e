"""Departments keyed on their code: (部门代码, 部门名称, 上级部门代码, 单位性质, 行政区划代码).

A blank 行政区划代码 keeps an existing department where it is and puts a new one in the
default region (PORTAL_DEFAULT_REGION); a code that is not loaded is refused. Given the
regions a scoped user manages (`regions`), a department may only be put there, and a
department of another region is refused rather than changed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from disclosure.importing.errors import Problem
from disclosure.models import Department, Region
from disclosure.models.organisation import DepartmentKind
from disclosure.resources.base import CodeWidget, PortalResource, TextWidget, reorder


# ---------------------------------------------------------------- departments
class DepartmentKindWidget(widgets.Widget):
    """单位性质 as its Chinese label (行政单位 …); the stored value is accepted too."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return DepartmentKind.ADMINISTRATIVE
        for choice in DepartmentKind:
            if text in {choice.value, str(choice.label)}:
                return choice.value
        labels = "、".join(str(c.label) for c in DepartmentKind)
        raise ValueError(f"单位性质应为{labels}之一")

    def render(self, value, obj=None, **kwargs):
        try:
            return str(DepartmentKind(value).label)
        except ValueError:
            return value or ""


CYCLE = "上级部门代码形成了循环（甲的上级是乙，乙的上级又是甲）"


HEADERS = ["部门代码", "部门名称", "上级部门代码", "单位性质", "行政区划代码"]
OUTSIDE = "部门“{code}”属于您管理范围以外的地区，不能在此修改"


class DepartmentResource(PortalResource):
    """Departments keyed on their code, with their region (行政区划代码)."""

    code = fields.Field("code", "部门代码", TextWidget())
    name = fields.Field("name", "部门名称", TextWidget())
    parent = fields.Field(
        "parent",
        "上级部门代码",
        CodeWidget(Department, missing="上级部门“{code}”不存在（也不在本文件中）"),
    )
    kind = fields.Field("kind", "单位性质", DepartmentKindWidget())
    region = fields.Field(
        "region",
        "行政区划代码",
        CodeWidget(Region, missing="行政区划“{code}”尚未载入（行政区划 › 导入）"),
        saves_null_values=False,  # blank: stays where it is (a new one: the default region)
    )

    table_label = "部门"

    def __init__(self, regions=None, **kwargs):
        super().__init__(**kwargs)
        self.regions = regions
        if regions is not None:
            self.fields["region"].widget = CodeWidget(
                Region,
                missing="行政区划“{code}”尚未载入（行政区划 › 导入）",
                outside="行政区划“{code}”不在您管理的地区内",
                queryset=regions,
            )

    class Meta:
        model = Department
        fields = ("code", "name", "parent", "kind", "region")
        import_order = export_order = ("code", "name", "parent", "kind", "region")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "部门"

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        problems = self.header_problems(required=HEADERS[:2], allowed=HEADERS)
        if problems:
            self.refuse(dataset, problems)
        # Parents first, so a parent new in this file exists when its children are read.
        order = _parents_first(dataset)
        if order is None:
            self.refuse(dataset, [Problem(CYCLE)])
        reorder(self, dataset, order)

    def import_instance(self, instance, row, **kwargs):
        if (
            self.regions is not None
            and instance.pk is not None
            and not self.regions.filter(pk=instance.region_id).exists()
        ):
            code = row.get("部门代码", "")
            raise ValidationError(
                {
                    "部门代码": self.problem(
                        OUTSIDE.format(code=code),
                        row_number=kwargs.get("row_number"),
                        header="部门代码",
                        value=code,
                    )
                }
            )
        super().import_instance(instance, row, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and (
            instance.parent_id == original.parent_id and instance.region_id == original.region_id
        )


def _parents_first(dataset) -> list[int] | None:
    """Row indexes ordered so that a department comes after its parent (None: a cycle)."""
    headers = list(dataset.headers)
    code_i = headers.index("部门代码")
    parent_i = headers.index("上级部门代码") if "上级部门代码" in headers else None
    parent_of = {}
    for row in dataset:
        code = str(row[code_i] or "").strip()
        parent_of[code] = str(row[parent_i] or "").strip() if parent_i is not None else ""
    depth: dict[str, int] = {}

    def depth_of(code: str, seen: frozenset = frozenset()) -> int | None:
        if code in depth:
            return depth[code]
        if code in seen:
            return None
        parent = parent_of.get(code, "")
        below = 0 if not parent or parent not in parent_of else depth_of(parent, seen | {code})
        if below is None:
            return None
        depth[code] = below + 1
        return depth[code]

    keys = []
    for i, row in enumerate(dataset):
        found = depth_of(str(row[code_i] or "").strip())
        if found is None:
            return None
        keys.append((found, i))
    return [i for _depth, i in sorted(keys)]
