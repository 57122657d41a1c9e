"""Where a published disclosure's PDF build stands: queued, built, or failed and why."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PdfState(models.TextChoices):
    QUEUED = "queued", _("等待生成")
    BUILT = "built", _("已生成")
    FAILED = "failed", _("生成失败")


class PdfBuildQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(state=PdfState.FAILED)


class PdfBuild(models.Model):
    """One row per published version whose PDFs were scheduled. A failure keeps its last
    error and the number of attempts, so reviewers see it and can rebuild
    (`disclosure/pdf.py` writes it; nothing else does)."""

    disclosure = models.OneToOneField(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="pdf_build"
    )
    state = models.CharField(
        _("PDF 状态"), max_length=8, choices=PdfState.choices, default=PdfState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PdfBuildQuerySet.as_manager()

    class Meta:
        verbose_name = _("PDF 生成")
        verbose_name_plural = _("PDF 生成")

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.state}"

    @property
    def failed(self) -> bool:
        return self.state == PdfState.FAILED
