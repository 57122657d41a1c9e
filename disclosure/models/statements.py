"""A department's disclosure for a year, and the amounts of its tables exactly as printed."""

from decimal import Decimal

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.layouts import Layout, get_layout, layout_choices
from disclosure.models.fields import MoneyField


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批复")
    PUBLISHED = "published", _("已公开")


class DisclosureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_year(self, year: int):
        return self.filter(year_id=year)

    def latest_of(self, *, department, year):
        """The department's newest version for the year (None before the first import)."""
        return self.filter(department=department, year=year).order_by("-version").first()

    def latest_versions(self):
        """Each department-year's newest version (of whatever status)."""
        newer = self.model.objects.filter(
            department=models.OuterRef("department"),
            year=models.OuterRef("year"),
            version__gt=models.OuterRef("version"),
        )
        return self.exclude(models.Exists(newer))

    def current(self):
        """Each department-year's newest published version: what the public reads."""
        newer = self.model.objects.filter(
            department=models.OuterRef("department"),
            year=models.OuterRef("year"),
            status=Status.PUBLISHED,
            version__gt=models.OuterRef("version"),
        )
        return self.published().exclude(models.Exists(newer))


class Disclosure(models.Model):
    """One version of one department's final accounts for one year."""

    department = models.ForeignKey(
        "disclosure.Department", on_delete=models.PROTECT, related_name="disclosures"
    )
    year = models.ForeignKey(
        "disclosure.FiscalYear", on_delete=models.PROTECT, related_name="disclosures"
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    layout = models.CharField(_("表式"), max_length=40, choices=layout_choices)
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    correction_note = models.TextField(_("更正说明"), blank=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    content_digest = models.CharField(
        _("内容摘要"),
        max_length=64,
        blank=True,
        help_text=_("导入内容的 SHA-256：相同内容再次导入时不作任何改动。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("决算公开")
        verbose_name_plural = _("决算公开")
        ordering = ["-year", "department__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "version"],
                name="disclosure_unique_department_year_version",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="disclosure_version_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="disclosure_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year_id}年度 v{self.version}"

    @property
    def layout_spec(self) -> Layout:
        return get_layout(self.layout)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Amounts may change only before submission (or after a return)."""
        return self.status in {Status.DRAFT, Status.RETURNED}


class TableState(models.TextChoices):
    PROVIDED = "provided", _("已填报")
    EMPTY = "empty", _("空表（附说明）")
    NOT_PROVIDED = "not_provided", _("未提供")
    EXEMPT = "exempt", _("涉密不公开")


class DisclosureTable(models.Model):
    """One 公开 table of a disclosure: its state, statement, notes and unit as printed."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="tables")
    number = models.CharField(_("表号"), max_length=4)
    state = models.CharField(
        _("状态"), max_length=16, choices=TableState.choices, default=TableState.PROVIDED
    )
    statement = models.TextField(_("空表说明"), blank=True)
    notes = models.TextField(_("注"), blank=True)
    unit = models.CharField(_("金额单位"), max_length=8, blank=True)
    printed_department = models.CharField(_("表上所印单位"), max_length=200, blank=True)
    printed_title = models.CharField(_("表上所印标题"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公开表")
        verbose_name_plural = _("公开表")
        ordering = ["disclosure", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "number"], name="disclosure_table_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"公开{self.number}"

    @property
    def label(self) -> str:
        return f"公开{self.number}"


class TableRow(models.Model):
    """A printed row: a classification code, a 合计, a fixed line, or a summary line.

    `key` identifies the row inside its table (the code, the line's key, `total`, or
    `#<position>` for a row the document printed without code or label). `side` is the
    panel or block the row was printed in, so side-by-side tables render as printed.
    """

    table = models.ForeignKey(DisclosureTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(_("顺序"))
    side = models.PositiveSmallIntegerField(_("栏块"), default=0)
    key = models.CharField(_("行键"), max_length=40)
    code = models.CharField(_("科目编码"), max_length=16, blank=True)
    name = models.CharField(_("名称（按原表）"), max_length=200, blank=True)
    line_no = models.PositiveSmallIntegerField(_("行次"), null=True, blank=True)
    is_total = models.BooleanField(_("合计行"), default=False)

    class Meta:
        verbose_name = _("表行")
        verbose_name_plural = _("表行")
        ordering = ["table", "side", "position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "key"], name="table_row_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code or self.key} {self.name}"


class Amount(models.Model):
    """One non-blank cell. A blank cell has no row here; a printed dash keeps its mark."""

    row = models.ForeignKey(TableRow, on_delete=models.CASCADE, related_name="amounts")
    column = models.CharField(_("栏目"), max_length=40)
    value = MoneyField(_("金额"), null=True, blank=True)
    mark = models.CharField(_("原表符号"), max_length=8, blank=True)
    # Where the document printed it: sheet, row and column, or page, row, column and box.
    source = models.CharField(_("来源位置"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("金额")
        verbose_name_plural = _("金额")
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="amount_unique_row_column"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | ~models.Q(mark=""),
                name="amount_has_value_or_mark",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.column}={self.value if self.value is not None else self.mark}"


# A section of 说明 is a few thousand characters; far longer ones made the PDF build run for
# many seconds (200,000 characters: 6 s). One Excel cell holds at most 32,767.
NARRATIVE_MAX_CHARS = 50_000


class NarrativeSection(models.Model):
    """A text section: 公开10's grid, or an explanation (说明) published with the tables."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="narratives")
    table_number = models.CharField(_("所属表号"), max_length=4, blank=True)
    position = models.PositiveIntegerField(_("顺序"))
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    subheading = models.CharField(_("小标题"), max_length=200, blank=True)
    body = models.TextField(
        _("正文"),
        blank=True,
        max_length=NARRATIVE_MAX_CHARS,
        validators=[MaxLengthValidator(NARRATIVE_MAX_CHARS)],
    )

    class Meta:
        verbose_name = _("说明")
        verbose_name_plural = _("说明")
        ordering = ["disclosure", "table_number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "table_number", "position"],
                name="narrative_unique_position",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(filter(None, [self.heading, self.subheading]))


class TextFigure(models.Model):
    """A figure the document prints only in its 说明 (机关运行经费, 政府采购, 车辆, 绩效
    counts), read from the section its layout declares, with the sentence it came from.
    Derived from the stored texts (disclosure.textfigures): never edited by hand."""

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="text_figures"
    )
    position = models.PositiveIntegerField(_("顺序"))
    key = models.CharField(_("键"), max_length=40)
    label = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=10)
    value = models.DecimalField(
        _("数值"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("按声明的单位；说明中有此说法却读不出数字时为空"),
    )
    printed = models.CharField(_("原文"), max_length=60, blank=True)
    section = models.CharField(_("说明部分"), max_length=40)
    narrative_position = models.PositiveIntegerField(_("说明的顺序"))
    heading = models.CharField(_("所在标题"), max_length=200, blank=True)
    sentence = models.TextField(_("所在句子"), blank=True)
    note = models.CharField(_("附注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("说明中的数字")
        verbose_name_plural = _("说明中的数字")
        ordering = ["disclosure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "key"], name="text_figure_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.printed or self.note}"

    def display_label(self) -> str:
        """The label in the page's language, as the layout declares it."""
        spec = self.disclosure.layout_spec.text_figure(self.key)
        return spec.display_label() if spec is not None else self.label

    @property
    def plain_value(self) -> str | None:
        """The value as open data gives it: decimal text, no trailing zeros ("184.65")."""
        return None if self.value is None else f"{self.value.normalize():f}"

    @property
    def display_value(self) -> str:
        """The value as a page shows it: money and scores to the cent, counts whole."""
        if self.value is None:
            return ""
        if self.unit in ("万元", "分"):
            return f"{self.value.quantize(Decimal('0.01')):,}"
        return f"{self.value.normalize():f}"


class DisclosureSummary(models.Model):
    """What the region pages and the coverage board read of a disclosure, stored so that a
    province's board reads one row per disclosure instead of counting 300,000 table records
    and finding every disclosure's latest check run. Written only by
    `disclosure.summaries.summaries_refresh`, which the content codec, the check runs and
    publishing call in their own transactions."""

    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    tables = models.PositiveSmallIntegerField(_("表式中的表数"))
    filled_tables = models.PositiveSmallIntegerField(
        _("已公开的表数"), help_text=_("有内容、为空表并附说明，或注明涉密不公开的表。")
    )
    errors = models.PositiveIntegerField(
        _("错误数"), null=True, blank=True, help_text=_("最近一次勾稽检查的错误数；从未检查为空。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("决算概要")
        verbose_name_plural = _("决算概要")

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.filled_tables}/{self.tables}, {self.errors}"

    @staticmethod
    def is_complete(tables: int, filled_tables: int) -> bool:
        """Every table of the layout published, empty with its statement, or exempt."""
        return filled_tables >= tables

    @staticmethod
    def is_error_free(errors: int | None) -> bool:
        """Checked, and the latest run found no error (never checked: not error-free)."""
        return errors == 0

    @property
    def tables_complete(self) -> bool:
        return self.is_complete(self.tables, self.filled_tables)

    @property
    def error_free(self) -> bool:
        return self.is_error_free(self.errors)
