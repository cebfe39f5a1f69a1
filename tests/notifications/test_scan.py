"""The reminder scan, time-frozen: each kind at each offset, month ends, leap years, terms nobody watched."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from activities.services import AttendanceEntry
from branches.models import Organization
from core.scoping import Role
from members.models import Member
from notifications import scan
from notifications.choices import ReminderKind as K
from notifications.models import ReminderSettings
from tests.factories import file_ticket, record_meeting

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def specs_of(world, today, kind=None, **config):
    found = scan.scan(tenant_id=world.tenant.pk, today=today, config=ReminderSettings(tenant=world.tenant, **config))
    return [s for s in found if kind is None or s.kind == kind]


def for_org(specs, org):
    return [s for s in specs if s.organization_id == org.pk]


@pytest.fixture
def aged_world(world_a):
    """Members on the roster since well before the scanned days."""
    Member.objects.filter(tenant=world_a.tenant).update(created_at=datetime(2024, 1, 1, tzinfo=SH))
    return world_a


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 3, 11), False),   # 4 days before the 15th: not yet
    (date(2026, 3, 12), True),    # 3 days before
    (date(2026, 3, 15), True),    # the day itself
    (date(2026, 3, 16), False),   # past this month's, next month's is far
    (date(2026, 4, 29), False),
    (date(2026, 2, 26), False),   # next is 15 March: 17 days
])
def test_theme_day_alarm_clock(world_a, today, expected):
    Organization.objects.filter(pk=world_a.branch.pk).update(theme_day=15)
    found = for_org(specs_of(world_a, today, K.THEME_DAY_COMING, theme_day_days_before=3), world_a.branch)
    assert bool(found) is expected
    if expected:
        assert found[0].recipients == [world_a.user(Role.SECRETARY).pk]


def test_theme_day_across_month_end(world_a):
    Organization.objects.filter(pk=world_a.branch.pk).update(theme_day=1)
    found = for_org(specs_of(world_a, date(2026, 1, 30), K.THEME_DAY_COMING, theme_day_days_before=3), world_a.branch)
    assert [s.period for s in found] == ["2026-02"]


@time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=SH), tick=False)
def test_theme_day_already_held_is_not_reminded(world_a):
    Organization.objects.filter(pk=world_a.branch.pk).update(theme_day=25)
    record_meeting(world_a.branch, kinds=("theme_day",), starts_at=datetime(2026, 3, 5, 9, tzinfo=SH), finalize=True)
    assert not for_org(specs_of(world_a, date(2026, 3, 22), K.THEME_DAY_COMING), world_a.branch)


def test_meeting_due_within_notice_and_overdue_after(world_a):
    due = for_org(specs_of(world_a, date(2026, 3, 25), K.MEETING_DUE, due_soon_days=7), world_a.branch)
    assert {s.period for s in due} >= {"theme_day:2026-03", "general_meeting:2026Q1", "party_lecture:2026Q1"}
    assert not for_org(specs_of(world_a, date(2026, 3, 23), K.MEETING_DUE, due_soon_days=7), world_a.branch)
    overdue = for_org(specs_of(world_a, date(2026, 4, 1), K.MEETING_OVERDUE), world_a.branch)
    assert {"theme_day:2026-03", "general_meeting:2026Q1"} <= {s.period for s in overdue}


def test_leap_year_february_month_end(world_a):
    due = for_org(specs_of(world_a, date(2028, 2, 22), K.MEETING_DUE, due_soon_days=7), world_a.branch)
    assert "theme_day:2028-02" in {s.period for s in due}  # 29 Feb is 7 days away
    assert not for_org(specs_of(world_a, date(2028, 2, 21), K.MEETING_DUE, due_soon_days=7), world_a.branch)


def test_group_meeting_goes_to_the_branch_secretary(world_a):
    found = for_org(specs_of(world_a, date(2026, 4, 1), K.MEETING_OVERDUE), world_a.group)
    assert found and found[0].recipients == [world_a.user(Role.SECRETARY).pk]


@pytest.mark.parametrize(("today", "period"), [
    (date(2026, 7, 31), None),
    (date(2026, 8, 1), "2027-02-01:6m"),
    (date(2026, 11, 1), "2027-02-01:3m"),
    (date(2027, 1, 1), "2027-02-01:1m"),
    (date(2027, 1, 31), "2027-02-01:1m"),
])
def test_term_expiring_offsets(world_a, today, period):
    Organization.objects.filter(pk=world_a.branch.pk).update(term_start=date(2024, 2, 1), term_end=date(2027, 2, 1))
    found = for_org(specs_of(world_a, today, K.TERM_EXPIRING), world_a.branch)
    assert [s.period for s in found] == ([period] if period else [])
    if period:  # the branch's secretary and the nearest upper organization with reviewers (the root)
        assert set(found[0].recipients) == {world_a.user(Role.SECRETARY).pk, world_a.user(Role.TENANT_ADMIN).pk,
                                            world_a.user(Role.REVIEWER).pk}


def test_term_that_ended_while_nobody_looked_is_overdue_monthly(world_a):
    Organization.objects.filter(pk=world_a.branch.pk).update(term_start=date(2020, 1, 10), term_end=date(2023, 1, 10))
    nov = for_org(specs_of(world_a, date(2026, 11, 22), K.TERM_OVERDUE), world_a.branch)
    dec = for_org(specs_of(world_a, date(2026, 12, 1), K.TERM_OVERDUE), world_a.branch)
    assert [s.period for s in nov] == ["2026-11"] and [s.period for s in dec] == ["2026-12"]
    assert not for_org(specs_of(world_a, date(2026, 11, 22), K.TERM_EXPIRING), world_a.branch)


def test_term_unknown_monthly_and_not_for_groups(world_a):
    found = specs_of(world_a, date(2026, 11, 22), K.TERM_UNKNOWN)
    assert world_a.branch.pk in {s.organization_id for s in found}
    assert world_a.group.pk not in {s.organization_id for s in found}


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False)
def test_six_month_line_warns_at_3_and_escalates_at_5(aged_world):
    w = aged_world
    m3, m5, fresh = w.members[1], w.members[2], w.members[3]
    Member.objects.filter(pk=m3.pk).update(last_org_life_on=date(2026, 2, 28))
    Member.objects.filter(pk=m5.pk).update(last_org_life_on=date(2025, 12, 31))
    Member.objects.filter(pk=fresh.pk).update(last_org_life_on=date(2026, 5, 20))
    today = date(2026, 6, 1)
    three = {s.subject_id: s for s in specs_of(w, today, K.NO_ORG_LIFE_3M)}
    five = {s.subject_id: s for s in specs_of(w, today, K.NO_ORG_LIFE_5M)}
    assert m3.pk in three and m5.pk in three and fresh.pk not in three
    assert m5.pk in five and m3.pk not in five
    assert three[m3.pk].recipients == [w.user(Role.SECRETARY).pk]
    assert w.user(Role.SECRETARY).pk not in five[m5.pk].recipients  # goes to the upper organization
    assert three[m3.pk].period == "since:2026-02-28"


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False)
def test_new_roster_entries_are_not_counted_as_absent(world_a):
    """Members just imported have no recorded life yet; the stretch starts when the roster does."""
    assert not specs_of(world_a, date(2026, 6, 1), K.NO_ORG_LIFE_3M)


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False)
def test_attending_clears_the_warning(aged_world):
    w = aged_world
    record_meeting(w.branch, attendance=[AttendanceEntry(m) for m in w.members], finalize=True,
                   starts_at=datetime(2026, 5, 30, 9, tzinfo=SH))
    assert not [s for s in specs_of(w, date(2026, 6, 1), K.NO_ORG_LIFE_3M) if s.organization_id == w.branch.pk]


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False)
@pytest.mark.parametrize(("days_left", "supervised", "period_suffix"), [
    (8, False, None), (7, False, "7d"), (4, False, "7d"), (3, False, "3d"), (1, False, "1d"), (0, False, "1d"),
    (10, True, "14d"), (5, True, "5d"), (2, True, "2d"),
])
def test_ticket_deadline_offsets(world_a, days_left, supervised, period_suffix):
    deadline = date.fromordinal(date(2026, 6, 1).toordinal() + days_left)
    ticket = file_ticket(world_a.branch, deadline=deadline, registered_supervision=supervised)
    found = [s for s in specs_of(world_a, date(2026, 6, 1), K.TICKET_DEADLINE) if s.subject_id == ticket.pk]
    assert [s.period for s in found] == ([f"{deadline}:{period_suffix}"] if period_suffix else [])


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=SH), tick=False)
def test_ticket_overdue_weekly_or_daily_under_supervision(world_a):
    from inspections.models import RectificationTicket

    normal = file_ticket(world_a.branch, deadline=date(2026, 6, 2))
    supervised = file_ticket(world_a.branch, deadline=date(2026, 6, 2), registered_supervision=True)
    RectificationTicket.objects.update(deadline=date(2026, 5, 20))
    found = {s.subject_id: s.period for s in specs_of(world_a, date(2026, 6, 1), K.TICKET_OVERDUE)}
    assert found == {normal.pk: "overdue:2026-W23", supervised.pk: "overdue:2026-06-01"}
    RectificationTicket.objects.filter(pk=normal.pk).update(status="closed")
    assert normal.pk not in {s.subject_id for s in specs_of(world_a, date(2026, 6, 1), K.TICKET_OVERDUE)}


def test_plan_not_submitted_after_the_deadline(world_a):
    from activities import services as activity_services

    assert not specs_of(world_a, date(2026, 1, 31), K.PLAN_NOT_SUBMITTED)
    found = specs_of(world_a, date(2026, 2, 1), K.PLAN_NOT_SUBMITTED)
    assert {s.organization_id for s in found} == {world_a.branch.pk, world_a.other_branch.pk}
    plan = activity_services.plan_save(actor=None, organization=world_a.branch, year=2026,
                                       items=[activity_services.PlanItemEntry(3, ["theme_day"], "x")])
    activity_services.plan_submit(actor=None, plan=plan)
    assert {s.organization_id for s in specs_of(world_a, date(2026, 2, 1), K.PLAN_NOT_SUBMITTED)} == {
        world_a.other_branch.pk}


def test_scan_is_per_tenant(world_a, world_b):
    b_orgs = set(Organization.objects.filter(tenant=world_b.tenant).values_list("pk", flat=True))
    found = specs_of(world_a, date(2026, 4, 1))
    assert found and not {s.organization_id for s in found} & b_orgs
    b_users = {u.pk for u in world_b.users.values()}
    assert not {u for s in found for u in s.recipients} & b_users
