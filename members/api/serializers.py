from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from branches.models import Organization
from core.api.base import ScopedRelatedField
from core.scoping import Action

from ..models import Member


class MemberSerializer(serializers.ModelSerializer):
    """A member; national ID and phone are write-only in the clear and read back masked."""

    organization = ScopedRelatedField(Organization, action=Action.CHANGE)
    group = ScopedRelatedField(Organization, action=Action.CHANGE, allow_null=True, required=False)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    national_id = serializers.CharField(write_only=True, label=_("national ID number"))
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, label=_("phone"))
    national_id_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id", "organization", "organization_name", "group", "name", "gender", "gender_display", "ethnicity",
            "birth_date", "national_id", "national_id_masked", "phone", "phone_masked", "education", "employer",
            "post", "joined_on", "full_member_on", "status", "status_display", "is_mobile", "mobile_location",
            "lost_contact", "last_org_life_on", "is_active", "created_at", "updated_at",
        ]
        read_only_fields = ["last_org_life_on", "is_active", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if getattr(self.instance, "pk", None):
            fields["national_id"].required = False
        return fields


class MemberRevealSerializer(serializers.Serializer):
    national_id = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("roster file (.xlsx)"))
