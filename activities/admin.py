from django.contrib import admin

from .models import ActivityRule, Appraisal, Attendance, Correction, Meeting, MeetingReview, Plan, Talk


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["member", "status", "leave_reason", "has_vote"]
    raw_id_fields = ["member"]

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.finalized_at is None

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    readonly_fields = ["text", "author", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Operators may look at records; a finalized one cannot be changed or deleted here either."""

    list_display = ["topic", "organization", "starts_at", "kinds", "finalized_at", "tenant"]
    list_filter = ["tenant", "finalized_at"]
    search_fields = ["topic"]
    raw_id_fields = ["organization", "host", "recorder"]
    readonly_fields = ["tenant", "submission_key", "finalized_at", "finalized_by", "voting_members"]
    inlines = [AttendanceInline, CorrectionInline]

    def has_add_permission(self, request):
        return False  # records are made through the pages and the API, which apply the rules

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.finalized_at is None

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.finalized_at is None


@admin.register(ActivityRule)
class ActivityRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "min_count", "valid_from", "valid_to", "tenant"]
    list_filter = ["tenant", "kind"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are appended through the service


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "status", "tenant"]
    list_filter = ["tenant", "status", "year"]
    raw_id_fields = ["organization"]


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    list_display = ["member", "year", "grade", "tenant"]
    list_filter = ["tenant", "year", "grade"]
    raw_id_fields = ["member", "organization"]


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["initiator", "partner", "talked_on", "pair_kind", "tenant"]
    list_filter = ["tenant", "pair_kind"]
    raw_id_fields = ["initiator", "partner", "organization"]


@admin.register(MeetingReview)
class MeetingReviewAdmin(admin.ModelAdmin):
    list_display = ["meeting", "decision", "created_at", "tenant"]

    def has_change_permission(self, request, obj=None):
        return False
