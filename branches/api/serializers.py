from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import ScopedRelatedField
from core.scoping import Action
from members.models import Member

from .. import selectors
from ..choices import CommitteePost
from ..models import Election, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(Organization, action=Action.ADMIN, allow_null=True, required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    term_status = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id", "parent", "path", "depth", "name", "short_name", "code", "kind", "kind_display",
            "category", "category_display", "established_on", "term_start", "term_end", "term_status", "theme_day",
            "status", "dissolved_on", "created_at", "updated_at",
        ]
        read_only_fields = ["path", "depth", "status", "dissolved_on", "created_at", "updated_at"]

    def get_term_status(self, obj) -> str:
        return selectors.organization_term_status(organization=obj, today=timezone.localdate())

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            # Changing the parent or the kind goes through the move action, not an update.
            fields["parent"].read_only = True
            fields["kind"].read_only = True
        return fields


class OrganizationMoveSerializer(serializers.Serializer):
    parent = ScopedRelatedField(Organization, action=Action.ADMIN, label=_("new parent organization"))


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ElectionPostInputSerializer(serializers.Serializer):
    member = ScopedRelatedField(Member, action=Action.CHANGE)
    post = serializers.ChoiceField(choices=CommitteePost.choices)


class ElectionSerializer(serializers.ModelSerializer):
    posts = ElectionPostInputSerializer(many=True, write_only=True, required=False)
    committee = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = ["id", "organization", "held_on", "approved_by", "term_years", "term_end", "notes", "posts",
                  "committee", "recorded_at"]
        read_only_fields = ["organization", "term_end", "recorded_at"]
        extra_kwargs = {"term_years": {"required": False}}

    def get_committee(self, obj) -> list[dict]:
        return [{"member": p.member_id, "name": p.member.name, "post": p.post, "post_display": p.get_post_display()}
                for p in obj.posts.select_related("member")]

    def validate_held_on(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("An election cannot be recorded before it is held."))
        return value
