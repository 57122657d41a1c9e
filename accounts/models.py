from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PREPARER = "preparer", _("部门填报人")
    REVIEWER = "reviewer", _("财政审核人")
    ADMINISTRATOR = "administrator", _("管理员")
    SYSTEM = "system", _("系统（命令行等）")


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
