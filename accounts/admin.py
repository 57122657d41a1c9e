from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User

# What a regional administrator may make of the users of their regions: never an
# administrator or a superuser.
REGIONAL_ROLES = [Role.PREPARER, Role.REVIEWER, Role.OVERSIGHT, Role.REGION_ADMIN]


def _regional(request) -> bool:
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and not user.is_superuser
        and user.role == Role.REGION_ADMIN
        and user.region_id is not None
    )


def _managed(request):
    from disclosure.permissions import managed_regions

    return managed_regions(request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users, by role. A regional administrator (地区管理员) manages the users of their
    region and of the regions below it: those whose region, or whose department's region,
    is one of them. Another region's users do not exist for them (the admin's "not found")."""

    list_display = ("username", "get_full_name", "role", "region", "department", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("region", "department")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("决算公开"), {"fields": ("role", "region", "department")}),
    )
    regional_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("决算公开"), {"fields": ("role", "region", "department", "is_active", "is_staff")}),
    )
    autocomplete_fields = ("department", "region")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and _regional(request):
            return self.regional_fieldsets
        return super().get_fieldsets(request, obj)

    def get_queryset(self, request):
        from disclosure.permissions import admin_regions, sees_every_region

        qs = super().get_queryset(request)
        if _regional(request):
            managed = _managed(request)
            return qs.filter(
                Q(region__in=managed) | Q(department__region__in=managed),
                is_superuser=False,
            ).exclude(role=Role.ADMINISTRATOR)
        if not sees_every_region(request.user):
            # Staff given the user permissions without being administrators (a reviewer,
            # say) see the users of their own region and the regions below it.
            regions = admin_regions(request.user)
            return qs.filter(Q(region__in=regions) | Q(department__region__in=regions))
        return qs

    def has_module_permission(self, request) -> bool:
        return _regional(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if _regional(request):
            return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return (
            self.has_view_permission(request, obj)
            if _regional(request)
            else (super().has_change_permission(request, obj))
        )

    def has_add_permission(self, request) -> bool:
        return _regional(request) or super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False if _regional(request) else super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _regional(request):
            from disclosure.models import Department

            if db_field.name == "region":
                kwargs["queryset"] = _managed(request)
            elif db_field.name == "department":
                kwargs["queryset"] = Department.objects.filter(region__in=_managed(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and _regional(request):
            kwargs["choices"] = [("", "---------")] + [(r.value, r.label) for r in REGIONAL_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A user a regional administrator adds starts in that administrator's region, so it
        # is theirs to finish on the next screen.
        if _regional(request) and not change and obj.region_id is None:
            obj.region_id = request.user.region_id
        super().save_model(request, obj, form, change)
