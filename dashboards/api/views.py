from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from activities.choices import Period
from branches.models import Organization
from core.api.base import ScopedViewSet

from .. import selectors
from .serializers import DashboardQuerySerializer, DashboardSerializer, report_data


class DashboardViewSet(ScopedViewSet):
    """One organization's dashboard: its subtree's figures for a period, and each visible child's.

    Routed as ``dashboard/<pk>/`` for ``retrieve`` only (config/urls.py): no list, nothing to write.
    """

    queryset = Organization.objects.all()
    serializer_class = DashboardSerializer
    http_method_names = ["get", "head", "options"]
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().filter(selectors.under_grants_q(self.request.user))

    @extend_schema(
        parameters=[OpenApiParameter("period", enum=[p.value for p in Period], default=Period.YEAR),
                    OpenApiParameter("date", type=str, description="A day inside the period (YYYY-MM-DD); "
                                                                   "today by default.")],
        responses=DashboardSerializer)
    def retrieve(self, request, *args, **kwargs):
        organization = self.get_object()  # 404 out of scope, whatever the parameters
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = selectors.dashboard_report(user=request.user, organization=organization,
                                            period=query.validated_data["period"],
                                            day=query.validated_data.get("date"), today=timezone.localdate())
        return Response(DashboardSerializer(report_data(report)).data)
