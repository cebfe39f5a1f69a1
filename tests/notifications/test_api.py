"""Inbox, settings and preferences API; the run_reminders command."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.scoping import Role
from notifications.models import Delivery, Reminder
from tests.conftest import api_as
from tests.factories import remind

pytestmark = pytest.mark.django_db


def test_inbox_shows_only_own_reminders(world_a, world_b):
    mine = remind(world_a)
    remind(world_b)
    secretary = api_as(world_a.user(Role.SECRETARY))
    body = secretary.get("/api/v1/notifications/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    # The tenant administrator does not read the secretary's inbox.
    assert api_as(world_a.user(Role.TENANT_ADMIN)).get(f"/api/v1/notifications/{mine.pk}/").status_code == 404


def test_mark_read_and_unread_count(world_a):
    first, second = remind(world_a, title="甲"), remind(world_a, title="乙", kind="term_overdue")
    client = api_as(world_a.user(Role.SECRETARY))
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert client.post(f"/api/v1/notifications/{first.pk}/read/").json()["is_read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "1"}).json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/", {}, format="json").json() == {"unread": 0}
    second.refresh_from_db()
    assert second.read_at is not None


def test_settings_read_by_all_changed_by_admin(world_a):
    assert api_as(world_a.user(Role.SECRETARY)).get("/api/v1/notification-settings/").json()["escalation_days"] == 14
    refused = api_as(world_a.user(Role.SECRETARY)).put("/api/v1/notification-settings/", {"escalation_days": 3},
                                                       format="json")
    assert refused.status_code == 403
    admin = api_as(world_a.user(Role.TENANT_ADMIN))
    response = admin.put("/api/v1/notification-settings/", {"escalation_days": 7, "quiet_start": "21:30:00"},
                         format="json")
    assert response.status_code == 200 and response.json()["escalation_days"] == 7
    bad = admin.put("/api/v1/notification-settings/", {"wecom_url": "not a url"}, format="json")
    assert bad.status_code == 400 and "wecom_url" in bad.json()["error"]["fields"]


def test_preferences(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    assert client.get("/api/v1/notification-preferences/").json() == {"email": True, "sms": False}
    assert client.put("/api/v1/notification-preferences/", {"sms": True}, format="json").json()["sms"] is True


def test_run_reminders_dry_run_then_real_run_then_nothing_new(world_a, world_b):
    out = StringIO()
    call_command("run_reminders", "--dry-run", "--tenant", world_a.tenant.slug, "--date", "2026-04-01", stdout=out)
    assert "dry run" in out.getvalue() and world_a.branch.name in out.getvalue()
    assert not Reminder.objects.exists()
    out = StringIO()
    call_command("run_reminders", "--tenant", world_a.tenant.slug, "--date", "2026-04-01", stdout=out)
    created = Reminder.objects.count()
    assert created > 0 and not Reminder.objects.exclude(tenant=world_a.tenant).exists()
    deliveries = Delivery.objects.count()
    call_command("run_reminders", "--tenant", world_a.tenant.slug, "--date", "2026-04-01", stdout=StringIO())
    assert (Reminder.objects.count(), Delivery.objects.count()) == (created, deliveries)
