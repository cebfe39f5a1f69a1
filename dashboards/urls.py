from django.urls import path

from . import views

app_name = "dashboards"

# pk is always an organization's id; the period travels as ?period=month|quarter|year&date=YYYY-MM-DD.
urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="index"),
    path("<int:pk>/", views.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/export.xlsx", views.DashboardExportXlsxView.as_view(), name="export_xlsx"),
    path("<int:pk>/export.pdf", views.DashboardExportPdfView.as_view(), name="export_pdf"),
]
