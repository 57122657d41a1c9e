"""Performance self-evaluations (公开11 department-wide, 公开12 one per project)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models.fields import MoneyField


class OverallPerformance(models.Model):
    """公开11: the department's duties, goals, key tasks and indicators."""

    disclosure = models.OneToOneField(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="overall_performance"
    )
    preparer = models.CharField(_("编制单位"), max_length=200, blank=True)
    duties = models.TextField(_("部门职责"), blank=True)
    overall_goal = models.TextField(_("总体绩效目标"), blank=True)
    other_matters = models.TextField(_("其他需说明事项"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    amount_unit = models.CharField(_("重点任务金额单位"), max_length=8, blank=True)
    grid = models.JSONField(_("原表"), default=list, help_text=_("表格各行单元格，按原表。"))

    class Meta:
        verbose_name = _("部门整体支出绩效自评")
        verbose_name_plural = _("部门整体支出绩效自评")

    def __str__(self) -> str:
        return f"公开11 {self.disclosure}"


class YearlyGoal(models.Model):
    overall = models.ForeignKey(OverallPerformance, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField()
    year = models.CharField(_("财年"), max_length=16)
    goal = models.TextField(_("目标"), blank=True)
    result = models.TextField(_("实际完成情况"), blank=True)

    class Meta:
        ordering = ["overall", "position"]
        constraints = [
            models.UniqueConstraint(fields=["overall", "position"], name="yearly_goal_unique"),
        ]

    def __str__(self) -> str:
        return self.year


class KeyTask(models.Model):
    """A key task with its approved and actual amounts (printed in 万元 in the 2021 layout)."""

    overall = models.ForeignKey(OverallPerformance, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField()
    name = models.CharField(_("任务名称"), max_length=200, blank=True)
    level = models.CharField(_("项目级次"), max_length=40, blank=True)
    content = models.TextField(_("主要内容"), blank=True)
    approved_total = MoneyField(_("批复金额·总额"), null=True, blank=True)
    approved_fiscal = MoneyField(_("批复金额·财政拨款"), null=True, blank=True)
    approved_other = MoneyField(_("批复金额·其他资金"), null=True, blank=True)
    actual = MoneyField(_("实际支出金额"), null=True, blank=True)
    execution_rate = models.DecimalField(
        _("预算执行率（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("执行偏低原因及改进措施"), blank=True)

    class Meta:
        ordering = ["overall", "position"]
        constraints = [
            models.UniqueConstraint(fields=["overall", "position"], name="key_task_unique"),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.position + 1}"


class ProjectEvaluation(models.Model):
    """公开12: one project's self-evaluation."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="projects"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(_("项目名称"), max_length=200)
    competent_department = models.CharField(_("主管部门"), max_length=200, blank=True)
    implementing_unit = models.CharField(_("实施单位"), max_length=200, blank=True)
    goal = models.TextField(_("年度总体目标"), blank=True)
    goal_expected = models.TextField(_("预期目标"), blank=True)
    goal_actual = models.TextField(_("实际完成情况"), blank=True)
    total_weight = models.DecimalField(
        _("总分·分值"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("总分·得分"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("等级"), max_length=8, blank=True)
    other_matters = models.TextField(_("其他需要说明事项"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    grid = models.JSONField(_("原表"), default=list, help_text=_("表格各行单元格，按原表。"))

    class Meta:
        verbose_name = _("项目支出绩效自评")
        verbose_name_plural = _("项目支出绩效自评")
        ordering = ["disclosure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "position"], name="project_evaluation_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundSource(models.TextChoices):
    TOTAL = "total", _("项目资金")
    CURRENT = "current", _("其中：当年财政拨款")
    CARRYOVER = "carryover", _("上年结转资金")
    OTHER = "other", _("其他资金")


class ProjectFund(models.Model):
    """One funding line of a project: budgets, execution, weight, rate and score."""

    project = models.ForeignKey(ProjectEvaluation, on_delete=models.CASCADE, related_name="funds")
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    label = models.CharField(_("原表名称"), max_length=100, blank=True)
    budget_initial = MoneyField(_("年初预算数"), null=True, blank=True)
    budget_full_year = MoneyField(_("全年预算数"), null=True, blank=True)
    executed = MoneyField(_("全年执行数"), null=True, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=7, decimal_places=2, null=True, blank=True)
    execution_rate = models.DecimalField(
        _("执行率（%）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="project_fund_unique"),
        ]

    def __str__(self) -> str:
        return self.label or self.get_source_display()


class Indicator(models.Model):
    """A performance indicator of 公开11 (project is null) or of one 公开12 project.

    `cells` keeps the row's cells as printed; the named fields are read from them.
    """

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="indicators"
    )
    project = models.ForeignKey(
        ProjectEvaluation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveIntegerField()
    level1 = models.CharField(_("一级指标"), max_length=100, blank=True)
    level2 = models.CharField(_("二级指标"), max_length=100, blank=True)
    level3 = models.CharField(_("三级指标"), max_length=200, blank=True)
    nature = models.CharField(_("指标性质"), max_length=16, blank=True)
    target = models.CharField(_("指标值"), max_length=200, blank=True)
    unit = models.CharField(_("度量单位"), max_length=40, blank=True)
    actual = models.CharField(_("实际完成值"), max_length=200, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=7, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    deviation = models.TextField(_("偏差原因分析及改进措施"), blank=True)
    cells = models.JSONField(_("原表单元格"), default=list)

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["disclosure", "project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "position"],
                condition=models.Q(project__isnull=True),
                name="indicator_unique_position_overall",
            ),
            models.UniqueConstraint(
                fields=["project", "position"],
                condition=models.Q(project__isnull=False),
                name="indicator_unique_position_project",
            ),
        ]

    def __str__(self) -> str:
        return self.level3 or self.level2 or self.level1
