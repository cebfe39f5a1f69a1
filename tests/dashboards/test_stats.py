"""The summary tables agree with a recomputation from the raw records after any sequence of changes."""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import services as activity_services
from activities.services import AttendanceEntry
from branches import services as org_services
from branches.choices import OrgKind
from branches.models import Organization
from dashboards import stats
from dashboards.models import OwnCounter, SubtreeCounter
from members import services as member_services
from members.models import Member
from tests.factories import MemberFactory, OrganizationFactory, record_meeting

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 22)
KINDS = [("theme_day",), ("theme_day", "general_meeting", "party_lecture"), ("committee_meeting",),
         ("org_life_meeting", "democratic_review")]


def expected_subtree(tenant_id: int) -> dict[tuple[int, str, str], int]:
    """Subtree counters recomputed from scratch: own counters of every organization summed up its chain."""
    orgs = list(Organization.objects.filter(tenant_id=tenant_id))
    own = stats.compute_own(orgs, tenant_id=tenant_id, families={stats.LIFE, stats.TERM, stats.ORGS}, year=None,
                            today=TODAY)
    own.update(stats.compute_own(orgs, tenant_id=tenant_id, families={stats.ACTIVITY}, year=TODAY.year, today=TODAY))
    by_id = {o.pk: o for o in orgs}
    out: dict[tuple[int, str, str], int] = defaultdict(int)
    for (org_id, metric, bucket), value in own.items():
        for holder in [*by_id[org_id].ancestor_ids, org_id]:
            out[(holder, metric, bucket)] += value
    return {k: v for k, v in out.items() if v}


def stored_subtree(tenant_id: int) -> dict[tuple[int, str, str], int]:
    return {(o, m, b): v for o, m, b, v in SubtreeCounter.objects.filter(tenant_id=tenant_id).values_list(
        "organization_id", "metric", "bucket", "value") if v}


OPERATIONS = st.lists(st.tuples(st.sampled_from(["branch", "meeting", "correction", "move", "member", "remove",
                                                 "makeup", "election", "dissolve_group"]),
                                st.integers(min_value=0, max_value=10_000)), min_size=3, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPERATIONS)
@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=SH), tick=False)
def test_summary_tables_match_recomputation(django_capture_on_commit_callbacks, world_a, operations):
    tenant = world_a.tenant
    with django_capture_on_commit_callbacks(execute=True):
        stats.rebuild_tenant(tenant.pk, years=[TODAY.year], today=TODAY)
    for op, n in operations:
        branches = list(Organization.objects.filter(tenant=tenant, kind=OrgKind.BRANCH, status="active"))
        generals = list(Organization.objects.filter(tenant=tenant, kind=OrgKind.GENERAL_BRANCH))
        branch = branches[n % len(branches)]
        with django_capture_on_commit_callbacks(execute=True):
            if op == "branch":
                OrganizationFactory(parent=generals[n % len(generals)], kind=OrgKind.BRANCH,
                                    established_on=date(2026, n % 12 + 1, 1), term_start=date(2024, 1, 1))
            elif op == "meeting":
                members = list(Member.objects.filter(organization=branch, is_active=True))
                if members:
                    attendance = [AttendanceEntry(m, "present" if (n + i) % 3 else "absent")
                                  for i, m in enumerate(members)]
                    kinds = KINDS[n % len(KINDS)]
                    if "committee_meeting" in kinds and not branch.committee_memberships.exists():
                        kinds = ("theme_day",)
                    record_meeting(branch, kinds=kinds, attendance=attendance, finalize=bool(n % 4),
                                   starts_at=datetime(2026, n % 11 + 1, n % 27 + 1, 9, tzinfo=SH))
            elif op == "correction":
                meeting = branch.meetings.filter(finalized_at__isnull=False).first()
                if meeting:
                    activity_services.correction_add(actor=None, meeting=meeting, text="更正")
            elif op == "move":
                target = [g for g in generals if g.pk != branch.parent_id] or [world_a.root]
                org_services.organization_move(actor=None, organization=branch, new_parent=target[n % len(target)])
            elif op == "member":
                MemberFactory(organization=branch)
            elif op == "remove":
                member = Member.objects.filter(organization=branch, is_active=True).first()
                if member:
                    member_services.member_remove(actor=None, member=member)
            elif op == "makeup":
                row = (activity_services.Attendance.objects.filter(meeting__organization=branch, status="absent",
                                                                   meeting__finalized_at__isnull=False,
                                                                   make_up__isnull=True).first())
                if row:
                    activity_services.makeup_record(actor=None, attendance=row, made_up_on=TODAY)
            elif op == "election":
                members = list(Member.objects.filter(organization=branch, is_active=True)[:3])
                if members:
                    held = date(2026, n % 10 + 1, 1)
                    if not branch.elections.filter(held_on__gte=held).exists():
                        org_services.election_record(actor=None, organization=branch, held_on=held,
                                                     posts=[(m, "member") for m in members])
            elif op == "dissolve_group":
                group = Organization.objects.filter(tenant=tenant, kind=OrgKind.GROUP, status="active").first()
                if group and not group.members.exists():
                    org_services.organization_dissolve(actor=None, organization=group, dissolved_on=TODAY)
        assert stored_subtree(tenant.pk) == expected_subtree(tenant.pk), f"after {op}"
    assert OwnCounter.objects.filter(tenant=tenant).exists()
