"""The dashboard: its figures on a small hand-built scenario, who may open it, and a query count that does not
grow with the subtree (page, API and both exports)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activities.services import AttendanceEntry
from branches.choices import OrgKind
from branches.models import Organization
from core.scoping import Role
from dashboards import selectors, stats
from inspections.models import RectificationTicket
from members.models import Member
from tests.conftest import TenantWorld, api_as
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, file_ticket, grant, record_meeting

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=SH)
OCTOBER = {"period": "month", "date": "2026-10-01"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Scenario:
    world: TenantWorld
    overdue_ticket: RectificationTicket
    supervised_ticket: RectificationTicket


def build_scenario(world: TenantWorld) -> Scenario:
    """October 2026 in world A, seen on 22 November.

    Root committee > general branch > branch A1 (4 members, a group) and root > branch A2 (3 members).
    A1 holds one finalized theme Party day that is also its Q4 general meeting, 3 of 4 present; its group and
    A2 hold nothing. Requirements starting in October: A1 and A2 each a theme Party day (month), a general
    meeting and a Party lecture (Q4, still running); the group a group meeting (month). A2's term ended in
    June and the general branch's ends in March; A2 has an overdue ticket, A1 one under registered supervision.
    """
    a1, a2 = world.branch, world.other_branch
    attendance = [AttendanceEntry(m, "absent" if i == 3 else "present") for i, m in enumerate(world.members)]
    record_meeting(a1, kinds=("theme_day", "general_meeting"), attendance=attendance, finalize=True,
                   starts_at=datetime(2026, 10, 15, 9, 0, tzinfo=SH))
    # Last organizational life: A1's absent member in April (3+ and 5+ months); A2: July (3+), May (3+ and
    # 5+), and one this month (neither).
    Member.objects.filter(pk=world.members[3].pk).update(last_org_life_on=date(2026, 4, 1))
    for member, day in zip(world.other_members, [date(2026, 7, 1), date(2026, 5, 10), date(2026, 11, 1)],
                           strict=True):
        Member.objects.filter(pk=member.pk).update(last_org_life_on=day)
    Organization.objects.filter(pk=a2.pk).update(term_end=date(2026, 6, 30))
    Organization.objects.filter(pk=world.general_branch.pk).update(term_end=date(2027, 3, 1))
    Organization.objects.filter(pk__in=[world.root.pk, a1.pk]).update(term_end=date(2028, 1, 1))
    overdue = file_ticket(a2, deadline=date(2026, 11, 30))
    RectificationTicket.objects.filter(pk=overdue.pk).update(deadline=date(2026, 11, 1))
    supervised = file_ticket(a1, deadline=date(2026, 12, 31), registered_supervision=True)
    stats.rebuild_tenant(world.tenant.pk, years=[2026], today=TODAY)
    return Scenario(world, overdue, supervised)


@pytest.fixture
def scenario(world_a) -> Scenario:
    return build_scenario(world_a)


def report_for(world, org, **params):
    return selectors.dashboard_report(user=world.user(Role.REVIEWER), organization=org,
                                      period=params.get("period", "month"), day=params.get("day", date(2026, 10, 1)),
                                      today=TODAY)


# --- the figures ----------------------------------------------------------------------------------------

def test_totals_of_the_subtree(scenario):
    world = scenario.world
    t = report_for(world, world.root).totals
    assert (t.slots_total, t.done_total, t.overdue_total, t.due_total) == (7, 2, 2, 3)
    assert t.compliance == pytest.approx(2 / 7)
    assert dict(t.slots) == {"theme_day": 2, "general_meeting": 2, "party_lecture": 2, "group_meeting": 1}
    assert t.compliance_of("theme_day") == 0.5
    assert t.compliance_of("general_meeting") == 0.5
    assert t.compliance_of("party_lecture") == 0
    assert {k: v for k, v in t.overdue.items() if v} == {"theme_day": 1, "group_meeting": 1}
    assert (t.meetings, t.att_expected, t.att_present, t.attendance) == (1, 4, 3, 0.75)
    assert (t.members, t.near_3, t.near_5, t.branches) == (7, 3, 2, 2)
    assert (t.term_overdue, t.term_expiring, t.term_unknown) == (1, 1, 0)
    assert (t.tickets_open, t.tickets_overdue, t.tickets_supervised) == (2, 1, 1)
    assert t.tickets_by_status == {"filed": 2}


def test_children_worst_first_with_transparent_weak_score(scenario):
    world = scenario.world
    report = report_for(world, world.root)
    assert [c.id for c in report.children] == [world.other_branch.pk, world.general_branch.pk]
    a2, gb = report.children
    assert (a2.slots_total, a2.done_total, a2.overdue_total) == (3, 0, 1)
    assert (a2.near_3, a2.near_5, a2.term_overdue, a2.tickets_overdue) == (2, 1, 1, 1)
    # Every part shown, already weighted; the score is their sum.
    assert a2.weak_parts == {"compliance": 40.0, "overdue": 6.7, "attendance": 0, "six_month": 6.7, "term": 10.0,
                             "tickets": 1.7}
    assert a2.weak_score == 65.1 and a2.is_weak_candidate
    assert (gb.slots_total, gb.done_total, gb.overdue_total, gb.attendance) == (4, 2, 1, 0.75)
    assert (gb.near_3, gb.term_expiring, gb.tickets_supervised) == (1, 1, 1)
    assert gb.weak_parts == {"compliance": 20.0, "overdue": 5.0, "attendance": 3.8, "six_month": 2.5, "term": 0,
                             "tickets": 0}
    assert not gb.is_weak_candidate
    assert [c.id for c in report.overdue_children] == [world.other_branch.pk, world.general_branch.pk]
    assert [c.id for c in report.candidates] == [world.other_branch.pk]
    assert report.trend == [{"month": "2026-10", "meetings": 1, "slots": 7, "done": 2, "rate": pytest.approx(2 / 7)}]


def test_branch_level_heat_map_counts_finalized_meetings_per_day(scenario):
    world = scenario.world
    record_meeting(world.branch, kinds=("theme_day",), starts_at=datetime(2026, 10, 15, 19, 0, tzinfo=SH),
                   finalize=True)
    record_meeting(world.group, kinds=("group_meeting",), starts_at=datetime(2026, 10, 20, 23, 30, tzinfo=SH),
                   finalize=True, attendance=[AttendanceEntry(m) for m in world.members[:2]])
    record_meeting(world.branch, kinds=("theme_day",), starts_at=datetime(2026, 10, 21, 9, 0, tzinfo=SH))  # draft
    report = report_for(world, world.branch)
    # Local days: 23:30 in Shanghai is still the 20th.
    assert report.heatmap == {date(2026, 10, 15): 2, date(2026, 10, 20): 1}
    assert report_for(world, world.root).heatmap is None


def test_page_shows_the_figures_and_links_every_number(scenario, client):
    world = scenario.world
    client.force_login(world.user(Role.REVIEWER))
    response = client.get(f"/dashboard/{world.root.pk}/", OCTOBER)
    assert response.status_code == 200
    body = response.content.decode()
    a2 = world.other_branch.pk
    assert response.context["totals"].near_3 == 3
    # The child's numbers open the lists behind them.
    assert f'href="/activities/org/{a2}/compliance/?period=month&amp;date=2026-10-01" ' \
           f'data-testid="child-compliance-{a2}"' in body
    assert f"/activities/meetings/?within={a2}&amp;date_from=2026-10-01&amp;date_to=2026-10-31&amp;finalized=true" \
        in body
    assert f"/members/?within={a2}" in body
    assert f"/inspections/ledger/?within={a2}&amp;overdue=true" in body
    assert f'href="/organizations/{a2}/"' in body
    # A general branch drills into its own dashboard.
    gb = world.general_branch.pk
    assert f'href="/dashboard/{gb}/?period=month&amp;date=2026-10-01" data-testid="child-compliance-{gb}"' in body
    # The weak-and-lax candidate with its parts.
    assert f'data-testid="candidate-{a2}"' in body
    assert f'data-testid="candidate-{gb}"' not in body
    # Charts: their data as JSON, ECharts served by the app, only here.
    assert 'id="dashboard-data"' in body and "vendor/echarts/echarts.min.js" in body
    assert response.context["charts"]["requirements"][2]["value"] == 2


def test_pages_without_echarts_elsewhere(world_a, client):
    client.force_login(world_a.user(Role.REVIEWER))
    assert "echarts" not in client.get("/").content.decode()


def test_bad_page_parameters_fall_back_to_this_year(scenario, client):
    world = scenario.world
    client.force_login(world.user(Role.REVIEWER))
    response = client.get(f"/dashboard/{world.root.pk}/", {"period": "week", "date": "not-a-date"})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.period, report.start, report.end) == ("year", date(2026, 1, 1), date(2026, 12, 31))


def test_exports(scenario, client):
    world = scenario.world
    client.force_login(world.user(Role.REVIEWER))
    response = client.get(f"/dashboard/{world.root.pk}/export.xlsx", OCTOBER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.worksheets) == 5
    summary = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert pytest.approx(2 / 7) in summary.values()
    children = list(wb.worksheets[3].iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in children] == [world.other_branch.name, world.general_branch.name]
    assert children[0][2] == 65.1
    weak = next(wb.worksheets[4].iter_rows(min_row=4, max_row=4, values_only=True))
    assert weak[:2] == (world.other_branch.name, 65.1) and weak[3:9] == (40, 6.7, 0, 6.7, 10, 1.7)

    response = client.get(f"/dashboard/{world.root.pk}/export.pdf", OCTOBER)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"STSong-Light" in response.content


# --- who may open it ------------------------------------------------------------------------------------------

def test_reviewer_sees_only_their_subtree(scenario, client):
    world = scenario.world
    reviewer = UserFactory(username="gb_reviewer", tenant=world.tenant)
    grant(reviewer, world.general_branch, Role.REVIEWER)
    client.force_login(reviewer)
    assert client.get("/dashboard/")["Location"] == f"/dashboard/{world.general_branch.pk}/"
    assert client.get(f"/dashboard/{world.root.pk}/").status_code == 404
    assert client.get(f"/dashboard/{world.other_branch.pk}/export.xlsx").status_code == 404
    response = client.get(f"/dashboard/{world.general_branch.pk}/", OCTOBER)
    assert response.status_code == 200
    assert [c.id for c in response.context["report"].children] == [world.branch.pk]
    assert world.other_branch.name not in response.content.decode()
    api = api_as(reviewer)
    assert api.get(f"/api/v1/dashboard/{world.root.pk}/").status_code == 404
    assert api.get(f"/api/v1/dashboard/{world.general_branch.pk}/").status_code == 200


def test_out_of_scope_is_404_in_page_api_and_exports(scenario, world_b, client):
    world = scenario.world
    intruders = [world_b.user(Role.TENANT_ADMIN), world.user("outsider"),
                 world.user(Role.MEMBER)]  # a member sees their branch's page, not its dashboard
    for user in intruders:
        client.force_login(user)
        for suffix in ("", "export.xlsx", "export.pdf"):
            assert client.get(f"/dashboard/{world.branch.pk}/{suffix}").status_code == 404, (user, suffix)
        response = api_as(user).get(f"/api/v1/dashboard/{world.branch.pk}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_index_without_a_role_is_forbidden(world_a, client):
    client.force_login(world_a.user(Role.MEMBER))
    assert client.get("/dashboard/").status_code == 403


def test_secretary_opens_their_branch(scenario, client):
    world = scenario.world
    client.force_login(world.user(Role.SECRETARY))
    assert client.get("/dashboard/")["Location"] == f"/dashboard/{world.branch.pk}/"
    assert client.get(f"/dashboard/{world.branch.pk}/").status_code == 200


# --- the number of queries does not grow with the subtree ---------------------------------------------------------

def grow(world: TenantWorld, n: int = 10) -> None:
    """``n`` more branches with members, finalized meetings and tickets under the same children, and more
    meetings and groups in branch A1."""
    for i in range(n):
        branch = OrganizationFactory(parent=world.general_branch, kind=OrgKind.BRANCH, code=f"A-GROW-{i}")
        members = [MemberFactory(organization=branch) for _ in range(3)]
        record_meeting(branch, kinds=("theme_day",), finalize=True,
                       starts_at=datetime(2026, 10, 3 + i, 9, 0, tzinfo=SH),
                       attendance=[AttendanceEntry(m) for m in members])
        file_ticket(branch, deadline=date(2026, 12, 31), registered_supervision=bool(i % 3))
    for i in range(3):
        group = OrganizationFactory(parent=world.branch, kind=OrgKind.GROUP, code=f"A-B1-GROW-{i}")
        record_meeting(group, kinds=("group_meeting",), finalize=True,
                       starts_at=datetime(2026, 10, 10 + i, 9, 0, tzinfo=SH),
                       attendance=[AttendanceEntry(m) for m in world.members[:2]])
    stats.rebuild_tenant(world.tenant.pk, years=[2026], today=TODAY)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("kind", ["page", "api", "xlsx", "pdf"])
def test_query_count_does_not_grow_with_the_subtree(scenario, kind):
    world = scenario.world
    reviewer = world.user(Role.REVIEWER)
    if kind == "api":
        client, urls = api_as(reviewer), [f"/api/v1/dashboard/{o.pk}/" for o in (world.root, world.branch)]
    else:
        client = Client()
        client.force_login(reviewer)
        suffix = {"page": "", "xlsx": "export.xlsx", "pdf": "export.pdf"}[kind]
        urls = [f"/dashboard/{o.pk}/{suffix}" for o in (world.root, world.branch)]
    for url in urls:
        count_queries(client, url, OCTOBER)  # warm: sessions, content types, rule caches
    before = [count_queries(client, url, OCTOBER) for url in urls]
    subtree_before = Organization.objects.filter(path__startswith=world.root.path).count()
    grow(world)
    assert Organization.objects.filter(path__startswith=world.root.path).count() == subtree_before + 13
    after = [count_queries(client, url, OCTOBER) for url in urls]
    assert after == before
    assert report_for(world, world.root).totals.meetings == 1 + 10 + 3  # the figures did grow
    assert max(after) <= 12


def test_six_month_numbers_open_the_same_members(scenario, client):
    """The 3+ / 5+ month figures link to a member list that holds exactly those members."""
    world = scenario.world
    client.force_login(world.user(Role.REVIEWER))
    response = client.get(f"/dashboard/{world.root.pk}/", OCTOBER)
    totals = response.context["totals"]
    body = response.content.decode()
    for months, expected in ((3, totals.near_3), (5, totals.near_5)):
        link = f"/members/?within={world.root.pk}&no_org_life_months={months}"
        assert link.replace("&", "&amp;") in body
        listed = client.get(link).context["paginator"].count
        assert listed == expected, months
