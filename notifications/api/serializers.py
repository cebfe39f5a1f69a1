from rest_framework import serializers

from ..models import Reminder, ReminderSettings, UserPreference


class ReminderSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = ["id", "kind", "kind_display", "title", "body", "link", "period", "organization",
                  "organization_name", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class ReminderSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReminderSettings
        exclude = ["id", "tenant"]
        read_only_fields = ["updated_at"]


class PreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = UserPreference
        fields = ["email", "sms"]


class CountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
