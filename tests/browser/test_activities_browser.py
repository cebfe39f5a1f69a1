"""Organizational life in a real browser at phone width: a secretary logs a theme Party day and finalizes it.

Nothing is frozen here (the live server and the browser share the real clock): the current month comes
from ``timezone.localdate()`` and the meeting is dated earlier today, so it can be finalized.
"""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from core.scoping import Role
from tests.browser.conftest import login, screenshot
from tests.factories import record_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def earlier_today() -> datetime:
    """A minute in the past, never before today's midnight (local time)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return max(now - timedelta(hours=1), midnight)


def requirement(page, org, kind: str, month: str):
    return page.locator(f'tr[data-testid="req-{org.pk}-{kind}-{month}"]')


def test_secretary_logs_and_finalizes_a_theme_party_day(page, world_a):
    branch, members = world_a.branch, world_a.members
    month = f"{timezone.localdate():%Y-%m}"
    login(page, world_a.user(Role.SECRETARY).username)

    compliance = f"{reverse('activities:compliance', args=[branch.pk])}?period=month"
    page.goto(compliance)
    row = requirement(page, branch, "theme_day", month)
    assert row.get_attribute("data-status") == "due"

    page.goto(reverse("activities:meeting_create", args=[branch.pk]))
    # Ticking a kind re-renders the attendance checklist (htmx) with the expected attendees.
    with page.expect_response(lambda r: "/meetings/attendance/" in r.url and r.status == 200):
        page.check("input[name=kinds][value=theme_day]")
    for member in members:
        assert page.locator(f"#attendee-{member.pk}").is_checked()
    absent = members[3]
    page.get_by_test_id(f"attendee-{absent.pk}").locator("label[data-status=absent]").click()
    assert page.locator(f"#status-{absent.pk}-absent").is_checked()
    page.fill("input[name=topic]", "学习贯彻主题党日")
    page.fill("input[name=starts_at]", earlier_today().strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "党员活动室")
    page.get_by_test_id("meeting-save").click()
    page.wait_for_url("**/activities/meetings/*/")
    assert page.get_by_test_id("meeting-state").get_attribute("data-state") == "draft"
    assert page.get_by_test_id(f"attendance-{absent.pk}").get_attribute("data-status") == "absent"

    # Finalizing asks for confirmation first.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_test_id("meeting-finalize").click()
    page.wait_for_selector('[data-testid="meeting-state"][data-state="final"]')
    assert dialogs and page.locator(".finalized-notice").is_visible()
    screenshot(page, "activities-meeting-finalized-phone")

    page.goto(compliance)
    row = requirement(page, branch, "theme_day", month)
    assert row.get_attribute("data-status") == "done"
    assert row.get_by_role("link", name="学习贯彻主题党日").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows the phone
    screenshot(page, "activities-compliance-phone")


def test_pages_fit_a_phone_and_a_desktop(browser, live_server, settings, world_a):
    """Every page of a branch with some records, at 390 px and 1366 px: nothing wider than the screen."""
    settings.ALLOWED_HOSTS = ["*"]
    branch, members = world_a.branch, world_a.members
    draft = record_meeting(branch, kinds=("theme_day", "general_meeting"), starts_at=earlier_today(),
                           topic="本月主题党日暨党员大会")
    record_meeting(branch, kinds=("party_lecture",), topic="专题党课", finalize=True,
                   starts_at=earlier_today() - timedelta(days=40))
    services.plan_save(actor=None, organization=branch, year=timezone.localdate().year, summary="年度安排",
                       items=[services.PlanItemEntry(1, ["theme_day"], "学习党章")])
    services.talk_record(actor=None, organization=branch, initiator=members[0], partner=members[1],
                         talked_on=timezone.localdate(), topic="谈心")
    pages = {
        "home": reverse("activities:home"),
        "calendar": reverse("activities:calendar", args=[branch.pk]),
        "meetings": f"{reverse('activities:meetings')}?within={branch.pk}",
        "meeting-form": reverse("activities:meeting_create", args=[branch.pk]),
        "meeting-record": reverse("activities:meeting_detail", args=[draft.pk]),
        "compliance": reverse("activities:compliance", args=[branch.pk]),
        "plan": reverse("activities:plan", args=[branch.pk]),
        "reviews": reverse("activities:reviews", args=[branch.pk]),
        "talks": reverse("activities:talks", args=[branch.pk]),
    }
    admin_pages = {
        "home-picker": f"{reverse('activities:home')}?q=党支部",
        "subtree-compliance": reverse("activities:compliance", args=[world_a.root.pk]),
        "appraisal-form": reverse("activities:appraisal_edit", args=[members[0].pk]),
        "rules": reverse("activities:rules"),
    }
    for width, label in ((390, "phone"), (1366, "desktop")):
        for user, urls in ((world_a.user(Role.SECRETARY), pages), (world_a.user(Role.TENANT_ADMIN), admin_pages)):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                          base_url=live_server.url)
            page = context.new_page()
            login(page, user.username)
            for name, url in urls.items():
                response = page.goto(url)
                assert response.status == 200, url
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width}px"
                screenshot(page, f"activities-{name}-{label}")
            context.close()
