"""Fixtures: two tenants, each with a small tree and a named user for every role."""

from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from branches.choices import OrgKind
from branches.models import Organization, Tenant
from core.scoping import Role
from members.models import Member

from .factories import MemberFactory, OrganizationFactory, TenantFactory, UserFactory, allow_reveal, grant

PASSWORD = "pw-test-123"


@dataclass
class TenantWorld:
    """One tenant: root committee > general branch > branch (with a group) and a second branch."""

    tenant: Tenant
    root: Organization
    general_branch: Organization
    branch: Organization
    group: Organization
    other_branch: Organization
    members: list[Member]
    other_members: list[Member]
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


def build_world(label: str) -> TenantWorld:
    tenant = TenantFactory(name=f"{label}区委", slug=f"t-{label.lower()}")
    root = OrganizationFactory(tenant=tenant, kind=OrgKind.COMMITTEE, name=f"{label}区委", code=f"{label}-ROOT")
    general = OrganizationFactory(parent=root, kind=OrgKind.GENERAL_BRANCH, name=f"{label}机关党总支",
                                  code=f"{label}-GB")
    branch = OrganizationFactory(parent=general, kind=OrgKind.BRANCH, name=f"{label}第一党支部", code=f"{label}-B1")
    group = OrganizationFactory(parent=branch, kind=OrgKind.GROUP, name=f"{label}第一党小组", code=f"{label}-B1-G1")
    other = OrganizationFactory(parent=root, kind=OrgKind.BRANCH, name=f"{label}第二党支部", code=f"{label}-B2")
    members = [MemberFactory(organization=branch, name=f"{label}甲{i}") for i in range(4)]
    others = [MemberFactory(organization=other, name=f"{label}乙{i}") for i in range(3)]
    world = TenantWorld(tenant, root, general, branch, group, other, members, others)
    lower = label.lower()

    def make(role, org, username=None):
        user = UserFactory(username=username or f"{lower}_{role}", tenant=tenant, full_name=f"{label}{role}")
        grant(user, org, role)
        return user

    world.users[Role.TENANT_ADMIN] = allow_reveal(make(Role.TENANT_ADMIN, root))
    world.users[Role.REVIEWER] = make(Role.REVIEWER, root)
    world.users[Role.SECRETARY] = make(Role.SECRETARY, branch)
    world.users[Role.INSPECTOR] = make(Role.INSPECTOR, general)
    member_user = make(Role.MEMBER, branch)
    Member.objects.filter(pk=members[0].pk).update(user=member_user)
    world.users[Role.MEMBER] = member_user
    # Same tenant, outside the branch's subtree: the secretary of the second branch.
    world.users["outsider"] = make(Role.SECRETARY, other, username=f"{lower}_outsider")
    return world


@pytest.fixture
def world_a(db) -> TenantWorld:
    return build_world("A")


@pytest.fixture
def world_b(db) -> TenantWorld:
    return build_world("B")


@pytest.fixture
def api():
    return APIClient()


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The real hasher is slow by design; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render {% static %} without a collectstatic manifest.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
