from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

# Lets constraints and queries say `code__length=5`.
models.CharField.register_lookup(Length)


class CatalogueKind(models.TextChoices):
    FUNCTIONAL = "functional", _("支出功能分类")
    ECONOMIC = "economic", _("部门预算支出经济分类")


class Provenance(models.TextChoices):
    OFFICIAL = "official", _("官方全表")
    COMPILED = "compiled", _("整理摘录")


class Level(models.IntegerChoices):
    CLASS = 1, _("类")
    SECTION = 2, _("款")
    ITEM = 3, _("项")


# Code length per level: 类 3 digits, 款 5, 项 7 (economic codes stop at 款).
CODE_LENGTHS = {Level.CLASS: 3, Level.SECTION: 5, Level.ITEM: 7}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTHS.items()}
LEVEL_BY_NAME = {"类": Level.CLASS, "款": Level.SECTION, "项": Level.ITEM}


def level_of(code: str) -> int | None:
    """The level a code's length implies (None for a malformed code)."""
    if not code.isdigit():
        return None
    return LEVEL_BY_LENGTH.get(len(code))


def parent_code(code: str) -> str:
    """'2010301' → '20103' → '201' → ''."""
    level = level_of(code)
    if level in (None, Level.CLASS):
        return ""
    return code[: CODE_LENGTHS[Level(level - 1)]]


class Catalogue(models.Model):
    """One year's list of one classification, with where the list came from."""

    year = models.ForeignKey("disclosure.FiscalYear", on_delete=models.PROTECT)
    kind = models.CharField(_("分类"), max_length=16, choices=CatalogueKind.choices)
    provenance = models.CharField(
        _("来源性质"), max_length=16, choices=Provenance.choices, default=Provenance.COMPILED
    )
    source = models.TextField(_("来源说明"), blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("分类科目表")
        verbose_name_plural = _("分类科目表")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="catalogue_unique_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.year_id} {self.get_kind_display()}"


class ClassificationCode(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("科目编码"), max_length=7)
    name = models.CharField(_("科目名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("级次"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("分类科目")
        verbose_name_plural = _("分类科目")
        ordering = ["catalogue", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="classification_code_unique_per_catalogue"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(level=Level.CLASS, code__length=3)
                    | models.Q(level=Level.SECTION, code__length=5)
                    | models.Q(level=Level.ITEM, code__length=7)
                ),
                name="classification_code_length_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
