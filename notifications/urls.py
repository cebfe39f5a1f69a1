from django.urls import path

from . import views

app_name = "notifications"

# Every route names at most one object, as <int:pk>: always one of the caller's own reminders.
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/open/", views.ReminderOpenView.as_view(), name="open"),
    path("<int:pk>/read/", views.ReminderReadView.as_view(), name="read"),
    path("read-all/", views.ReadAllView.as_view(), name="read_all"),
    path("settings/", views.ReminderSettingsView.as_view(), name="settings"),
    path("preferences/", views.PreferenceView.as_view(), name="preferences"),
]
