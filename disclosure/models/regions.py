"""Regions (行政区划): 省 › 市(州) › 县(区). Each level's finance bureau publishes its own
level's departments; a department belongs to exactly one region (本级)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

region_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码是 6 位数字。"))


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市（州）")
    COUNTY = "county", _("县（区）")


LEVEL_DEPTH = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


def level_for_code(code: str) -> str:
    """The level a 行政区划代码 names: 530000 a province, 530400 a city, 530402 a county."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region | int):
        """The region and every region below it (three levels at most)."""
        pk = region.pk if isinstance(region, Region) else region
        return self.filter(
            models.Q(pk=pk) | models.Q(parent_id=pk) | models.Q(parent__parent_id=pk)
        )

    def within_code(self, code: str):
        """`within` by the region's code (nothing for an unknown code)."""
        return self.filter(
            models.Q(code=code) | models.Q(parent__code=code) | models.Q(parent__parent__code=code)
        )

    def below(self, region: Region | int):
        """The regions below it, not itself."""
        pk = region.pk if isinstance(region, Region) else region
        return self.filter(models.Q(parent_id=pk) | models.Q(parent__parent_id=pk))

    def top_level(self):
        return self.filter(parent__isnull=True)


class Region(models.Model):
    """An administrative region whose finance bureau publishes its own level's departments."""

    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级次"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if LEVEL_DEPTH.get(self.level, 0) != LEVEL_DEPTH.get(parent.level, 0) + 1:
            raise ValidationError(
                {"parent": _("上级区划必须正好高一级（省 › 市（州） › 县（区））。")}
            )
        if parent.pk == self.pk:
            raise ValidationError({"parent": _("区划不能是自己的上级。")})

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH.get(self.level, 0)

    def ancestors(self) -> list[Region]:
        """From the top down to the parent (at most two queries on a three-level tree)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


def default_region() -> Region:
    """The configured default region (PORTAL_DEFAULT_REGION), created with its ancestors
    when missing. Where a department made without a region goes, and where a reviewer
    saved without one reviews."""
    parent = None
    for code, name in settings.PORTAL_DEFAULT_REGION:
        region, _created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level_for_code(code), "parent": parent}
        )
        parent = region
    return parent


def default_region_id() -> int:
    return default_region().pk
