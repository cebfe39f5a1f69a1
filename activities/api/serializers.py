from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.models import Organization
from core.api.base import ScopedRelatedField
from core.scoping import Action
from members.models import Member

from .. import selectors, services
from ..choices import MEETING_KINDS, ActivityKind, AttendanceStatus, Grade, Period, PlanStatus, ReviewDecision
from ..models import ActivityRule, Appraisal, Attachment, Attendance, Correction, Meeting, MeetingReview, Plan, Talk

KIND_CHOICES = [(k.value, k.label) for k in ActivityKind if k in MEETING_KINDS]


class AttendanceSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(Member, action=Action.VIEW)
    member_name = serializers.CharField(source="member.name", read_only=True)
    made_up_on = serializers.DateField(source="make_up.made_up_on", read_only=True, default=None)

    class Meta:
        model = Attendance
        fields = ["id", "member", "member_name", "status", "leave_reason", "has_vote", "made_up_on"]
        read_only_fields = ["has_vote"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return obj.file.url


class CorrectionSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True, default="")

    class Meta:
        model = Correction
        fields = ["id", "text", "author", "author_name", "created_at"]
        read_only_fields = ["author", "created_at"]


class ReviewStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingReview
        fields = ["id", "decision", "reason", "actor", "created_at"]


class MeetingSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(Organization, action=Action.CHANGE)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=KIND_CHOICES), source="kind_list",
                                  allow_empty=False)
    host = ScopedRelatedField(Member, action=Action.VIEW, allow_null=True, required=False)
    recorder = ScopedRelatedField(Member, action=Action.VIEW, allow_null=True, required=False)
    attendance = AttendanceSerializer(many=True, source="attendances", required=False)
    attachments = AttachmentSerializer(many=True, read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)
    review_steps = ReviewStepSerializer(many=True, read_only=True, source="reviews")
    submission_key = serializers.UUIDField(required=False, help_text=_(
        "Send the same key again and the first meeting is returned instead of a second one."))
    is_final = serializers.BooleanField(read_only=True)
    quorum = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "organization", "kinds", "starts_at", "ends_at", "place", "topic", "host", "recorder",
                  "lecturer", "agenda", "minutes", "decisions", "attendance", "attachments", "corrections",
                  "review_steps", "quorum", "submission_key", "is_final", "finalized_at", "finalized_by",
                  "created_by", "created_at", "updated_at"]
        read_only_fields = ["finalized_at", "finalized_by", "created_by", "created_at", "updated_at"]

    def get_quorum(self, obj) -> dict | None:
        return selectors.meeting_quorum(obj)

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.instance, "pk", None):
            fields["organization"].read_only = True
            fields["submission_key"].read_only = True
        return fields

    @staticmethod
    def service_kwargs(data: dict) -> dict:
        data = dict(data)
        if "kind_list" in data:
            data["kinds"] = data.pop("kind_list")
        if "attendances" in data:
            data["attendance"] = [services.AttendanceEntry(a["member"], a.get("status", AttendanceStatus.PRESENT),
                                                           a.get("leave_reason", ""))
                                  for a in data.pop("attendances")]
        return data


class MeetingListSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(source="kind_list", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_final = serializers.BooleanField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "organization", "organization_name", "kinds", "starts_at", "place", "topic", "is_final",
                  "finalized_at"]


class CorrectionInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class MakeUpInputSerializer(serializers.Serializer):
    member = ScopedRelatedField(Member, action=Action.VIEW)
    made_up_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[ReviewDecision.APPROVED, ReviewDecision.RETURNED])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    month = serializers.IntegerField(min_value=1, max_value=12)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=KIND_CHOICES), allow_empty=False)
    topic = serializers.CharField(max_length=300)
    planned_on = serializers.DateField(required=False, allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(Organization, action=Action.CHANGE)
    items = PlanItemSerializer(many=True, required=False)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "organization", "year", "summary", "items", "status", "status_display", "return_reason",
                  "submitted_at", "decided_at", "decided_by", "created_at", "updated_at"]
        read_only_fields = ["status", "return_reason", "submitted_at", "decided_at", "decided_by"]

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.instance, "pk", None):
            fields["organization"].read_only = True
            fields["year"].read_only = True
        return fields


class PlanDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[PlanStatus.FILED, PlanStatus.RETURNED])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AppraisalSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(Member, action=Action.CHANGE)
    member_name = serializers.CharField(source="member.name", read_only=True)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True)

    class Meta:
        model = Appraisal
        fields = ["id", "organization", "member", "member_name", "year", "self_assessment", "peer_evaluation",
                  "grade", "decided_on", "followup_measures", "followup_deadline", "followup_outcome", "updated_at"]
        read_only_fields = ["organization", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.instance, "pk", None):
            fields["member"].read_only = True
            fields["year"].read_only = True
        return fields


class TalkSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(Organization, action=Action.CHANGE)
    initiator = ScopedRelatedField(Member, action=Action.VIEW)
    partner = ScopedRelatedField(Member, action=Action.VIEW)
    initiator_name = serializers.CharField(source="initiator.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Talk
        fields = ["id", "organization", "initiator", "initiator_name", "partner", "partner_name", "talked_on",
                  "topic", "notes", "pair_kind", "recorded_at"]
        read_only_fields = ["pair_kind", "recorded_at"]


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityRule
        fields = ["id", "kind", "period", "min_count", "applies_to", "expected", "required", "valid_from",
                  "valid_to", "note", "created_at"]
        read_only_fields = ["valid_to", "created_at"]


class RequirementStatusSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.SerializerMethodField()
    period = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    status = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField(), help_text=_(
        "Ids of the finalized meetings that satisfied it (talks are negative ids)."))
    missing_pairs = serializers.ListField(child=serializers.CharField())

    def get_kind_display(self, obj) -> str:
        return str(ActivityKind(obj.kind).label)


class OrganizationComplianceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    summary = serializers.DictField(child=serializers.IntegerField())
    requirements = RequirementStatusSerializer(many=True)


class ComplianceQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices, default=Period.QUARTER)
    date = serializers.DateField(required=False)
