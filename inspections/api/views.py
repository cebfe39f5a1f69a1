from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSet
from core.scoping import Action

from .. import exports, selectors, services
from ..filters import InspectionFilter, TicketFilter
from ..models import CheckItem, Inspection, RectificationTicket, Visit
from .serializers import (
    CheckItemAddSerializer,
    CheckItemSerializer,
    CheckResultSerializer,
    CommentSerializer,
    FileFromItemSerializer,
    InspectionSerializer,
    InspectionStatusSerializer,
    InspectorSerializer,
    LedgerCountsSerializer,
    MeasureSerializer,
    MeasureStatusSerializer,
    SupervisionSerializer,
    TicketAttachmentSerializer,
    TicketListSerializer,
    TicketSerializer,
    TransitionSerializer,
    UploadSerializer,
    VisitSerializer,
)


class InspectionViewSet(ScopedViewSet):
    """Inspection plans (督导, 督查, 巡察, 暗访, 随机抽查) with their visits and checklists."""

    queryset = Inspection.objects.select_related("organization").prefetch_related("visits__items", "visits__target",
                                                                                   "team")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"create": Action.INSPECT, "set_status": Action.INSPECT}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.inspection_create(actor=self.request.user, **data)

    @extend_schema(request=InspectionStatusSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        inspection = self.get_object()
        payload = InspectionStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        inspection = services.inspection_set_status(actor=request.user, inspection=inspection,
                                                    status=payload.validated_data["status"])
        return Response(InspectionSerializer(inspection, context=self.get_serializer_context()).data)


class VisitViewSet(ScopedViewSet):
    """One target of an inspection: its checklist, the target's own records, findings filed as tickets."""

    queryset = Visit.objects.select_related("inspection", "target").prefetch_related("items")
    serializer_class = VisitSerializer
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"check": Action.INSPECT, "file_ticket": Action.INSPECT, "add_item": Action.INSPECT}

    def create(self, request, *args, **kwargs):
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def _item(self, visit, item_id) -> CheckItem:
        item = visit.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": _("The item is not on this visit's checklist.")})
        return item

    @extend_schema(request=CheckResultSerializer, responses=CheckItemSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        visit = self.get_object()
        payload = CheckResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.check_item_record(actor=request.user, item=self._item(visit, payload.validated_data["item"]),
                                          result=payload.validated_data["result"],
                                          note=payload.validated_data["note"])
        return Response(CheckItemSerializer(item).data)

    @extend_schema(request=CheckItemAddSerializer, responses={201: CheckItemSerializer})
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        visit = self.get_object()
        payload = CheckItemAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.check_item_add(actor=request.user, visit=visit, **payload.validated_data)
        return Response(CheckItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FileFromItemSerializer, responses={201: TicketSerializer})
    @action(detail=True, methods=["post"], url_path="file-ticket")
    def file_ticket(self, request, pk=None):
        visit = self.get_object()
        payload = FileFromItemSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        item = self._item(visit, data.pop("item"))
        ticket = services.ticket_from_item(actor=request.user, item=item, **data)
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def facts(self, request, pk=None):
        """The target's own meetings, attendance and compliance for the period under review."""
        visit = self.get_object()
        facts = selectors.visit_facts(visit=visit)
        return Response({
            "finalized": facts["finalized"], "drafts": facts["drafts"],
            "attendance_rate": facts["attendance_rate"],
            "meetings": [{"id": m.id, "topic": m.topic, "starts_at": m.starts_at, "kinds": m.kind_list,
                          "organization": m.organization.name, "is_final": m.is_final} for m in facts["meetings"]],
            "overdue": [{"kind": s.kind, "period": s.label, "organization": s.org_id, "held": s.held,
                         "required": s.required} for s in facts["overdue"]],
        })


class TicketViewSet(ScopedViewSet):
    """Rectification tickets (整改台账) with their life cycle, measures, comments, evidence and history."""

    queryset = RectificationTicket.objects.select_related("organization", "category").prefetch_related(
        "measures", "comments__author", "events__actor", "attachments")
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    search_fields = ["problem", "number", "responsible_person"]
    ordering_fields = ["filed_at", "deadline", "number"]
    ordering = ["-filed_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    # Which side may act is decided per step by the service (the transition table).
    scope_actions = {"create": Action.INSPECT, "transition": Action.VIEW, "measures": Action.VIEW,
                     "measure_status": Action.VIEW, "comments": Action.VIEW, "attachments": Action.VIEW,
                     "inspectors": Action.VIEW, "supervision": Action.VIEW}

    def get_serializer_class(self):
        return TicketListSerializer if self.action == "list" else TicketSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        measures = [services.MeasureEntry(m["description"], m.get("owner", ""), m.get("due_on"))
                    for m in data.pop("measures", [])]
        serializer.instance = services.ticket_file(actor=self.request.user, measures=measures, **data)

    def _detail(self, ticket, code=status.HTTP_200_OK):
        return Response(TicketSerializer(self.get_queryset().get(pk=ticket.pk),
                                         context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=TransitionSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ticket = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.ticket_transition(actor=request.user, ticket=ticket, **payload.validated_data))

    @extend_schema(request=MeasureSerializer, responses={201: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        ticket = self.get_object()
        payload = MeasureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measure = services.measure_add(actor=request.user, ticket=ticket, **payload.validated_data)
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeasureStatusSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"], url_path="measure-status")
    def measure_status(self, request, pk=None):
        ticket = self.get_object()
        payload = MeasureStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measure = ticket.measures.filter(pk=payload.validated_data["measure"]).first()
        if measure is None:
            raise ValidationError({"measure": _("The measure does not belong to this ticket.")})
        measure = services.measure_set_status(actor=request.user, measure=measure,
                                              status=payload.validated_data["status"])
        return Response(MeasureSerializer(measure).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        ticket = self.get_object()
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = services.comment_add(actor=request.user, ticket=ticket, text=payload.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: TicketAttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        payload = UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = services.ticket_attachment_add(actor=request.user, ticket=ticket,
                                                    upload=payload.validated_data["file"])
        return Response(TicketAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InspectorSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def inspectors(self, request, pk=None):
        ticket = self.get_object()
        payload = InspectorSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        services.ticket_add_inspector(actor=request.user, ticket=ticket, user=payload.validated_data["user"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=SupervisionSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def supervision(self, request, pk=None):
        ticket = self.get_object()
        payload = SupervisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.ticket_set_supervision(actor=request.user, ticket=ticket,
                                                            registered=payload.validated_data["registered"]))

    @extend_schema(responses=LedgerCountsSerializer)
    @action(detail=False, methods=["get"])
    def counts(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return Response(selectors.ledger_counts(qs, today=timezone.localdate()))

    @extend_schema(responses={(200, exports.XLSX): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset()).order_by("filed_at", "id")
        return exports.ledger_response(qs)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def notice(self, request, pk=None):
        return exports.notice_response(self.get_object())
