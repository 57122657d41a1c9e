"""The JSON form of a published disclosure: its tables with their rows, as plain data.

The serializers below are the document's one definition: the JSON download and the API
both render through them, and the API's OpenAPI schema is generated from them, so the
file, the API and the schema cannot drift apart. Amounts are strings of the stored
`Decimal` ("9733858.45") — never floats — in the unit each table names.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disclosure.models import Disclosure
from disclosure.opendata.flat import (
    classification,
    columns_for_side,
    flat_rows,
    panel_key,
    row_unit,
)
from disclosure.opendata.links import disclosure_links, table_links
from disclosure.presentation import TableView
from disclosure.selectors import disclosure_tables


# Field factories, named like the model layer's MoneyField.
def Money(**kwargs) -> serializers.DecimalField:
    kwargs.setdefault("allow_null", True)
    return serializers.DecimalField(max_digits=20, decimal_places=2, **kwargs)


def Text(**kwargs) -> serializers.CharField:
    return serializers.CharField(allow_blank=True, **kwargs)


# ---------------------------------------------------------------------- serializers
class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("栏目键（稳定，与 rows[].amounts 的键相同）"))
    panel = Text(help_text=_("所属栏（两栏并列的表，如公开04的 income/expenditure）；其他表为空"))
    header = serializers.CharField(help_text=_("完整表头：上级栏目/栏目，如“年初结转和结余/合计”"))
    label = serializers.CharField()
    group = serializers.ListField(child=serializers.CharField())
    lanci = Text(help_text=_("栏次"))
    en = Text(help_text="English label")


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("行键：科目编码、行的键、total，或无编码行的 #序号"))
    side = serializers.IntegerField(help_text=_("并列栏块的序号（0 起）"))
    panel = Text()
    code = Text(help_text=_("科目编码，按原表"))
    level = serializers.IntegerField(allow_null=True, help_text=_("1 类、2 款、3 项；合计与行为空"))
    name = Text(help_text=_("名称，按原表"))
    line_no = serializers.IntegerField(allow_null=True, help_text=_("行次"))
    is_total = serializers.BooleanField()
    printed = serializers.BooleanField(help_text=_("原表印有此行（否：表式中的行，原表未印）"))
    unit = serializers.CharField(help_text=_("金额单位（元/万元），或计数行的单位"))
    amounts = serializers.DictField(child=Money(allow_null=False), help_text=_("栏目键 → 金额"))
    marks = serializers.DictField(
        child=serializers.CharField(), help_text=_("栏目键 → 原表符号（—）")
    )


class SectionSerializer(serializers.Serializer):
    heading = Text()
    subheading = Text()
    body = Text()


class GoalSerializer(serializers.Serializer):
    year = Text()
    goal = Text()
    result = Text()


class TaskSerializer(serializers.Serializer):
    name = Text()
    level = Text()
    content = Text()
    approved_total = Money()
    approved_fiscal = Money()
    approved_other = Money()
    actual = Money()
    execution_rate = Money()
    reason = Text()


class IndicatorSerializer(serializers.Serializer):
    level1 = Text()
    level2 = Text()
    level3 = Text()
    nature = Text()
    target = Text()
    unit = Text()
    actual = Text()
    weight = Money()
    score = Money()
    deviation = Text()


class OverallSerializer(serializers.Serializer):
    preparer = Text()
    duties = Text()
    overall_goal = Text()
    other_matters = Text()
    remarks = Text()
    amount_unit = Text()
    goals = GoalSerializer(many=True)
    tasks = TaskSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    grid = serializers.ListField(child=serializers.ListField(child=Text()))


class FundSerializer(serializers.Serializer):
    source = serializers.CharField()
    label = Text()
    budget_initial = Money()
    budget_full_year = Money()
    executed = Money()
    weight = Money()
    execution_rate = Money()
    score = Money()


class ProjectSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = Text()
    competent_department = Text()
    implementing_unit = Text()
    goal = Text()
    goal_expected = Text()
    goal_actual = Text()
    total_weight = Money()
    total_score = Money()
    grade = Text()
    other_matters = Text()
    remarks = Text()
    funds = FundSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    grid = serializers.ListField(child=serializers.ListField(child=Text()))


class TableLinksSerializer(serializers.Serializer):
    html = serializers.URLField()
    pdf = serializers.URLField(allow_null=True)
    csv = serializers.URLField()
    xlsx = serializers.URLField()
    api = serializers.URLField()


class TableSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("表号，如 02"))
    label = serializers.CharField(help_text=_("如 公开02"))
    title = serializers.CharField()
    title_en = Text()
    kind = serializers.ChoiceField(
        choices=[
            "codes",
            "economic",
            "lines",
            "narrative",
            "performance_overall",
            "performance_project",
        ]
    )
    classification = Text(help_text=_("functional、economic 或 line；文字表为空"))
    state = serializers.ChoiceField(choices=["provided", "empty", "not_provided", "exempt"])
    unit = serializers.CharField(help_text=_("原表金额单位"))
    printed_department = Text()
    statement = Text(help_text=_("空表说明"))
    notes = Text(help_text=_("表下注释"))
    reconstructed = serializers.BooleanField(help_text=_("表式为重建（无当年印本可对照）"))
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    sections = SectionSerializer(many=True, help_text=_("公开10 的各部分"))
    performance = OverallSerializer(allow_null=True, help_text=_("公开11"))
    projects = ProjectSerializer(many=True, help_text=_("公开12，每个项目一份"))
    links = TableLinksSerializer()


class DepartmentBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code", help_text=_("所属行政区划代码（本级）"))
    region_name = serializers.CharField(source="region.name", help_text=_("所属行政区划名称"))


class DisclosureLinksSerializer(serializers.Serializer):
    html = serializers.URLField()
    pdf = serializers.URLField(allow_null=True)
    xlsx = serializers.URLField()
    json = serializers.URLField()
    api = serializers.URLField()
    tables = serializers.URLField()


class TableIndexSerializer(serializers.Serializer):
    number = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    links = TableLinksSerializer()


class DisclosureSummarySerializer(serializers.Serializer):
    """A published disclosure (the current version of a department-year) and its links."""

    department = DepartmentBriefSerializer()
    year = serializers.IntegerField(source="year_id")
    version = serializers.IntegerField()
    layout = serializers.CharField()
    published_at = serializers.DateTimeField()
    approved_on = serializers.DateField(allow_null=True)
    correction_note = Text()
    links = serializers.SerializerMethodField()

    @extend_schema_field(DisclosureLinksSerializer)
    def get_links(self, disclosure: Disclosure) -> dict:
        return disclosure_links(disclosure, self.context.get("request"))


class RuleCountsSerializer(serializers.Serializer):
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    not_checked = serializers.IntegerField(help_text=_("未检查（缺少所需的表等），不等于通过"))


class FindingCountsSerializer(serializers.Serializer):
    error = serializers.IntegerField()
    warning = serializers.IntegerField()
    info = serializers.IntegerField()


class CheckSummarySerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField()
    current = serializers.BooleanField(help_text=_("检查时的内容即现在公开的内容"))
    rules = RuleCountsSerializer()
    findings = FindingCountsSerializer()


class DisclosureDetailSerializer(DisclosureSummarySerializer):
    """A disclosure with its tables' index and, where the checks exist, their summary."""

    layout_name = serializers.CharField(source="layout_spec.name")
    tables = serializers.SerializerMethodField()
    check_summary = serializers.SerializerMethodField()

    @extend_schema_field(TableIndexSerializer(many=True))
    def get_tables(self, disclosure: Disclosure) -> list:
        request = self.context.get("request")
        states = dict(disclosure.tables.values_list("number", "state"))
        return [
            {
                "number": spec.number,
                "label": spec.label,
                "title": spec.title,
                "state": states.get(spec.number, "not_provided"),
                "links": table_links(disclosure, spec.number, request),
            }
            for spec in disclosure.layout_spec.tables
        ]

    @extend_schema_field(CheckSummarySerializer(allow_null=True))
    def get_check_summary(self, disclosure: Disclosure) -> dict | None:
        return check_summary(disclosure)


class TextFigureSerializer(serializers.Serializer):
    """A figure printed only in a 说明, read by the portal, with its sentence."""

    key = serializers.CharField(help_text=_("表式中声明的稳定键，如 running_costs"))
    label = serializers.CharField()
    unit = serializers.CharField(help_text=_("万元、辆、台（套）、个 或 分"))
    value = serializers.CharField(
        source="plain_value",
        allow_null=True,
        help_text=_("十进制数字文本，按 unit；说明中有此说法却读不出数字时为空（见 note）"),
    )
    printed = Text(help_text=_("原文，如 184.65万元"))
    section = serializers.CharField(help_text=_("说明部分的键"))
    heading = Text(help_text=_("所在标题"))
    sentence = Text(help_text=_("所在句子"))
    note = Text()


class DisclosureDocumentSerializer(DisclosureSummarySerializer):
    """The whole disclosure: what the JSON download holds."""

    layout_name = serializers.CharField(source="layout_spec.name")
    tables = serializers.SerializerMethodField()
    text_figures = TextFigureSerializer(
        many=True, help_text=_("只印在说明文字中的数字（机关运行经费、政府采购、车辆等）")
    )

    @extend_schema_field(TableSerializer(many=True))
    def get_tables(self, disclosure: Disclosure) -> list:
        data = tables_data(disclosure, self.context.get("request"))
        return TableSerializer(data, many=True).data


def check_summary(disclosure: Disclosure) -> dict | None:
    """The reconciliation checks' public summary of a disclosure: when the latest run was,
    whether it saw the present content, rules passed / failed / not checked and findings
    by severity. None: never checked — which is not "passed"."""
    from disclosure.checks.selectors import quality_summary

    return quality_summary(disclosure)


# ---------------------------------------------------------------------- data
def _column(col, panel: str = "") -> dict:
    return {
        "key": col.key,
        "panel": panel,
        "header": col.header,
        "label": col.label,
        "group": list(col.group),
        "lanci": col.lanci,
        "en": col.en,
    }


def _columns(view: TableView) -> list[dict]:
    spec = view.spec
    if spec.kind == "lines":
        return [_column(c, p.key) for p in spec.panels for c in p.columns]
    return [_column(c) for c in spec.columns]


def _rows(view: TableView) -> list[dict]:
    rows = []
    for record in flat_rows(view):
        own = {c.key for c in columns_for_side(view.spec, record.side)}
        cells = [c for c in record.cells if c.column in own]
        rows.append(
            {
                "key": record.key,
                "side": record.side,
                "panel": panel_key(view.spec, record.side),
                "code": record.code,
                "level": record.level or None,
                "name": record.name,
                "line_no": record.line_no,
                "is_total": record.is_total,
                "printed": record.stored is not None,
                "unit": row_unit(view, record),
                "amounts": {c.column: c.value for c in cells if c.value is not None},
                "marks": {c.column: c.mark for c in cells if c.value is None and c.mark},
            }
        )
    return rows


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names}


INDICATOR_FIELDS = (
    "level1",
    "level2",
    "level3",
    "nature",
    "target",
    "unit",
    "actual",
    "weight",
    "score",
    "deviation",
)
TASK_FIELDS = (
    "name",
    "level",
    "content",
    "approved_total",
    "approved_fiscal",
    "approved_other",
    "actual",
    "execution_rate",
    "reason",
)
FUND_FIELDS = (
    "source",
    "label",
    "budget_initial",
    "budget_full_year",
    "executed",
    "weight",
    "execution_rate",
    "score",
)
PROJECT_FIELDS = (
    "name",
    "competent_department",
    "implementing_unit",
    "goal",
    "goal_expected",
    "goal_actual",
    "total_weight",
    "total_score",
    "grade",
    "other_matters",
    "remarks",
    "grid",
)
OVERALL_FIELDS = (
    "preparer",
    "duties",
    "overall_goal",
    "other_matters",
    "remarks",
    "amount_unit",
    "grid",
)


def _overall(view: TableView) -> dict | None:
    overall = view.overall
    if overall is None:
        return None
    return {
        **_fields(overall, OVERALL_FIELDS),
        "goals": [_fields(g, ("year", "goal", "result")) for g in overall.goals.all()],
        "tasks": [_fields(t, TASK_FIELDS) for t in overall.tasks.all()],
        "indicators": [
            _fields(i, INDICATOR_FIELDS) for i in getattr(overall, "indicator_list", [])
        ],
    }


def _projects(view: TableView) -> list[dict]:
    return [
        {
            "position": project.position + 1,
            **_fields(project, PROJECT_FIELDS),
            "funds": [_fields(f, FUND_FIELDS) for f in project.funds.all()],
            "indicators": [_fields(i, INDICATOR_FIELDS) for i in project.indicators.all()],
        }
        for project in view.projects
    ]


def table_data(view: TableView, disclosure: Disclosure, request: HttpRequest | None = None) -> dict:
    """One table as plain data (Decimal amounts), in the shape of `TableSerializer`."""
    spec = view.spec
    amounts = spec.is_amount_table
    return {
        "number": spec.number,
        "label": spec.label,
        "title": spec.title,
        "title_en": spec.title_en,
        "kind": spec.kind,
        "classification": classification(spec) if amounts else "",
        "state": view.state,
        "unit": view.printed_unit,
        "printed_department": getattr(view.record, "printed_department", ""),
        "statement": view.statement,
        "notes": view.notes,
        "reconstructed": spec.reconstructed,
        "columns": _columns(view) if amounts else [],
        "rows": _rows(view) if amounts else [],
        "sections": [
            _fields(n, ("heading", "subheading", "body"))
            for n in (view.narratives if spec.kind == "narrative" else [])
        ],
        "performance": _overall(view) if spec.kind == "performance_overall" else None,
        "projects": _projects(view) if spec.kind == "performance_project" else [],
        "links": table_links(disclosure, spec.number, request),
    }


def tables_data(
    disclosure: Disclosure, request: HttpRequest | None = None, *, number: str | None = None
) -> list[dict]:
    """Every table of the disclosure (or only `number`), in layout order."""
    with translation.override("zh-hans"):
        views = disclosure_tables(disclosure)
        return [
            table_data(view, disclosure, request)
            for view in views
            if number is None or view.number == number
        ]


def disclosure_document(disclosure: Disclosure, request: HttpRequest | None = None) -> dict:
    """The JSON download: the disclosure's summary, links and every table with its rows."""
    return DisclosureDocumentSerializer(disclosure, context={"request": request}).data
