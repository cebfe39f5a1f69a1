from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from branches.choices import OrgKind
from branches.models import Organization
from core.api.base import ScopedViewSet
from core.scoping import Action, subtree_prefixes

from .. import rules, selectors, services
from ..filters import AppraisalFilter, MeetingFilter, PlanFilter, TalkFilter
from ..models import ActivityRule, Appraisal, Attendance, Meeting, Plan, Talk
from .serializers import (
    AppraisalSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ComplianceQuerySerializer,
    CorrectionInputSerializer,
    CorrectionSerializer,
    MakeUpInputSerializer,
    MeetingListSerializer,
    MeetingSerializer,
    OrganizationComplianceSerializer,
    PlanDecisionSerializer,
    PlanItemSerializer,
    PlanSerializer,
    ReviewDecisionSerializer,
    ReviewStepSerializer,
    RuleSerializer,
    TalkSerializer,
)


class MeetingViewSet(ScopedViewSet):
    """Meeting records with attendance, attachments, finalization (定稿), corrections and review."""

    queryset = Meeting.objects.select_related("organization").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.select_related("member", "make_up")),
        "attachments", "corrections__author", "reviews")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at", "created_at"]
    ordering = ["-starts_at", "-id"]
    scope_actions = {"review": Action.REVIEW}

    def get_serializer_class(self):
        return MeetingListSerializer if self.action == "list" else MeetingSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = MeetingSerializer.service_kwargs(serializer.validated_data)
        key = data.pop("submission_key", None) or request.headers.get("Idempotency-Key") or None
        before = Meeting.objects.filter(tenant_id=data["organization"].tenant_id, submission_key=key).exists() \
            if key else False
        meeting = services.meeting_record(actor=request.user, submission_key=key, **data)
        body = MeetingSerializer(self.get_queryset().get(pk=meeting.pk), context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = MeetingSerializer.service_kwargs(serializer.validated_data)
        serializer.instance = services.meeting_update(actor=self.request.user, meeting=serializer.instance, **data)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(MeetingSerializer(self.get_queryset().get(pk=kwargs["pk"]),
                                          context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        services.meeting_delete(actor=self.request.user, meeting=instance)

    def _detail(self, meeting, code=status.HTTP_200_OK):
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk),
                                          context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        return self._detail(services.meeting_finalize(actor=request.user, meeting=self.get_object()))

    @extend_schema(request=CorrectionInputSerializer, responses={201: CorrectionSerializer})
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        meeting = self.get_object()
        payload = CorrectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        correction = services.correction_add(actor=request.user, meeting=meeting, text=payload.validated_data["text"])
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        meeting = self.get_object()
        payload = AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, meeting=meeting, upload=payload.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MakeUpInputSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def makeup(self, request, pk=None):
        meeting = self.get_object()
        payload = MakeUpInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        attendance = meeting.attendances.filter(member=payload.validated_data["member"]).first()
        if attendance is None:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"member": _("The member is not on this meeting's attendance list.")})
        services.makeup_record(actor=request.user, attendance=attendance,
                               made_up_on=payload.validated_data["made_up_on"], note=payload.validated_data["note"])
        return self._detail(meeting)

    @extend_schema(request=None, responses={201: ReviewStepSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        step = services.meeting_submit_for_review(actor=request.user, meeting=self.get_object())
        return Response(ReviewStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewDecisionSerializer, responses={201: ReviewStepSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        meeting = self.get_object()
        payload = ReviewDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = services.meeting_review_decide(actor=request.user, meeting=meeting, **payload.validated_data)
        return Response(ReviewStepSerializer(step).data, status=status.HTTP_201_CREATED)


def _plan_entries(items):
    return [services.PlanItemEntry(i["month"], i["kinds"], i["topic"], i.get("planned_on")) for i in items]


class PlanViewSet(ScopedViewSet):
    """Annual plans: draft → submitted → filed / returned with a reason."""

    queryset = Plan.objects.select_related("organization").prefetch_related("items")
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering = ["-year", "organization__path"]
    scope_actions = {"decide": Action.REVIEW}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.plan_save(
            actor=self.request.user, organization=data["organization"], year=data["year"],
            summary=data.get("summary", ""), items=_plan_entries(data.get("items", [])))

    def perform_update(self, serializer):
        plan, data = serializer.instance, serializer.validated_data
        items = data["items"] if "items" in data else [PlanItemSerializer(i).data for i in plan.items.all()]
        serializer.instance = services.plan_save(
            actor=self.request.user, organization=plan.organization, year=plan.year,
            summary=data.get("summary", plan.summary), items=_plan_entries(items))

    def perform_destroy(self, instance):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        if instance.status not in ("draft", "returned"):
            raise ValidationError(_("A submitted or filed plan cannot be deleted."))
        instance.delete()

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = services.plan_submit(actor=request.user, plan=self.get_object())
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)

    @extend_schema(request=PlanDecisionSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        plan = self.get_object()
        payload = PlanDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_decide(actor=request.user, plan=plan, **payload.validated_data)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data)


class AppraisalViewSet(ScopedViewSet):
    """Democratic review of members (民主评议): one row per member per year."""

    queryset = Appraisal.objects.select_related("member", "organization")
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member, year = data.pop("member"), data.pop("year")
        serializer.instance = services.appraisal_save(actor=self.request.user, member=member, year=year, **data)

    def perform_update(self, serializer):
        appraisal = serializer.instance
        serializer.instance = services.appraisal_save(actor=self.request.user, member=appraisal.member,
                                                      year=appraisal.year, **serializer.validated_data)


class TalkViewSet(ScopedViewSet):
    """Heart-to-heart talks (谈心谈话)."""

    queryset = Talk.objects.select_related("initiator", "partner")
    serializer_class = TalkSerializer
    filterset_class = TalkFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.talk_record(actor=self.request.user, **serializer.validated_data)


class RuleViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The tenant's rule versions (national defaults apply to kinds never set); admins add versions."""

    queryset = ActivityRule.objects.all()
    serializer_class = RuleSerializer
    pagination_class = None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, Action.VIEW).order_by("kind", "valid_from")

    def create(self, request, *args, **kwargs):
        if not subtree_prefixes(request.user, Action.ADMIN):  # tenant administrators only
            raise PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.rule_version_set(actor=request.user, tenant=request.user.tenant, **serializer.validated_data)
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


PERIOD_PARAMS = [
    OpenApiParameter("period", enum=["month", "quarter", "year"], default="quarter"),
    OpenApiParameter("date", type=str, description="A day inside the period (YYYY-MM-DD); today by default."),
]


class ComplianceViewSet(ScopedViewSet):
    """What was required, what was held, what is overdue: per organization and period, or for a subtree."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationComplianceSerializer
    http_method_names = ["get", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset().filter(status="active")
        within = self.request.query_params.get("within")
        if within and self.action == "list":
            anchor = qs.filter(pk=within).values_list("path", flat=True).first()
            qs = qs.filter(path__startswith=anchor) if anchor else qs.none()
        if self.action == "list":
            qs = qs.filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP, OrgKind.COMMITTEE])
        return qs.order_by("path")

    def _window(self):
        query = ComplianceQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        start, end = rules.period_bounds(query.validated_data["period"], day)
        return start, end

    @staticmethod
    def _rows(orgs, statuses):
        return [{"id": o.pk, "name": o.name, "kind": o.kind, "summary": rules.summarize(statuses[o.pk]),
                 "requirements": statuses[o.pk]} for o in orgs]

    @extend_schema(parameters=[*PERIOD_PARAMS, OpenApiParameter("within", int)])
    def list(self, request, *args, **kwargs):
        start, end = self._window()
        page = self.paginate_queryset(self.get_queryset())
        statuses = selectors.compliance_for_subtree(organizations=page, tenant_id=request.user.tenant_id,
                                                    start=start, end=end, today=timezone.localdate())
        return self.get_paginated_response(OrganizationComplianceSerializer(self._rows(page, statuses),
                                                                            many=True).data)

    @extend_schema(parameters=PERIOD_PARAMS, responses=OrganizationComplianceSerializer(many=True),
                   operation_id="v1_compliance_retrieve")
    def retrieve(self, request, *args, **kwargs):
        org = self.get_object()
        start, end = self._window()
        statuses = selectors.compliance_for(organization=org, start=start, end=end, today=timezone.localdate())
        orgs = [org, *Organization.objects.filter(pk__in=[k for k in statuses if k != org.pk]).order_by("code")]
        return Response(OrganizationComplianceSerializer(self._rows(orgs, statuses), many=True).data)
