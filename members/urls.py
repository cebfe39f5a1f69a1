from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("import/", views.RosterImportView.as_view(), name="import"),
    path("export/", views.MemberExportView.as_view(), name="export"),
    path("template/", views.MemberTemplateView.as_view(), name="template"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/remove/", views.MemberRemoveView.as_view(), name="remove"),
    path("<int:pk>/reveal/", views.MemberRevealView.as_view(), name="reveal"),
]
