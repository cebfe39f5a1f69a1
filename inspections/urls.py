from django.urls import path

from . import views

app_name = "inspections"

# Every route names at most one object, as <int:pk>; anything else travels in the query string or the form.
urlpatterns = [
    path("", views.InspectionListView.as_view(), name="list"),
    path("new/", views.InspectionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="detail"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/check/", views.VisitCheckView.as_view(), name="visit_check"),
    path("visits/<int:pk>/items/", views.VisitAddItemView.as_view(), name="visit_add_item"),
    path("visits/<int:pk>/file-ticket/", views.VisitFileTicketView.as_view(), name="visit_file_ticket"),
    path("visits/<int:pk>/evidence/", views.VisitEvidenceView.as_view(), name="visit_evidence"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/export/", views.LedgerExportView.as_view(), name="ledger_export"),
    path("tickets/new/", views.TicketCreateView.as_view(), name="ticket_create"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket"),
    path("tickets/<int:pk>/notice/", views.TicketNoticeView.as_view(), name="ticket_notice"),
    path("tickets/<int:pk>/transition/", views.TicketTransitionView.as_view(), name="ticket_transition"),
    path("tickets/<int:pk>/measures/", views.TicketMeasureAddView.as_view(), name="ticket_measure_add"),
    path("tickets/<int:pk>/measure-status/", views.TicketMeasureStatusView.as_view(), name="ticket_measure_status"),
    path("tickets/<int:pk>/comments/", views.TicketCommentView.as_view(), name="ticket_comment"),
    path("tickets/<int:pk>/attachments/", views.TicketAttachmentAddView.as_view(), name="ticket_attachment_add"),
    path("tickets/<int:pk>/attachment/", views.TicketAttachmentView.as_view(), name="ticket_attachment"),
    path("tickets/<int:pk>/inspectors/", views.TicketInspectorAddView.as_view(), name="ticket_inspector_add"),
    path("tickets/<int:pk>/supervision/", views.TicketSupervisionView.as_view(), name="ticket_supervision"),
]
