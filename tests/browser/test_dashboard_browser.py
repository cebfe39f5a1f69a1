"""The organization department's dashboard in a real browser: the reviewer sees the charts drawn by ECharts
(served by the app), then drills down from the district to the overdue branch and on to its meeting records."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from activities.services import AttendanceEntry
from core.scoping import Role
from dashboards import stats
from tests.browser.conftest import login, screenshot
from tests.factories import file_ticket, record_meeting

pytestmark = pytest.mark.django_db(transaction=True)


def last_month():
    """The first day of the month before this one: its monthly requirements are over, done or overdue."""
    today = timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def build(world):
    """Last month: branch A1 holds its theme Party day; A2 only a general meeting, so its theme day is overdue."""
    month = last_month()
    tz = timezone.get_current_timezone()
    record_meeting(world.branch, kinds=("theme_day",), topic="十月主题党日", finalize=True,
                   starts_at=datetime.combine(month.replace(day=8), time(9), tzinfo=tz),
                   attendance=[AttendanceEntry(m, "absent" if i == 0 else "present")
                               for i, m in enumerate(world.members)])
    record_meeting(world.other_branch, kinds=("general_meeting",), topic="第二支部党员大会", finalize=True,
                   starts_at=datetime.combine(month.replace(day=12), time(15), tzinfo=tz),
                   attendance=[AttendanceEntry(m) for m in world.other_members])
    file_ticket(world.other_branch, deadline=timezone.localdate() + timedelta(days=30), registered_supervision=True)
    stats.rebuild_tenant(world.tenant.pk, years=sorted({month.year, timezone.localdate().year}))
    return f"?period=month&date={month.isoformat()}"


def wait_for_charts(page, *names):
    for name in names:
        page.wait_for_selector(f"[data-chart={name}] canvas", state="attached")
        assert page.locator(f"[data-chart={name}]").get_attribute("data-rendered") == "1"


def test_reviewer_drills_down_to_an_overdue_branch(desktop_page, world_a, world_b):
    page = desktop_page
    query = build(world_a)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, world_a.user(Role.REVIEWER).username)

    page.goto(f"/dashboard/{world_a.root.pk}/{query}")
    wait_for_charts(page, "trend", "requirements", "ranking", "tickets")
    assert page.get_by_test_id("dashboard-title").inner_text() == world_a.root.name
    row = page.get_by_test_id(f"child-{world_a.other_branch.pk}")
    assert row.get_attribute("data-overdue") == "1"
    assert float(row.get_attribute("data-score")) > 0
    assert page.get_by_test_id("weak-weights").is_visible()
    assert world_b.root.name not in page.content()
    screenshot(page, "dashboard")

    # Down to the overdue branch: its own dashboard, with the meetings of the month as a heat map.
    row.get_by_test_id(f"child-link-{world_a.other_branch.pk}").click()
    page.wait_for_url(f"**/dashboard/{world_a.other_branch.pk}/**")
    wait_for_charts(page, "trend", "calendar")
    assert page.get_by_test_id("dashboard-title").inner_text() == world_a.other_branch.name
    screenshot(page, "dashboard-branch")

    # And on to its meeting records.
    page.get_by_test_id("value-meetings").click()
    page.wait_for_url(f"**/activities/meetings/?within={world_a.other_branch.pk}*")
    assert page.get_by_role("link", name="第二支部党员大会").is_visible()
    assert "十月主题党日" not in page.content()  # the other branch's meeting is not in this list
    assert errors == []


def test_phone_width_stacks_and_fits(page, world_a):
    query = build(world_a)
    login(page, world_a.user(Role.REVIEWER).username)
    page.goto(f"/dashboard/{world_a.root.pk}/{query}")
    wait_for_charts(page, "trend", "requirements", "ranking", "tickets")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    cards = page.get_by_test_id("headline").locator(".dash-card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] > first["y"] + first["height"] - 1  # stacked, not side by side
    chart = page.locator("[data-chart=trend] canvas").first.bounding_box()
    assert chart["width"] <= 390
    screenshot(page, "dashboard-phone")
