from django.contrib import admin

from .models import Election, Organization, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-mostly: structure changes go through the services (pages and API) so paths stay right."""

    list_display = ["name", "code", "kind", "category", "tenant", "status", "term_end"]
    list_filter = ["tenant", "kind", "category", "status"]
    search_fields = ["name", "code"]
    readonly_fields = ["tenant", "parent", "path", "depth", "kind"]

    def has_add_permission(self, request):
        return False


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["organization", "held_on", "term_end", "tenant"]
    list_filter = ["tenant"]
    readonly_fields = ["tenant", "organization"]
