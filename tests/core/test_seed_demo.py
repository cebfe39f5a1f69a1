"""manage.py seed_demo: the two demo tenants and their logins, and the district builder at a small scale."""

from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.test import RequestFactory, override_settings

from accounts.models import RoleGrant, User
from branches import rules
from branches.choices import CommitteePost, OrgKind
from branches.models import PATH_SEGMENT_WIDTH, Election, Organization, Tenant
from core import demo
from core.scoping import Role
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


def test_password_option(frozen, client):
    seed(password="another-pass-9")
    assert client.login(request=RequestFactory().post("/"), username="hx_reviewer", password="another-pass-9")


def test_summary_lists_counts_and_logins(frozen):
    out = seed()
    assert "东城区委 (dongcheng): built in" in out and "华星集团党委 (huaxing): built in" in out
    assert "19 branches" in out
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


def test_district_rebuild_replaces_it(frozen):
    first = demo.build_district(scale=0.01)
    again = demo.build_district(scale=0.01)
    assert not Tenant.objects.filter(pk=first.pk).exists()
    assert Tenant.objects.filter(slug="district").count() == 1
    assert Member.objects.filter(tenant=again).count() == Member.objects.count() == 690


def test_command_scale_district_adds_its_logins(frozen, monkeypatch):
    build_district = demo.build_district
    monkeypatch.setattr(demo, "build_district", lambda *, scale, **kw: build_district(scale=0.01, **kw))
    out = seed(scale="district")
    assert "示范区委（压测） (district): built in" in out
    for username in ("ds_admin", "ds_reviewer", "ds_secretary"):
        assert username in out
    secretary = User.objects.get(username="ds_secretary")
    assert secretary.role_grants.get().organization.kind == OrgKind.BRANCH
    assert Tenant.objects.count() == 3
