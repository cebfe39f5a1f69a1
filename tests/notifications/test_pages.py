"""Reminder pages: the caller's own inbox and the header badge, opening and marking read, the tenant's
reminder settings (tenant administrators only) and each user's channel preferences."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from core.scoping import Role
from notifications.models import Reminder, ReminderSettings, UserPreference
from tests.factories import remind

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def badge(html: str) -> str | None:
    """The number in the header's unread badge, or None when there is no badge."""
    marker = 'data-testid="unread-badge">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def settings_post(**changes) -> dict:
    """A full settings form as the page submits it (checkboxes on only when present)."""
    data = {
        "theme_day_days_before": 3, "due_soon_days": 7, "plan_deadline_month": 1, "plan_deadline_day": 31,
        "escalation_days": 14, "ticket_days_before": "7,3,1", "supervised_ticket_days_before": "14,7,5,3,2,1",
        "quiet_start": "22:00", "quiet_end": "07:00", "email_enabled": "on", "sms_url": "", "wecom_url": "",
        "dingtalk_url": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- inbox --------------------------------------------------------------------------------------

def test_inbox_lists_only_the_users_own_reminders(client, world_a, world_b):
    mine = remind(world_a, title="本人的提醒")
    theirs = remind(world_b, title="别的区委的提醒")
    colleague = Reminder.objects.create(
        tenant=world_a.tenant, kind="term_unknown", subject_type="organization", subject_id=world_a.other_branch.pk,
        period="2026-11", recipient=world_a.user("outsider"), organization=world_a.other_branch,
        title="第二支部书记的提醒")
    response = login(client, world_a.user(Role.SECRETARY)).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.title in html
    assert theirs.title not in html and colleague.title not in html
    assert [r.pk for r in response.context["reminders"]] == [mine.pk]
    # The tenant administrator's inbox does not show the secretary's reminders either.
    html = login(client, world_a.user(Role.TENANT_ADMIN)).get(reverse("notifications:inbox")).content.decode()
    assert mine.title not in html and colleague.title not in html


def test_header_badge_shows_the_unread_count(client, world_a, world_b):
    remind(world_a, title="甲")
    remind(world_a, title="乙", kind="term_overdue")
    read = remind(world_a, title="丙", kind="term_expiring")
    Reminder.objects.filter(pk=read.pk).update(read_at=read.created_at)
    remind(world_b)  # another tenant's secretary: not counted
    html = login(client, world_a.user(Role.SECRETARY)).get(reverse("core:home")).content.decode()
    assert badge(html) == "2"
    assert reverse("notifications:inbox") in html
    # No unread reminder, no badge.
    assert badge(login(client, world_a.user(Role.TENANT_ADMIN)).get(reverse("core:home")).content.decode()) is None


def test_inbox_newest_first_unread_bold_and_filters(client, world_a):
    old = remind(world_a, title="旧的", kind="term_unknown")
    new = remind(world_a, title="新的", kind="term_overdue")
    Reminder.objects.filter(pk=old.pk).update(read_at=old.created_at)
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("notifications:inbox"))
    assert [r.pk for r in response.context["reminders"]] == [new.pk, old.pk]
    html = response.content.decode()
    row = html.split(f'data-testid="reminder-{new.pk}"', 1)[1].split('data-testid="reminder-', 1)[0]
    assert 'data-unread="1"' in row and "fw-bold" in row
    assert response.context["counts"] == {"total": 2, "unread": 1}
    unread = client.get(reverse("notifications:inbox"), {"show": "unread"})
    assert [r.pk for r in unread.context["reminders"]] == [new.pk]
    by_kind = client.get(reverse("notifications:inbox"), {"kind": "term_unknown"})
    assert [r.pk for r in by_kind.context["reminders"]] == [old.pk]
    nothing = client.get(reverse("notifications:inbox"), {"show": "unread", "kind": "term_unknown"})
    assert list(nothing.context["reminders"]) == [] and 'data-testid="inbox-empty"' in nothing.content.decode()


def test_inbox_is_paginated(client, world_a):
    for i in range(23):
        Reminder.objects.create(tenant=world_a.tenant, kind="term_unknown", subject_type="organization",
                                subject_id=world_a.branch.pk, period=f"p{i}", recipient=world_a.user("secretary"),
                                organization=world_a.branch, title=f"提醒{i}")
    login(client, world_a.user(Role.SECRETARY))
    first = client.get(reverse("notifications:inbox"))
    assert len(first.context["reminders"]) == 20 and first.context["is_paginated"]
    assert len(client.get(reverse("notifications:inbox"), {"page": 2}).context["reminders"]) == 3


def test_opening_marks_read_and_redirects_to_the_link(client, world_a):
    reminder = remind(world_a)
    Reminder.objects.filter(pk=reminder.pk).update(link=f"/organizations/{world_a.branch.pk}/")
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("notifications:open", args=[reminder.pk]))
    assert response.status_code == 302 and response["Location"] == f"/organizations/{world_a.branch.pk}/"
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert badge(client.get(reverse("core:home")).content.decode()) is None


def test_opening_never_sends_anyone_off_site(client, world_a):
    reminder = remind(world_a)
    Reminder.objects.filter(pk=reminder.pk).update(link="//evil.example/phish")
    response = login(client, world_a.user(Role.SECRETARY)).get(reverse("notifications:open", args=[reminder.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox")
    reminder.refresh_from_db()
    assert reminder.read_at is not None


@pytest.mark.parametrize("who", [Role.TENANT_ADMIN, "outsider", Role.MEMBER])
def test_another_users_reminder_is_404(client, world_a, who):
    reminder = remind(world_a)
    login(client, world_a.user(who))
    assert client.get(reverse("notifications:open", args=[reminder.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[reminder.pk])).status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_mark_one_read_and_mark_all_read(client, world_a, world_b):
    first, second = remind(world_a, title="甲"), remind(world_a, title="乙", kind="term_overdue")
    third = remind(world_a, title="丙", kind="term_expiring")
    elsewhere = remind(world_b)
    login(client, world_a.user(Role.SECRETARY))
    back = f"{reverse('notifications:inbox')}?show=unread"
    response = client.post(reverse("notifications:read", args=[first.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Reminder.objects.get(pk=first.pk).read_at is not None
    assert Reminder.objects.get(pk=second.pk).read_at is None
    # Mark all read: a GET does nothing, a POST marks the rest; a foreign "next" is ignored.
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox")
    assert not Reminder.objects.filter(pk__in=[second.pk, third.pk], read_at__isnull=True).exists()
    assert Reminder.objects.get(pk=elsewhere.pk).read_at is None
    assert badge(client.get(reverse("notifications:inbox")).content.decode()) is None


def test_pages_need_login(client):
    for name in ("inbox", "settings", "preferences"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- settings -----------------------------------------------------------------------------------

def test_secretary_sees_settings_read_only_and_cannot_save(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="read-only"' in html and 'data-testid="save-settings"' not in html
    assert response.context["form"].fields["escalation_days"].disabled
    refused = client.post(reverse("notifications:settings"), settings_post(escalation_days=1))
    assert refused.status_code == 403
    assert not ReminderSettings.objects.filter(tenant=world_a.tenant).exists()


def test_admin_saves_valid_settings(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    assert 'data-testid="save-settings"' in client.get(reverse("notifications:settings")).content.decode()
    response = client.post(reverse("notifications:settings"), settings_post(
        escalation_days=10, ticket_days_before="10，5, 1", quiet_start="21:30", quiet_end="06:30",
        wecom_enabled="on", wecom_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:settings")
    config = ReminderSettings.objects.get(tenant=world_a.tenant)
    assert config.escalation_days == 10 and config.ticket_days_before == "10,5,1"
    assert (config.quiet_start, config.quiet_end) == (time(21, 30), time(6, 30))
    assert config.wecom_enabled and config.wecom_url.endswith("key=abc") and not config.sms_enabled
    assert not ReminderSettings.objects.filter(tenant=world_b.tenant).exists()
    # The page shows what was saved; the secretary reads the same values.
    login(client, world_a.user(Role.SECRETARY))
    assert client.get(reverse("notifications:settings")).context["form"].initial["escalation_days"] == 10


@pytest.mark.parametrize(("changes", "field"), [
    ({"ticket_days_before": "soon"}, "ticket_days_before"),
    ({"supervised_ticket_days_before": "7,soon"}, "supervised_ticket_days_before"),
    ({"plan_deadline_month": 4, "plan_deadline_day": 31}, "plan_deadline_day"),
    ({"plan_deadline_month": 13}, "plan_deadline_month"),
    ({"dingtalk_enabled": "on", "dingtalk_url": ""}, "dingtalk_url"),
    ({"sms_url": "not a url"}, "sms_url"),
])
def test_invalid_settings_show_an_error_and_write_nothing(client, world_a, changes, field):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("notifications:settings"), settings_post(escalation_days=2, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html and 'data-testid="form-errors"' in html
    assert not ReminderSettings.objects.filter(tenant=world_a.tenant).exists()


def test_invalid_settings_leave_saved_values_alone(client, world_a):
    ReminderSettings.objects.create(tenant=world_a.tenant, escalation_days=9)
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("notifications:settings"),
                           settings_post(escalation_days=2, ticket_days_before="soon"))
    assert response.status_code == 200 and "ticket_days_before" in response.context["form"].errors
    config = ReminderSettings.objects.get(tenant=world_a.tenant)
    assert (config.escalation_days, config.ticket_days_before) == (9, "7,3,1")


# --- preferences --------------------------------------------------------------------------------

def test_preferences_save(client, world_a):
    user = world_a.user(Role.MEMBER)
    login(client, user)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert response.context["form"].initial == {"email": True, "sms": False}
    response = client.post(reverse("notifications:preferences"), {"sms": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:preferences")
    pref = UserPreference.objects.get(user=user)
    assert (pref.email, pref.sms) == (False, True)
    assert client.get(reverse("notifications:preferences")).context["form"].initial["sms"] is True
    # Nobody else's preferences changed.
    assert UserPreference.objects.count() == 1


def test_preferences_explain_channels_the_tenant_has_off(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert 'data-testid="note-sms"' in html  # SMS is off by default
    ReminderSettings.objects.create(tenant=world_a.tenant, sms_enabled=True, sms_url="https://sms.example/send")
    assert 'data-testid="note-sms"' not in client.get(reverse("notifications:preferences")).content.decode()
