"""Departments keyed on their code: (部门代码, 部门名称, 上级部门代码, 单位性质)."""

from __future__ import annotations

from import_export import fields, widgets

from disclosure.importing.errors import Problem
from disclosure.models import (
    Department,
)
from disclosure.models.organisation import DepartmentKind
from disclosure.resources.base import PortalResource, TextWidget


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


class DepartmentCodeWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            return None
        found = Department.objects.filter(code=code).first()
        if found is None:
            raise ValueError(f"上级部门“{code}”不存在（也不在本文件中）")
        return found


CYCLE = "上级部门代码形成了循环（甲的上级是乙，乙的上级又是甲）"


class DepartmentResource(PortalResource):
    """Departments keyed on their code: (部门代码, 部门名称, 上级部门代码, 单位性质)."""

    code = fields.Field("code", "部门代码", TextWidget())
    name = fields.Field("name", "部门名称", TextWidget())
    parent = fields.Field("parent", "上级部门代码", DepartmentCodeWidget(Department, "code"))
    kind = fields.Field("kind", "单位性质", DepartmentKindWidget())

    table_label = "部门"

    class Meta:
        model = Department
        fields = ("code", "name", "parent", "kind")
        import_order = export_order = ("code", "name", "parent", "kind")
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "部门"

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = ["部门代码", "部门名称", "上级部门代码", "单位性质"]
        problems = self.header_problems(required=headers[:2], allowed=headers)
        if problems:
            self.refuse(dataset, problems)
        # Parents first, so a parent new in this file exists when its children are read.
        order = _parents_first(dataset)
        if order is None:
            self.refuse(dataset, [Problem(CYCLE)])
        rows = [dataset[i] for i in order]
        numbers = [self._file_rows[i] for i in order]
        dataset.wipe()
        dataset.headers = self._headers
        for row in rows:
            dataset.append(row)
        self._file_rows = numbers

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and (
            instance.parent_id == original.parent_id
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
