"""Results of the reconciliation checks (勾稽关系): one run per check, its findings, and the
explanations preparers give for warnings.

A run is what the checks said about one disclosure's content at one moment. An explanation
is keyed on what a finding is about (rule, table, row, column), not on the run, so it comes
back with the finding when the checks run again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.money import format_amount


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")
    INFO = "info", _("提示")


class RuleStatus(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    NOT_CHECKED = "not_checked", _("未检查")


class CheckRun(models.Model):
    """One run of every rule over one disclosure. `rules` holds each rule's outcome:
    [{"rule", "title", "severity", "status", "findings", "reason"}]."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="check_runs"
    )
    ran_at = models.DateTimeField(_("检查时间"), auto_now_add=True)
    content_digest = models.CharField(
        _("内容摘要"),
        max_length=64,
        blank=True,
        help_text=_("检查时公开内容的摘要：内容变了，结果就过期了。"),
    )
    rules = models.JSONField(_("各规则结果"), default=list)

    class Meta:
        verbose_name = _("勾稽检查")
        verbose_name_plural = _("勾稽检查")
        ordering = ["-ran_at", "-id"]
        get_latest_by = ["ran_at", "id"]

    def __str__(self) -> str:
        return f"{self.disclosure} {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def is_current(self) -> bool:
        """Whether the run saw the disclosure's present content."""
        return self.content_digest == self.disclosure.content_digest

    def count(self, status: str) -> int:
        return sum(1 for r in self.rules if r["status"] == status)


class Finding(models.Model):
    """One thing a rule found, located in the printed table: 公开02, row 201, column 本年收入合计.

    `row_key`/`column_key` address the cell as stored (TableRow.key, Amount.column);
    `cells` lists further cells the finding involves, as [table number, row key, column key],
    so pages can highlight both sides of a comparison. expected/actual/difference are
    amounts in the table's printed unit (difference = actual − expected); they are empty for
    findings that are not a comparison of amounts.
    """

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="findings")
    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="findings"
    )
    position = models.PositiveIntegerField(_("顺序"))
    rule = models.CharField(_("规则"), max_length=64)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    table_number = models.CharField(_("表号"), max_length=4)
    table = models.CharField(_("表"), max_length=16)
    row = models.CharField(_("行"), max_length=200, blank=True)
    column = models.CharField(_("栏"), max_length=200, blank=True)
    row_key = models.CharField(_("行键"), max_length=40, blank=True)
    column_key = models.CharField(_("栏键"), max_length=40, blank=True)
    expected = models.DecimalField(
        _("应为"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(_("实为"), max_digits=20, decimal_places=2, null=True, blank=True)
    difference = models.DecimalField(
        _("差额"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("单位"), max_length=8, blank=True)
    message = models.TextField(_("说明"))
    cells = models.JSONField(_("相关单元格"), default=list, blank=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="finding_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.table} {self.row} {self.column}".strip()

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What the finding is about; an explanation is attached to this."""
        return (self.rule, self.table_number, self.row_key, self.column_key)

    @property
    def expected_text(self) -> str:
        return format_amount(self.expected)

    @property
    def actual_text(self) -> str:
        return format_amount(self.actual)

    @property
    def difference_text(self) -> str:
        return format_amount(self.difference)


class FindingExplanation(models.Model):
    """A preparer's reason for a warning, kept across runs for the same rule/table/row/column."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="finding_explanations"
    )
    rule = models.CharField(_("规则"), max_length=64)
    table_number = models.CharField(_("表号"), max_length=4)
    row_key = models.CharField(_("行键"), max_length=40, blank=True)
    column_key = models.CharField(_("栏键"), max_length=40, blank=True)
    reason = models.TextField(_("说明理由"))
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("说明人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    explained_at = models.DateTimeField(_("说明时间"))

    class Meta:
        verbose_name = _("检查发现的说明")
        verbose_name_plural = _("检查发现的说明")
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "rule", "table_number", "row_key", "column_key"],
                name="finding_explanation_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} 公开{self.table_number} {self.row_key} {self.column_key}".strip()

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.table_number, self.row_key, self.column_key)
