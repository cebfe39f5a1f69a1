from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView, TokenLoginView, TokenLogoutView
from activities.api.views import (
    AppraisalViewSet,
    ComplianceViewSet,
    MeetingViewSet,
    PlanViewSet,
    RuleViewSet,
    TalkViewSet,
)
from branches.api.views import OrganizationViewSet
from dashboards.api.views import DashboardViewSet
from inspections.api.views import InspectionViewSet, TicketViewSet, VisitViewSet
from members.api.views import MemberViewSet
from notifications.api.views import NotificationViewSet, PreferenceView, ReminderSettingsView

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("plans", PlanViewSet, basename="plan")
router.register("reviews", AppraisalViewSet, basename="review")
router.register("talks", TalkViewSet, basename="talk")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("activity-rules", RuleViewSet, basename="activity-rule")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("visits", VisitViewSet, basename="visit")
router.register("rectifications", TicketViewSet, basename="rectification")
router.register("notifications", NotificationViewSet, basename="notification")

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("notification-settings/", ReminderSettingsView.as_view(), name="notification-settings"),
    path("notification-preferences/", PreferenceView.as_view(), name="notification-preferences"),
    path("dashboard/<int:pk>/", DashboardViewSet.as_view({"get": "retrieve"}), name="dashboard-detail"),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("core.urls")),
    path("organizations/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("inspections/", include("inspections.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("notifications/", include("notifications.urls")),
]
