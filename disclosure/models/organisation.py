from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosure.models.regions import Region, default_region_id

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,63}$",
    _("部门代码只能包含小写字母、数字和连字符。"),
)


class DepartmentKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政单位")
    CIVIL_SERVICE_INSTITUTION = "civil_service_institution", _("参公事业单位")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")


class DepartmentQuerySet(models.QuerySet):
    def in_region(self, region: Region | int):
        """The region's own departments (本级), not those of the regions below it."""
        return self.filter(region=region)

    def within(self, region: Region | int):
        """The departments of the region and of every region below it."""
        return self.filter(region__in=Region.objects.within(region))


class Department(models.Model):
    """A budget unit that publishes final accounts. Its code is stable: URLs cite it."""

    code = models.CharField(_("部门代码"), max_length=64, validators=[code_validator])
    name = models.CharField(_("部门名称"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("行政区划"),
        on_delete=models.PROTECT,
        related_name="departments",
        default=default_region_id,
        help_text=_("部门所属的本级行政区划；不填则为默认区划。"),
    )
    kind = models.CharField(
        _("单位性质"),
        max_length=32,
        choices=DepartmentKind.choices,
        default=DepartmentKind.ADMINISTRATIVE,
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="department_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class FiscalYear(models.Model):
    """A budget year (1 January – 31 December in China)."""

    year = models.PositiveSmallIntegerField(
        _("年度"),
        primary_key=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    class Meta:
        verbose_name = _("年度")
        verbose_name_plural = _("年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"
