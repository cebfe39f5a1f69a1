from django.urls import path

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.OrganizationTreeView.as_view(), name="tree"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="detail"),
    path("<int:pk>/children/", views.OrganizationChildrenView.as_view(), name="children"),
    path("<int:pk>/children/new/", views.OrganizationCreateView.as_view(), name="create_child"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.OrganizationMoveView.as_view(), name="move"),
    path("<int:pk>/elections/new/", views.ElectionRecordView.as_view(), name="election_record"),
]
