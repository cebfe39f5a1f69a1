from django.contrib import admin

from .models import CommitteeMembership, Member, PIIRevealLog


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Operators see members with personal data masked; changes go through the pages and API."""

    list_display = ["name", "organization", "tenant", "status", "national_id_masked", "phone_masked", "is_active"]
    list_filter = ["tenant", "status", "is_active"]
    search_fields = ["name"]
    exclude = ["national_id", "phone"]
    readonly_fields = ["tenant", "organization", "group", "national_id_masked", "phone_masked", "last_org_life_on"]

    def has_add_permission(self, request):
        return False


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "organization", "post", "started_on", "ended_on"]
    list_filter = ["tenant", "post"]


@admin.register(PIIRevealLog)
class PIIRevealLogAdmin(admin.ModelAdmin):
    list_display = ["revealed_at", "actor", "member", "channel", "tenant"]
    list_filter = ["tenant", "channel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
