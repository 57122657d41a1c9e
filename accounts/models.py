from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PREPARER = "preparer", _("部门填报人")
    REVIEWER = "reviewer", _("财政审核人")
    ADMINISTRATOR = "administrator", _("管理员")
    SYSTEM = "system", _("系统（命令行等）")
    OVERSIGHT = "oversight", _("财政监督")
    REGION_ADMIN = "region_admin", _("地区管理员")


class User(AbstractUser):
    """A person who signs in: a department's preparer, a finance reviewer or an administrator.

    The public never signs in.
    """

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        "disclosure.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    region = models.ForeignKey(
        "disclosure.Region",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_(
            "审核人只审本区划的部门；财政监督只读本区划及下级区划；地区管理员管理本区划及下级"
            "区划的部门和用户。审核人不填区划即为默认区划。"
        ),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="preparer") | models.Q(department__isnull=False),
                name="user_preparer_has_department",
            ),
        ]

    @property
    def is_system(self) -> bool:
        return self.role == Role.SYSTEM
