from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.scoping import Action, subtree_prefixes

from .. import scan, services
from ..models import Reminder, UserPreference
from .serializers import (
    CountSerializer,
    MarkReadSerializer,
    PreferenceSerializer,
    ReminderSerializer,
    ReminderSettingsSerializer,
)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own inbox: reminders addressed to them, newest first (nobody reads another's inbox)."""

    queryset = Reminder.objects.select_related("organization")
    serializer_class = ReminderSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        qs = super().get_queryset().filter(recipient=self.request.user, tenant_id=self.request.user.tenant_id)
        unread = self.request.query_params.get("unread")
        if unread in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs.order_by("-created_at", "-id")

    @extend_schema(request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        reminder = self.get_object()
        services.mark_read(user=request.user, reminder_ids=[reminder.pk])
        reminder.refresh_from_db()
        return Response(ReminderSerializer(reminder).data)

    @extend_schema(request=MarkReadSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.mark_read(user=request.user, reminder_ids=payload.validated_data.get("ids"))
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})

    @extend_schema(responses=CountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


class ReminderSettingsView(APIView):
    """The tenant's reminder offsets, channels and quiet hours; tenant administrators change them."""

    @extend_schema(responses=ReminderSettingsSerializer)
    def get(self, request):
        return Response(ReminderSettingsSerializer(scan.settings_for(request.user.tenant_id)).data)

    @extend_schema(request=ReminderSettingsSerializer, responses=ReminderSettingsSerializer)
    def put(self, request):
        if request.user.tenant_id is None or not subtree_prefixes(request.user, Action.ADMIN):
            raise PermissionDenied()
        payload = ReminderSettingsSerializer(scan.settings_for(request.user.tenant_id), data=request.data,
                                             partial=True)
        payload.is_valid(raise_exception=True)
        config = services.settings_save(actor=request.user, tenant_id=request.user.tenant_id,
                                        **payload.validated_data)
        return Response(ReminderSettingsSerializer(config).data)


class PreferenceView(APIView):
    """The caller's channel preferences (the inbox always receives everything)."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        pref = UserPreference.objects.filter(user=request.user).first() or UserPreference(user=request.user)
        return Response(PreferenceSerializer(pref).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        payload = PreferenceSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        return Response(PreferenceSerializer(services.preference_save(user=request.user,
                                                                      **payload.validated_data)).data)
