"""The scoping layer: grants become one subtree predicate, per tenant, per action."""

import pytest

from accounts.models import User
from branches.models import Organization
from core.scoping import Action, Role, scope_q, subtree_prefixes
from members.models import Member
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_tenant_admin_sees_whole_tenant_and_nothing_of_the_other(world_a, world_b):
    admin = world_a.user(Role.TENANT_ADMIN)
    visible = Organization.objects.visible_to(admin)
    assert set(visible) == set(Organization.objects.filter(tenant=world_a.tenant))
    assert not visible.filter(tenant=world_b.tenant).exists()


def test_secretary_sees_own_branch_subtree_only(world_a, world_b):
    sec = world_a.user(Role.SECRETARY)
    assert names(Organization.objects.visible_to(sec)) == {world_a.branch.name, world_a.group.name}
    assert set(Member.objects.visible_to(sec)) == set(world_a.members)


def test_reviewer_reads_but_cannot_change(world_a):
    reviewer = world_a.user(Role.REVIEWER)
    assert Member.objects.visible_to(reviewer, Action.VIEW).count() == 7
    assert not Member.objects.visible_to(reviewer, Action.CHANGE).exists()


def test_member_sees_only_own_record_and_own_branch(world_a):
    member_user = world_a.user(Role.MEMBER)
    assert list(Member.objects.visible_to(member_user)) == [world_a.members[0]]
    assert names(Organization.objects.visible_to(member_user)) == {world_a.branch.name}


def test_user_without_grants_sees_nothing(world_a):
    nobody = UserFactory(tenant=world_a.tenant)
    assert not Organization.objects.visible_to(nobody).exists()
    assert not Member.objects.visible_to(nobody).exists()


def test_grant_in_other_tenant_node_is_ignored(world_a, world_b):
    """A grant row that points across tenants (corrupt data) must not open the other tenant."""
    user = UserFactory(tenant=world_a.tenant)
    grant(user, world_b.root, Role.TENANT_ADMIN)
    user = User.objects.get(pk=user.pk)
    assert not Organization.objects.visible_to(user).exists()


def test_nested_grants_collapse_to_one_prefix(world_a):
    user = UserFactory(tenant=world_a.tenant)
    grant(user, world_a.root, Role.REVIEWER)
    grant(user, world_a.branch, Role.REVIEWER)
    assert subtree_prefixes(user, Action.VIEW) == [world_a.root.path]


def test_object_permission_opens_single_member(world_a):
    from guardian.shortcuts import assign_perm

    outsider = world_a.user("outsider")
    target = world_a.members[1]
    assert not Member.objects.visible_to(outsider).filter(pk=target.pk).exists()
    assign_perm("view_member", outsider, target)
    assert Member.objects.visible_to(outsider).filter(pk=target.pk).exists()
    assert not Member.objects.visible_to(outsider).filter(pk=world_a.members[2].pk).exists()


def test_anonymous_sees_nothing(world_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.filter(scope_q(Organization, AnonymousUser())).exists()
