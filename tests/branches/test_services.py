"""Organization tree services: placement rules, materialized paths through moves, terms, elections."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from branches import rules, services
from branches.choices import OrgCategory, OrgKind
from branches.models import Organization
from members.models import CommitteeMembership
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def expected_path(org: Organization) -> str:
    chain = []
    node = org
    while node is not None:
        chain.append(f"{node.pk:010d}/")
        node = node.parent
    return "/" + "".join(reversed(chain))


def assert_tree_consistent(tenant):
    for org in Organization.objects.filter(tenant=tenant).select_related("parent"):
        assert org.path == expected_path(org), org
        assert org.depth == org.path.count("/") - 2


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [
        (OrgKind.COMMITTEE, None, True),
        (OrgKind.COMMITTEE, OrgKind.COMMITTEE, True),
        (OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE, True),
        (OrgKind.GENERAL_BRANCH, None, False),
        (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, True),
        (OrgKind.BRANCH, OrgKind.COMMITTEE, True),
        (OrgKind.BRANCH, OrgKind.BRANCH, False),
        (OrgKind.GROUP, OrgKind.BRANCH, True),
        (OrgKind.GROUP, OrgKind.GENERAL_BRANCH, False),
        (OrgKind.COMMITTEE, OrgKind.BRANCH, False),
    ],
)
def test_placement_rules(kind, parent_kind, allowed):
    assert rules.placement_allowed(kind, parent_kind) is allowed


def test_create_refuses_bad_placement_and_writes_nothing(world_a):
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as err:
        services.organization_create(actor=None, tenant=world_a.tenant, parent=world_a.branch,
                                     kind=OrgKind.BRANCH, name="错误支部", code="BAD-1")
    assert "parent" in err.value.message_dict
    assert Organization.objects.count() == before


def test_create_refuses_parent_of_other_tenant(world_a, world_b):
    with pytest.raises(ValidationError):
        services.organization_create(actor=None, tenant=world_a.tenant, parent=world_b.root,
                                     kind=OrgKind.BRANCH, name="越界支部", code="X-1")
    assert not Organization.objects.filter(code="X-1").exists()


def test_code_unique_per_tenant_only(world_a, world_b):
    services.organization_create(actor=None, tenant=world_b.tenant, parent=world_b.root, kind=OrgKind.BRANCH,
                                 name="同编码支部", code=world_a.branch.code)  # allowed in another tenant
    with pytest.raises(ValidationError):
        services.organization_create(actor=None, tenant=world_a.tenant, parent=world_a.root, kind=OrgKind.BRANCH,
                                     name="重复编码", code=world_a.branch.code)


def test_move_rewrites_the_whole_subtree(world_a):
    new_general = OrganizationFactory(parent=world_a.root, kind=OrgKind.GENERAL_BRANCH, code="A-GB2")
    services.organization_move(actor=None, organization=world_a.branch, new_parent=new_general)
    world_a.branch.refresh_from_db()
    world_a.group.refresh_from_db()
    assert world_a.branch.parent_id == new_general.pk
    assert world_a.group.path.startswith(new_general.path)
    assert_tree_consistent(world_a.tenant)
    subtree = set(Organization.objects.subtree_of(new_general).values_list("pk", flat=True))
    assert subtree == {new_general.pk, world_a.branch.pk, world_a.group.pk}
    assert not Organization.objects.subtree_of(world_a.general_branch, include_self=False).exists()


def test_move_branch_directly_under_committee_changes_depth(world_a):
    services.organization_move(actor=None, organization=world_a.branch, new_parent=world_a.root)
    world_a.group.refresh_from_db()
    assert world_a.group.depth == 2
    assert_tree_consistent(world_a.tenant)


def test_move_under_own_subtree_is_refused(world_a):
    sub = OrganizationFactory(parent=world_a.root, kind=OrgKind.COMMITTEE, code="A-SUB")
    with pytest.raises(ValidationError):
        services.organization_move(actor=None, organization=world_a.root, new_parent=sub)
    assert_tree_consistent(world_a.tenant)


def test_move_to_other_tenant_is_refused(world_a, world_b):
    with pytest.raises(ValidationError):
        services.organization_move(actor=None, organization=world_a.branch, new_parent=world_b.root)
    world_a.branch.refresh_from_db()
    assert world_a.branch.parent_id == world_a.general_branch.pk


def test_moved_subtree_follows_visibility(world_a):
    """A secretary's grant on the moved branch keeps covering it; the old general branch no longer does."""
    from core.scoping import Role

    inspector = world_a.user(Role.INSPECTOR)  # granted on the general branch
    assert Organization.objects.visible_to(inspector).filter(pk=world_a.branch.pk).exists()
    services.organization_move(actor=None, organization=world_a.branch, new_parent=world_a.root)
    inspector.__dict__.pop("_scope_grants", None)
    assert not Organization.objects.visible_to(inspector).filter(pk=world_a.branch.pk).exists()


@pytest.mark.parametrize(
    ("kind", "category", "years"),
    [
        (OrgKind.COMMITTEE, OrgCategory.ORGAN, 5),
        (OrgKind.GENERAL_BRANCH, OrgCategory.ENTERPRISE, 3),
        (OrgKind.BRANCH, OrgCategory.SCHOOL, 3),
        (OrgKind.BRANCH, OrgCategory.RURAL, 5),
        (OrgKind.BRANCH, OrgCategory.COMMUNITY, 5),
    ],
)
def test_default_term_years(kind, category, years):
    assert rules.default_term_years(kind, category) == years


def test_term_end_is_filled_from_start(world_a):
    org = services.organization_create(actor=None, tenant=world_a.tenant, parent=world_a.root,
                                       kind=OrgKind.BRANCH, category=OrgCategory.RURAL, name="村支部",
                                       code="A-V1", term_start=date(2024, 2, 29))
    assert org.term_end == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("term_end", "status"),
    [(None, "unknown"), (date(2026, 11, 21), "overdue"), (date(2027, 5, 22), "expiring"),
     (date(2027, 5, 23), "active")],
)
def test_term_status(term_end, status):
    assert rules.term_status(term_end, date(2026, 11, 22)) == status


def test_add_months_clamps_to_month_end():
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_election_sets_term_and_replaces_committee(world_a):
    first = MemberFactory.create_batch(3, organization=world_a.branch)
    services.election_record(actor=None, organization=world_a.branch, held_on=date(2020, 3, 1),
                             posts=[(first[0], "secretary"), (first[1], "organization")])
    election = services.election_record(actor=None, organization=world_a.branch, held_on=date(2023, 3, 1),
                                        approved_by="A机关党总支", posts=[(first[2], "secretary")])
    world_a.branch.refresh_from_db()
    assert (world_a.branch.term_start, world_a.branch.term_end) == (date(2023, 3, 1), date(2026, 3, 1))
    current = CommitteeMembership.objects.filter(organization=world_a.branch, ended_on__isnull=True)
    assert [(c.member_id, c.post) for c in current] == [(first[2].pk, "secretary")]
    assert election.term_years == 3


def test_election_postponement_at_most_one_year(world_a):
    services.election_record(actor=None, organization=world_a.branch, held_on=date(2022, 1, 1), term_years=4)
    with pytest.raises(ValidationError):
        services.election_record(actor=None, organization=world_a.branch, held_on=date(2023, 1, 1), term_years=5)


def test_election_posts_must_be_own_members(world_a):
    with pytest.raises(ValidationError):
        services.election_record(actor=None, organization=world_a.branch, held_on=date(2023, 1, 1),
                                 posts=[(world_a.other_members[0], "secretary")])
    world_a.branch.refresh_from_db()
    assert world_a.branch.term_start is None


@pytest.mark.parametrize(
    ("full", "total", "committee", "codes"),
    [
        (2, 2, 0, {"too_few_full_members"}),
        (5, 6, 0, set()),
        (8, 8, 0, {"committee_missing"}),
        (8, 8, 2, {"committee_size"}),
        (8, 8, 4, set()),
        (40, 51, 5, {"too_many_members"}),
    ],
)
def test_structure_warnings(full, total, committee, codes):
    found = rules.structure_warnings(kind=OrgKind.BRANCH, full_members=full, all_members=total,
                                     committee_size=committee)
    assert {w.code for w in found} == codes
