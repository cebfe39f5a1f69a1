"""The secretary's reminders in a real browser at phone width: the header badge counts the unread ones,
opening one lands on what it points to and the badge goes down by one."""

import pytest

from core.scoping import Role
from notifications.models import Reminder
from tests.browser.conftest import login, screenshot
from tests.factories import remind

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_opens_a_reminder_and_the_badge_goes_down(page, world_a, world_b):
    target = f"/organizations/{world_a.branch.pk}/"
    first = remind(world_a, title="换届提醒", kind="term_unknown")
    Reminder.objects.filter(pk=first.pk).update(link=target)
    remind(world_a, title="超期提醒", kind="term_overdue")
    remind(world_a, title="到期提醒", kind="term_expiring")
    remind(world_b, title="别的区委")  # someone else's: never counted nor shown

    login(page, world_a.user(Role.SECRETARY).username)
    badge = page.get_by_test_id("unread-badge")
    assert badge.is_visible()  # in the header even with the menu folded at phone width
    assert badge.inner_text() == "3"

    page.get_by_test_id("nav-inbox").click()
    page.wait_for_url("**/notifications/")
    assert page.locator("[data-unread='1']").count() == 3
    assert "别的区委" not in page.content()
    screenshot(page, "notifications-inbox-phone")

    page.get_by_test_id(f"open-{first.pk}").click()
    page.wait_for_url(f"**{target}")
    assert page.get_by_test_id("unread-badge").inner_text() == "2"
    first.refresh_from_db()
    assert first.read_at is not None

    page.get_by_test_id("nav-inbox").click()  # back to the inbox
    page.wait_for_url("**/notifications/")
    assert page.get_by_test_id("unread-badge").inner_text() == "2"
    assert page.get_by_test_id(f"reminder-{first.pk}").get_attribute("data-unread") == "0"
    assert page.locator("[data-unread='1']").count() == 2
    screenshot(page, "notifications-inbox-after-open-phone")


def test_inbox_and_settings_at_desktop_width(desktop_page, world_a):
    page = desktop_page
    remind(world_a, title="换届提醒", kind="term_unknown")
    login(page, world_a.user(Role.TENANT_ADMIN).username)
    assert page.get_by_test_id("unread-badge").count() == 0  # the administrator has none
    page.goto("/notifications/settings/")
    page.fill("input[name=ticket_days_before]", "soon")
    with page.expect_navigation():
        page.get_by_test_id("save-settings").click()
    assert page.get_by_test_id("error-ticket_days_before").is_visible()
    screenshot(page, "notifications-settings-error-desktop")
    page.fill("input[name=ticket_days_before]", "5,2")
    with page.expect_navigation():
        page.get_by_test_id("save-settings").click()
    assert page.input_value("input[name=ticket_days_before]") == "5,2"
