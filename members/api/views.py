from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSet
from core.scoping import Action

from .. import roster, services
from ..choices import RevealChannel
from ..filters import MemberFilter
from ..models import Member
from .serializers import ImportResultSerializer, ImportUploadSerializer, MemberRevealSerializer, MemberSerializer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MemberViewSet(ScopedViewSet):
    """Members of the caller's subtree; personal data masked unless revealed (and logged)."""

    queryset = Member.objects.select_related("organization")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    search_fields = ["name", "employer", "post"]
    ordering_fields = ["name", "joined_on", "organization__path", "last_org_life_on"]
    ordering = ["organization__path", "name", "id"]
    scope_actions = {"reveal": Action.VIEW}

    def perform_create(self, serializer):
        serializer.instance = services.member_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.member_update(actor=self.request.user, member=serializer.instance,
                                                     **serializer.validated_data)

    def perform_destroy(self, instance):
        services.member_remove(actor=self.request.user, member=instance)

    @extend_schema(request=None, responses={200: MemberRevealSerializer,
                                            403: OpenApiResponse(description="No reveal permission")})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        member = self.get_object()
        data = services.member_reveal(actor=request.user, member=member, channel=RevealChannel.API)
        return Response(MemberRevealSerializer(data).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportResultSerializer, 400: ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_roster(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        result = roster.import_roster(actor=request.user, file=upload.validated_data["file"])
        body = {"created": result.created, "errors": [e.as_dict() for e in result.errors]}
        if result.errors:
            return Response({"error": {"code": "import_rejected", "message": result.summary, "fields": {}},
                             **body}, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return roster.export_response(actor=request.user, members=qs)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get"])
    def template(self, request):
        return roster.template_response(actor=request.user)
