from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    fields = ["organization", "role", "tenant"]
    raw_id_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "tenant", "is_active", "is_staff"]
    list_filter = ["tenant", "is_active", "is_staff"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Tenant"), {"fields": ["tenant", "full_name"]}))
    inlines = [RoleGrantInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "tenant", "granted_at"]
    list_filter = ["tenant", "role"]
    raw_id_fields = ["user", "organization"]
