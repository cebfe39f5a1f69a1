from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from branches.models import Organization
from core.api.base import ScopedRelatedField
from core.scoping import Action

from ..choices import InspectionStatus, ItemResult, MeasureStatus, Severity, TicketAction
from ..models import (
    CheckItem,
    ChecklistTemplate,
    Inspection,
    Measure,
    RectificationTicket,
    TicketAttachment,
    TicketCategory,
    TicketComment,
    TicketEvent,
    Visit,
)


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id among the caller's tenant's rows (tenant-wide settings and users)."""

    def __init__(self, model, **kwargs):
        self.tenant_model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        tenant_id = getattr(getattr(request, "user", None), "tenant_id", None)
        return self.tenant_model.objects.filter(tenant_id=tenant_id) if tenant_id else self.tenant_model.objects.none()


class CheckItemSerializer(serializers.ModelSerializer):
    ticket = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CheckItem
        fields = ["id", "text", "category_code", "result", "note", "evidence", "checked_by", "checked_at", "ticket"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    target_name = serializers.CharField(source="target.name", read_only=True)
    items = CheckItemSerializer(many=True, read_only=True)
    inspection_title = serializers.CharField(source="inspection.title", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "inspection", "inspection_title", "target", "target_name", "visited_on", "notes", "items"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(Organization, action=Action.INSPECT)
    targets = ScopedRelatedField(Organization, action=Action.INSPECT, many=True, write_only=True)
    template = TenantRelatedField(ChecklistTemplate, required=False, allow_null=True, write_only=True)
    team = TenantRelatedField(User, many=True, required=False)
    visits = VisitSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "organization", "kind", "title", "team", "team_note", "starts_on", "ends_on", "review_from",
                  "review_to", "status", "targets", "template", "visits", "created_at"]
        read_only_fields = ["status", "created_at"]


class InspectionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InspectionStatus.choices)


class CheckResultSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CheckItemAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    category_code = serializers.CharField(required=False, allow_blank=True, default="")


class FileFromItemSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    deadline = serializers.DateField()
    responsible_person = serializers.CharField(max_length=100)
    responsible_user = TenantRelatedField(User, required=False, allow_null=True)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    registered_supervision = serializers.BooleanField(default=False)


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "description", "owner", "due_on", "status"]
        read_only_fields = ["status"]


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True, default="")

    class Meta:
        model = TicketComment
        fields = ["id", "text", "author", "author_name", "created_at"]
        read_only_fields = ["author", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")

    class Meta:
        model = TicketEvent
        fields = ["id", "action", "from_status", "to_status", "note", "actor", "actor_name", "created_at"]


class TicketAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TicketAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return obj.file.url


class TicketSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(Organization, action=Action.INSPECT)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    category = TenantRelatedField(TicketCategory)
    category_name = serializers.CharField(source="category.name", read_only=True)
    responsible_user = TenantRelatedField(User, required=False, allow_null=True)
    measures = MeasureSerializer(many=True, required=False)
    comments = CommentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    attachments = TicketAttachmentSerializer(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = RectificationTicket
        fields = ["id", "number", "organization", "organization_name", "check_item", "problem", "category",
                  "category_name", "severity", "source", "responsible_person", "responsible_user", "deadline",
                  "status", "status_display", "is_overdue", "registered_supervision", "completion", "measures",
                  "comments", "attachments", "events", "filed_by", "filed_at", "accepted_at", "closed_at"]
        read_only_fields = ["number", "check_item", "status", "completion", "filed_by", "filed_at", "accepted_at",
                            "closed_at"]

    def get_is_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())


class TicketListSerializer(TicketSerializer):
    class Meta(TicketSerializer.Meta):
        fields = ["id", "number", "organization", "organization_name", "problem", "category_name", "severity",
                  "responsible_person", "deadline", "status", "status_display", "is_overdue",
                  "registered_supervision", "filed_at", "closed_at"]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=TicketAction.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    completion = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class MeasureStatusSerializer(serializers.Serializer):
    measure = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MeasureStatus.choices)


class InspectorSerializer(serializers.Serializer):
    user = TenantRelatedField(User, label=_("inspector"))


class SupervisionSerializer(serializers.Serializer):
    registered = serializers.BooleanField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class LedgerCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    overdue = serializers.IntegerField()
    registered_supervision = serializers.IntegerField()
