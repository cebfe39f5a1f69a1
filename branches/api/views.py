from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import ScopedViewSet
from core.scoping import Action

from .. import selectors, services
from ..filters import OrganizationFilter
from ..models import Election, Organization
from .serializers import ElectionSerializer, OrganizationMoveSerializer, OrganizationSerializer, WarningSerializer


class OrganizationViewSet(ScopedViewSet):
    """Organizations of the caller's subtree, with children, subtree, move and elections."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["path", "name", "code", "term_end"]
    ordering = ["path"]
    scope_actions = {
        "create": Action.ADMIN, "update": Action.ADMIN, "partial_update": Action.ADMIN,
        "destroy": Action.ADMIN, "move": Action.ADMIN, "elections": Action.CHANGE,
    }

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        serializer.instance = services.organization_create(
            actor=self.request.user, tenant=self.request.user.tenant, parent=parent, **data)

    def perform_update(self, serializer):
        serializer.instance = services.organization_update(
            actor=self.request.user, organization=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.organization_dissolve(actor=self.request.user, organization=instance,
                                       dissolved_on=timezone.localdate())

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        org = self.get_object()
        page = self.paginate_queryset(selectors.organization_children(user=request.user, organization=org))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=OrganizationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def subtree(self, request, pk=None):
        org = self.get_object()
        qs = self.filter_queryset(selectors.organization_subtree(user=request.user, organization=org))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=OrganizationMoveSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        org = self.get_object()
        payload = OrganizationMoveSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        org = services.organization_move(actor=request.user, organization=org,
                                         new_parent=payload.validated_data["parent"])
        return Response(OrganizationSerializer(org, context=self.get_serializer_context()).data)

    @extend_schema(responses=WarningSerializer(many=True))
    @action(detail=True, methods=["get"])
    def warnings(self, request, pk=None):
        org = self.get_object()
        data = [{"code": w.code, "message": w.message} for w in selectors.organization_warnings(organization=org)]
        return Response(WarningSerializer(data, many=True).data)

    @extend_schema(methods=["get"], responses=ElectionSerializer(many=True))
    @extend_schema(methods=["post"], request=ElectionSerializer, responses=ElectionSerializer)
    @action(detail=True, methods=["get", "post"], serializer_class=ElectionSerializer)
    def elections(self, request, pk=None):
        org = self.get_object()
        if request.method == "GET":
            qs = Election.objects.filter(tenant_id=org.tenant_id, organization=org).order_by("-held_on")
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(ElectionSerializer(page, many=True).data)
        serializer = ElectionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        posts = [(p["member"], p["post"]) for p in data.pop("posts", [])]
        election = services.election_record(actor=request.user, organization=org, posts=posts, **data)
        return Response(ElectionSerializer(election).data, status=status.HTTP_201_CREATED)
