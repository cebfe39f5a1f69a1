"""Pages of organizational life. Object ids are always ``pk`` (the generic isolation test fills them);
years, months and periods travel as query parameters."""

from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rules/", views.RulesView.as_view(), name="rules"),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    # One organization (pk = organization id).
    path("org/<int:pk>/calendar/", views.CalendarView.as_view(), name="calendar"),
    path("org/<int:pk>/compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("org/<int:pk>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("org/<int:pk>/meetings/attendance/", views.AttendanceChecklistView.as_view(), name="meeting_attendance"),
    path("org/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("org/<int:pk>/reviews/", views.ReviewsView.as_view(), name="reviews"),
    path("org/<int:pk>/talks/", views.TalksView.as_view(), name="talks"),
    # One meeting record (pk = meeting id).
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("meetings/<int:pk>/finalize/", views.MeetingFinalizeView.as_view(), name="meeting_finalize"),
    path("meetings/<int:pk>/submit/", views.MeetingSubmitView.as_view(), name="meeting_submit"),
    path("meetings/<int:pk>/review/", views.MeetingReviewView.as_view(), name="meeting_review"),
    path("meetings/<int:pk>/attachments/", views.AttachmentAddView.as_view(), name="meeting_attach"),
    path("meetings/<int:pk>/attachment/", views.AttachmentFileView.as_view(), name="meeting_attachment"),
    path("meetings/<int:pk>/corrections/", views.CorrectionAddView.as_view(), name="meeting_correct"),
    path("meetings/<int:pk>/makeup/", views.MakeUpView.as_view(), name="meeting_makeup"),
    # One plan (pk = plan id) and one member's democratic review (pk = member id).
    path("plans/<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/decide/", views.PlanDecideView.as_view(), name="plan_decide"),
    path("reviews/member/<int:pk>/", views.AppraisalEditView.as_view(), name="appraisal_edit"),
]
