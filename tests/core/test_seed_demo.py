"""manage.py seed_demo: the two demo tenants and their logins, and the district builder at a small scale."""

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test import RequestFactory, override_settings
from django.utils import timezone

from accounts.models import RoleGrant, User
from activities import rules as life_rules
from activities import selectors
from activities.models import Appraisal, Attendance, MakeUp, Meeting, Plan, Talk
from branches import rules
from branches.choices import CommitteePost, OrgKind
from branches.models import PATH_SEGMENT_WIDTH, Election, Organization, Tenant
from core import demo
from core.scoping import Role
from inspections.models import RectificationTicket
from members.models import CommitteeMembership, Member
from members.services import check_dates
from members.validators import birth_date_from_national_id, normalize_national_id

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# The logins the README documents: username -> (tenant slug, role, node the role is granted on).
LOGINS = {
    "dc_admin": ("dongcheng", Role.TENANT_ADMIN, "中共东城区委员会"),
    "dc_reviewer": ("dongcheng", Role.REVIEWER, "中共东城区委员会"),
    "dc_secretary": ("dongcheng", Role.SECRETARY, "区委办公室党支部"),
    "dc_inspector": ("dongcheng", Role.INSPECTOR, "中共东城区直属机关工作委员会"),
    "dc_member": ("dongcheng", Role.MEMBER, "区委办公室党支部"),
    "hx_admin": ("huaxing", Role.TENANT_ADMIN, "中共华星集团有限公司委员会"),
    "hx_reviewer": ("huaxing", Role.REVIEWER, "中共华星集团有限公司委员会"),
    "hx_secretary": ("huaxing", Role.SECRETARY, "集团综合办公室党支部"),
    "hx_inspector": ("huaxing", Role.INSPECTOR, "中共华星集团有限公司机关委员会"),
    "hx_member": ("huaxing", Role.MEMBER, "集团综合办公室党支部"),
}


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY):
        yield TODAY.date()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for a test class; each test still runs in its own savepoint, rolled back after it."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TODAY),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield TODAY.date()
        transaction.set_rollback(True)


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "tenants": Tenant.objects.count(),
        "organizations": Organization.objects.count(),
        "members": Member.objects.count(),
        "elections": Election.objects.count(),
        "posts": CommitteeMembership.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendance": Attendance.objects.count(),
        "make-ups": MakeUp.objects.count(),
        "talks": Talk.objects.count(),
        "plans": Plan.objects.count(),
        "tickets": RectificationTicket.objects.count(),
    }


def assert_tree_consistent(tenant: Tenant) -> list[Organization]:
    orgs = list(Organization.objects.filter(tenant=tenant))
    by_pk = {org.pk: org for org in orgs}
    assert sum(1 for org in orgs if org.parent_id is None) == 1
    for org in orgs:
        parent = by_pk.get(org.parent_id)
        assert org.parent_id is None or parent is not None, f"{org.name}: parent in another tenant"
        assert org.path == (parent.path if parent else "/") + f"{org.pk:0{PATH_SEGMENT_WIDTH}d}/"
        assert org.depth == len(org.path.strip("/").split("/")) - 1
        assert rules.placement_allowed(org.kind, parent.kind if parent else None), org.name
    return orgs


def statuses_by_branch(tenant: Tenant, *, start: date, end: date, today: date) -> dict[str, list]:
    """Requirement statuses of every branch (its groups' included), keyed by branch name."""
    orgs = list(Organization.objects.filter(tenant=tenant, kind__in=[OrgKind.BRANCH, OrgKind.GROUP]))
    by_pk = {org.pk: org for org in orgs}
    out: dict[str, list] = {}
    for org_id, rows in selectors.compliance_for_subtree(organizations=orgs, tenant_id=tenant.pk, start=start, end=end,
                                                         today=today).items():
        org = by_pk[org_id]
        branch = by_pk[org.parent_id] if org.kind == OrgKind.GROUP else org
        out.setdefault(branch.name, []).extend(rows)
    return out


def assert_last_org_life_from_evidence(tenant: Tenant) -> list[Member]:
    members = list(Member.objects.filter(tenant=tenant))
    evidence = selectors.last_org_life([m.pk for m in members], tenant_id=tenant.pk)
    assert {m.pk: m.last_org_life_on for m in members} == {m.pk: evidence.get(m.pk) for m in members}
    return members



class TestDemoTenants:
    """The two demo tenants, seeded once for the class."""

    def test_builds_two_tenants_with_the_documented_logins(self, seeded):
        tenants = set(Tenant.objects.values_list("slug", "name"))
        assert tenants == {("dongcheng", "东城区委"), ("huaxing", "华星集团党委")}
        assert set(User.objects.values_list("username", flat=True)) == {*LOGINS, "admin"}
        admin = User.objects.get(username="admin")
        assert admin.tenant_id is None and admin.is_staff and admin.is_superuser

    @pytest.mark.parametrize("username", sorted(LOGINS))
    def test_each_login_has_exactly_its_grant(self, seeded, username):
        slug, role, node = LOGINS[username]
        user = User.objects.get(username=username)
        assert user.tenant.slug == slug
        assert user.full_name
        assert list(user.role_grants.values_list("role", "organization__name", "organization__tenant__slug")) == [
            (role, node, slug)
        ]
        assert user.has_perm("members.reveal_member_pii") == (role == Role.TENANT_ADMIN)

    def test_secretary_is_named_after_the_branch_secretary(self, seeded):
        secretary = CommitteeMembership.objects.get(
            organization__name="区委办公室党支部", post=CommitteePost.SECRETARY, ended_on__isnull=True)
        assert User.objects.get(username="dc_secretary").full_name == secretary.member.name

    @pytest.mark.parametrize("username", ["dc_member", "hx_member"])
    def test_member_login_is_linked_to_a_plain_member_of_the_branch(self, seeded, username):
        member = Member.objects.get(user__username=username)
        assert member.organization.name == LOGINS[username][2]
        assert member.status == "full" and not member.committee_posts.filter(ended_on__isnull=True).exists()
        assert User.objects.get(username=username).full_name == member.name

    def test_members_have_valid_identity_and_consistent_dates(self, seeded):
        members = list(Member.objects.all())
        assert len({(m.tenant_id, m.national_id_hash) for m in members}) == len(members)
        for m in members:
            assert normalize_national_id(m.national_id) == m.national_id
            assert birth_date_from_national_id(m.national_id) == m.birth_date
            assert int(m.national_id[16]) % 2 == (1 if m.gender == "male" else 0)  # the sex digit
            assert len(m.phone) == 11 and m.name and m.ethnicity and m.education
            check_dates({"birth_date": m.birth_date, "joined_on": m.joined_on, "full_member_on": m.full_member_on,
                         "status": m.status})
            if m.status == "full":
                assert m.full_member_on == rules.add_years(m.joined_on, 1) <= seeded
            else:
                assert m.full_member_on is None and m.joined_on > rules.add_years(seeded, -1)
            assert m.organization.kind == OrgKind.BRANCH
            assert m.group is None or m.group.parent_id == m.organization_id
        ethnicities = Counter(m.ethnicity for m in members)
        assert ethnicities.most_common(1)[0][0] == "汉族" and len(ethnicities) > 1

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_tree_paths_and_sizes(self, seeded, slug):
        orgs = assert_tree_consistent(Tenant.objects.get(slug=slug))
        kinds = Counter(org.kind for org in orgs)
        assert 10 <= kinds[OrgKind.BRANCH] <= 20
        assert kinds[OrgKind.COMMITTEE] >= 3 and kinds[OrgKind.GENERAL_BRANCH] >= 2 and kinds[OrgKind.GROUP] >= 5
        assert len({org.category for org in orgs if org.kind == OrgKind.BRANCH}) >= 4

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_terms_in_every_state(self, seeded, slug):
        orgs = Organization.objects.filter(tenant__slug=slug).exclude(kind=OrgKind.GROUP)
        states = Counter(rules.term_status(org.term_end, seeded) for org in orgs)
        assert states["overdue"] == 1 and states["unknown"] == 1
        assert states["expiring"] >= 2 and states["active"] > states["expiring"]
        for org in orgs.exclude(term_start=None):
            latest = org.elections.order_by("-held_on").first()
            assert (latest.held_on, latest.term_end) == (org.term_start, org.term_end)

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_structural_problems_on_purpose_and_committees_elsewhere(self, seeded, slug):
        branches = Organization.objects.filter(tenant__slug=slug, kind=OrgKind.BRANCH).annotate(
            size=Count("members", distinct=True))
        warnings = Counter()
        for branch in branches:
            full = branch.members.filter(status="full").count()
            posts = list(branch.committee_memberships.filter(ended_on__isnull=True).values_list("post", flat=True))
            for warning in rules.structure_warnings(kind=branch.kind, full_members=full, all_members=branch.size,
                                                    committee_size=len(posts)):
                warnings[warning.code] += 1
            if full >= rules.COMMITTEE_REQUIRED_FROM and branch.term_start:
                assert CommitteePost.SECRETARY in posts and 3 <= len(posts) <= 5, branch.name
            assert branch.size <= 30 or branch.size == 55
        assert warnings == {"too_few_full_members": 1, "too_many_members": 1, "committee_missing": 1}
        members = Member.objects.filter(tenant__slug=slug)
        assert members.filter(is_mobile=True).exclude(mobile_location="").count() >= 3
        assert members.filter(lost_contact=True).count() >= 1
        assert members.filter(status="probationary").count() >= 3

    def test_running_twice_changes_nothing(self, seeded):
        before = counts()
        out = seed()
        assert counts() == before
        assert "already present" in out and "dc_admin" in out
        dongcheng = Tenant.objects.get(slug="dongcheng")
        assert (f"{Meeting.objects.filter(tenant=dongcheng).count():,} meetings, "
                f"{Attendance.objects.filter(tenant=dongcheng).count():,} attendance rows") in out

    def test_reset_rebuilds_the_same_data(self, seeded):
        before = counts()
        names = sorted(Member.objects.values_list("name", flat=True))
        untouched = Tenant.objects.create(name="其他单位党委", slug="other")
        seed("--reset")
        assert counts() == {**before, "tenants": before["tenants"] + 1}
        assert sorted(Member.objects.values_list("name", flat=True)) == names
        assert Tenant.objects.filter(pk=untouched.pk).exists()

    def test_purge_leaves_the_other_tenant_alone(self, seeded):
        huaxing = Tenant.objects.get(slug="huaxing")
        before = (Organization.objects.filter(tenant=huaxing).count(), Member.objects.filter(tenant=huaxing).count())
        demo.purge_tenant(Tenant.objects.get(slug="dongcheng"))
        assert not Tenant.objects.filter(slug="dongcheng").exists()
        assert not User.objects.filter(username__startswith="dc_").exists()
        assert not Election.objects.exclude(tenant=huaxing).exists()
        assert (Organization.objects.count(), Member.objects.count()) == before

    def test_reset_refused_by_the_database_is_a_clear_error(self, seeded, monkeypatch):
        """On PostgreSQL a finalized meeting cannot be deleted (a trigger): --reset says so and keeps the tenant."""

        def refuse():
            raise IntegrityError("meeting 1 is finalized (定稿) and cannot be changed or deleted")

        monkeypatch.setattr(demo, "_tenant_models", refuse)
        with pytest.raises(CommandError, match=r"东城区委 \(dongcheng\) cannot be deleted.*finalized"):
            seed("--reset")
        assert Member.objects.filter(tenant__slug="dongcheng").count() > 300

    @pytest.mark.parametrize("username", ["admin", "dc_admin", "dc_member", "hx_secretary", "hx_inspector"])
    def test_demo_accounts_log_in_with_the_shared_password(self, seeded, client, username):
        # django-axes wants the request that carries the login.
        assert client.login(request=RequestFactory().post("/"), username=username, password=demo.DEFAULT_PASSWORD)

    # --- organizational life ---

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_finalized_meetings_from_january_last_year_to_yesterday(self, seeded, slug):
        tenant = Tenant.objects.get(slug=slug)
        meetings = list(Meeting.objects.filter(tenant=tenant).select_related("organization", "host"))
        days = Counter(m.day.year for m in meetings)
        assert set(days) == {2025, 2026} and days[2025] > 700 and days[2026] > 100
        assert min(m.day for m in meetings) >= date(2025, 1, 1) and max(m.day for m in meetings) < seeded
        assert all(m.finalized_at and m.ends_at <= m.finalized_at <= timezone.now() for m in meetings)
        assert not Meeting.objects.filter(tenant=tenant, attendances__isnull=True).exists()
        branches = Organization.objects.filter(tenant=tenant, kind=OrgKind.BRANCH).count()
        kinds = Counter(k for m in meetings for k in m.kind_list)
        assert 13 * branches <= kinds["theme_day"] <= 15 * branches  # monthly, January 2025 to March 2026
        assert kinds["org_life_meeting"] == kinds["democratic_review"] >= branches - 2  # December 2025
        one_plus_n = [m for m in meetings if {"theme_day", "general_meeting", "party_lecture"} <= set(m.kind_list)]
        assert len(one_plus_n) > branches / 2  # "1+N": the theme Party day is also the general meeting and a lecture
        topics = Counter(m.topic.split("：")[0] for m in meetings)
        assert {"主题党日", "支委会", "支部党员大会", "七一党课", "党小组会", "集中学习"} <= set(topics)
        assert all(m.topic and m.place and m.agenda and m.minutes for m in meetings)
        for m in meetings:
            branch = m.organization.parent if m.organization.kind == OrgKind.GROUP else m.organization
            assert m.host is None or m.host.organization_id == branch.pk
            if "party_lecture" in m.kind_list:
                assert m.lecturer
        on_theme_day = [m for m in meetings if "theme_day" in m.kind_list and m.day.day == m.organization.theme_day]
        assert len(on_theme_day) > kinds["theme_day"] * 0.6  # the fixed day, unless it falls on a weekend
        assert all(1 <= d <= 28 for d in Organization.objects.filter(tenant=tenant, kind=OrgKind.BRANCH)
                   .values_list("theme_day", flat=True))

    def test_attendance_mostly_present_some_on_leave_some_absent_and_made_up(self, seeded):
        statuses = Counter(Attendance.objects.values_list("status", flat=True))
        total = sum(statuses.values())
        assert 0.8 < statuses["present"] / total < 0.95
        assert statuses["leave"] > statuses["absent"] > 0.01 * total
        assert not Attendance.objects.filter(status="leave", leave_reason="").exists()
        assert not Attendance.objects.exclude(status="leave").exclude(leave_reason="").exists()
        reasons = set(Attendance.objects.values_list("leave_reason", flat=True))
        assert {"出差", "病假", "外出培训", "外出务工"} <= reasons
        makeups = list(MakeUp.objects.select_related("attendance__meeting"))
        assert len(makeups) > 200
        for makeup in makeups:
            assert makeup.attendance.status != "present" and makeup.note
            assert makeup.attendance.meeting.day < makeup.made_up_on < seeded
        for row in Attendance.objects.select_related("meeting", "member")[:2000]:
            full = row.member.full_member_on
            assert row.has_vote == (full is not None and full <= row.meeting.day)
            assert row.member.joined_on < row.meeting.day
        general = Meeting.objects.filter(kinds__contains=",general_meeting,")
        assert sum(selectors.meeting_quorum(m)["met"] for m in general) > 0.95 * general.count()

    @pytest.mark.parametrize("name", ["区委办公室党支部", "集团综合办公室党支部"])
    def test_secretary_branch_is_in_order_with_this_month_still_due(self, seeded, name):
        branch = Organization.objects.get(name=name)
        rows = [s for statuses in selectors.compliance_for(organization=branch, start=date(2025, 1, 1), end=seeded,
                                                           today=seeded).values() for s in statuses]
        summary = Counter(s.status for s in rows)
        assert summary["overdue"] == 0 and summary["done"] > 40
        due = {(s.kind, s.label) for s in rows if s.status == "due"}
        assert {("theme_day", "2026-03"), ("committee_meeting", "2026-03"), ("group_meeting", "2026-03")} <= due

    @pytest.mark.parametrize("spec", [demo.DONGCHENG, demo.HUAXING], ids=lambda spec: spec.slug)
    def test_three_branches_fall_behind_in_the_last_quarter(self, seeded, spec):
        tenant = Tenant.objects.get(slug=spec.slug)
        # The periods the reminders look at (those touching the last 92 days), with evidence from their start.
        start = life_rules.period_bounds("quarter", seeded - timedelta(days=92))[0]
        statuses = statuses_by_branch(tenant, start=start, end=seeded, today=seeded)
        behind = {name: sorted({(s.kind, s.label) for s in rows if s.status == "overdue"})
                  for name, rows in statuses.items()}
        behind = {name: missed for name, missed in behind.items() if missed}
        assert set(behind) == set(spec.history.lagging)
        assert all(2 <= len(missed) <= 4 for missed in behind.values())
        # Over the whole history no more than a few others ever slipped (the dashboards show it, reminders do not).
        ever = statuses_by_branch(tenant, start=date(2025, 1, 1), end=seeded, today=seeded)
        assert len(behind) <= sum(1 for rows in ever.values() if any(s.status == "overdue" for s in rows)) < 12

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_last_org_life_kept_from_the_evidence_a_few_members_drifting(self, seeded, slug):
        members = assert_last_org_life_from_evidence(Tenant.objects.get(slug=slug))
        known = [m for m in members if m.last_org_life_on]
        stale = [m for m in known if m.last_org_life_on <= rules.add_months(seeded, -3)]
        assert 2 <= len(stale) <= 4
        assert all(m.last_org_life_on > rules.add_months(seeded, -6) for m in stale)
        assert sum(m.last_org_life_on >= rules.add_months(seeded, -2) for m in known) > 0.95 * len(known)
        assert all(m.last_org_life_on is None for m in members if m.lost_contact)

    @pytest.mark.parametrize("slug", ["dongcheng", "huaxing"])
    def test_the_reminder_scan_finds_a_handful(self, seeded, slug):
        from notifications import scan

        kinds = Counter(s.kind for s in scan.scan(tenant_id=Tenant.objects.get(slug=slug).pk, today=seeded))
        assert 2 <= kinds["no_org_life_3m"] <= 4 and 1 <= kinds["no_org_life_5m"] <= 2
        assert kinds["plan_not_submitted"] == 3
        assert kinds["ticket_overdue"] == 1 and kinds["ticket_deadline"] == 1
        assert kinds["term_overdue"] == kinds["term_unknown"] == 1

    @pytest.mark.parametrize("spec", [demo.DONGCHENG, demo.HUAXING], ids=lambda spec: spec.slug)
    def test_plans_reviews_talks_and_tickets(self, seeded, spec):
        tenant = Tenant.objects.get(slug=spec.slug)
        branches = Organization.objects.filter(tenant=tenant, kind=OrgKind.BRANCH)
        plans = Plan.objects.filter(tenant=tenant)
        assert sorted(plans.filter(year=2025).values_list("status", flat=True)) == ["filed"] * branches.count()
        this_year = Counter(plans.filter(year=2026).values_list("status", flat=True))
        assert this_year["filed"] > this_year["submitted"] >= 1
        assert this_year["draft"] == 2 and this_year["returned"] == 1
        assert all(plan.items.count() == 13 for plan in plans)
        assert plans.filter(status="filed", decided_by__username=f"{spec.prefix}_reviewer").exists()
        reviewed = Appraisal.objects.filter(tenant=tenant, year=2025)
        assert reviewed.values("organization").distinct().count() == 4
        for org in branches.filter(pk__in=reviewed.values("organization")):
            assert not selectors.appraisal_summary(organization=org, year=2025)["excellent_exceeded"]
        talks = Talk.objects.filter(tenant=tenant, talked_on__year=2025)
        assert set(talks.values_list("pair_kind", flat=True)) == {"committee_committee", "committee_member",
                                                                   "member_member"}
        tickets = {t.status: t for t in RectificationTicket.objects.filter(tenant=tenant)}
        assert set(tickets) == {"rectifying", "acknowledged", "submitted", "closed"}
        assert tickets["rectifying"].is_overdue(seeded) and tickets["acknowledged"].registered_supervision
        assert all(t.filed_by_id and t.events.count() >= 2 and t.filed_at.date() < seeded for t in tickets.values())


def test_password_option(frozen, client):
    seed("--no-history", password="another-pass-9")
    assert client.login(request=RequestFactory().post("/"), username="hx_reviewer", password="another-pass-9")


def test_summary_lists_counts_and_logins(frozen):
    out = seed("--no-history")
    assert "东城区委 (dongcheng): built in" in out and "华星集团党委 (huaxing): built in" in out
    assert "19 branches" in out
    assert "0 meetings, 0 attendance rows" in out and not Meeting.objects.exists()
    assert f"password: {demo.DEFAULT_PASSWORD}" in out
    for username in LOGINS:
        assert username in out


def test_district_builder_at_two_percent(frozen):
    scale = 0.02
    tenant = demo.build_district(scale=scale)
    orgs = assert_tree_consistent(tenant)
    kinds = Counter(org.kind for org in orgs)
    assert kinds[OrgKind.BRANCH] == round(demo.DISTRICT_BRANCHES * scale)
    assert kinds[OrgKind.GROUP] == round(demo.DISTRICT_GROUPS * scale)
    assert kinds[OrgKind.GENERAL_BRANCH] == round(demo.DISTRICT_GENERAL_BRANCHES * scale)
    assert kinds[OrgKind.COMMITTEE] == 1 + round(len(demo.DISTRICT_COMMITTEES) * scale)
    assert abs(len(orgs) - 3414 * scale) <= 0.1 * 3414 * scale
    assert len({org.name for org in orgs}) == len(orgs)
    members = Member.objects.filter(tenant=tenant)
    assert members.count() == round(demo.DISTRICT_MEMBERS * scale)
    sizes = list(members.values("organization").annotate(n=Count("id")).values_list("n", flat=True))
    assert len(sizes) == kinds[OrgKind.BRANCH]  # every branch has a roster
    assert max(sizes) > 50
    full = members.filter(status="full").values("organization").annotate(n=Count("id")).values_list("n", flat=True)
    assert min(full) < 3
    assert len(set(members.values_list("national_id_hash", flat=True))) == members.count()
    assert Election.objects.filter(tenant=tenant).exists()
    states = Counter(rules.term_status(org.term_end, frozen) for org in orgs if org.kind != OrgKind.GROUP)
    assert states["active"] > len(orgs) / 2

    # A year of organizational life, in the proportions of the seeds' district (SPEC §10): about 120,000
    # meetings and two million attendance rows at scale 1, every record finalized.
    meetings = Meeting.objects.filter(tenant=tenant)
    n_meetings, n_rows = meetings.count(), Attendance.objects.filter(tenant=tenant).count()
    assert 100_000 < n_meetings / scale < 140_000 and 1_700_000 < n_rows / scale < 2_600_000
    assert 13 < n_rows / n_meetings < 22
    assert not meetings.filter(finalized_at__isnull=True).exists()
    days = [m.day for m in meetings.only("starts_at")]
    assert min(days) >= demo.history_start(frozen, district=True) and max(days) < frozen
    assert MakeUp.objects.filter(tenant=tenant).exists() and Talk.objects.filter(tenant=tenant).exists()
    # Most branches keep to the rules over the full periods of the year; some miss something.
    start = date(frozen.year - 1, 4, 1)  # the first full quarter of the twelve months up to 15 March 2026
    statuses = statuses_by_branch(tenant, start=start, end=frozen, today=frozen)
    compliant = sum(1 for rows in statuses.values() if not any(s.status == "overdue" for s in rows))
    assert 0.75 <= compliant / kinds[OrgKind.BRANCH] <= 0.97
    members = assert_last_org_life_from_evidence(tenant)
    assert sum(1 for m in members if m.last_org_life_on and m.last_org_life_on >= rules.add_months(frozen, -2)) > (
        0.9 * len(members))
    if connection.vendor == "postgresql":
        # The bulk path went through the finalization guard: the records it wrote are final now.
        row = Attendance.objects.filter(tenant=tenant).first()
        with pytest.raises(IntegrityError, match="finalized"), transaction.atomic():
            Attendance.objects.filter(pk=row.pk).update(status="absent")


def test_district_rebuild_replaces_it(frozen):
    # (Purging finalized records: TestDemoTenants.test_reset_rebuilds_the_same_data.)
    first = demo.build_district(scale=0.01, history=False)
    again = demo.build_district(scale=0.01, history=False)
    assert not Tenant.objects.filter(pk=first.pk).exists()
    assert Tenant.objects.filter(slug="district").count() == 1
    assert Member.objects.filter(tenant=again).count() == Member.objects.count() == 690
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def test_command_scale_district_adds_its_logins(frozen, monkeypatch):
    build_district = demo.build_district
    monkeypatch.setattr(demo, "build_district", lambda *, scale, **kw: build_district(scale=0.01, **kw))
    out = seed("--no-history", scale="district")
    assert "示范区委（压测） (district): built in" in out
    for username in ("ds_admin", "ds_reviewer", "ds_secretary"):
        assert username in out
    secretary = User.objects.get(username="ds_secretary")
    assert secretary.role_grants.get().organization.kind == OrgKind.BRANCH
    assert Tenant.objects.count() == 3
