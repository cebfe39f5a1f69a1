"""Organization pages: tree, lazy children, search, detail and the forms that call branches.services."""

from datetime import date
from html import escape

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from branches.choices import CommitteePost, OrgKind
from branches.models import Election, Organization
from core.scoping import Role
from members.models import CommitteeMembership
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def text(msgid: str) -> str:
    """A message as the page shows it: translated to the site language, HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


def login(client, user):
    client.force_login(user)
    return client


# --- home and login ---

def test_login_page_renders_the_product_name(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert text("Party Organizational Life Platform") in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_home_shows_tenant_roles_and_root_organizations(client, world_a):
    user = world_a.user(Role.SECRETARY)
    login(client, user)
    response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.tenant.name in html and user.display_name in html
    assert text("Branch secretary") in html
    assert reverse("branches:detail", args=[world_a.branch.pk]) in html
    assert reverse("branches:detail", args=[world_a.root.pk]) not in html
    assert reverse("accounts:logout") in html and reverse("api-docs") in html


# --- tree and lazy children ---

def test_tree_shows_only_the_roots_and_loads_children_lazily(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("branches:tree"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.root.name in html
    assert reverse("branches:children", args=[world_a.root.pk]) in html
    # Nothing below the root is rendered until a node is expanded, and nothing of the other tenant.
    assert world_a.branch.name not in html
    assert world_a.general_branch.name not in html
    assert world_b.root.name not in html


def test_tree_of_a_secretary_starts_at_their_branch(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    html = client.get(reverse("branches:tree")).content.decode()
    assert world_a.branch.name in html
    assert reverse("branches:detail", args=[world_a.root.pk]) not in html  # the tenant's name is in the header
    assert world_a.other_branch.name not in html


def test_children_fragment_lists_the_next_level_with_counts(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("branches:children", args=[world_a.general_branch.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not a page
    assert world_a.branch.name in html
    assert world_a.group.name not in html  # one level only
    assert f'id="children-{world_a.branch.pk}"' in html
    assert reverse("branches:children", args=[world_a.branch.pk]) in html
    assert text("Party branch") in html and "kind-branch" in html
    counts = client.get(reverse("branches:children", args=[world_a.general_branch.pk])).context["children"]
    row = next(c for c in counts if c.pk == world_a.branch.pk)
    assert (row.child_count, row.member_count) == (1, 4)


def test_search_lists_matching_organizations_in_scope(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("branches:tree"), {"q": "B1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert {o.pk for o in response.context["results"]} == {world_a.branch.pk, world_a.group.pk}
    assert reverse("branches:detail", args=[world_a.group.pk]) in html
    assert world_b.branch.name not in html

    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("branches:tree"), {"q": "A-B2"})
    assert list(response.context["results"]) == []
    assert world_a.other_branch.name not in response.content.decode()


# --- detail ---

def test_detail_shows_fields_breadcrumbs_children_and_member_link(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("branches:detail", args=[world_a.branch.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.branch.code in html
    # Breadcrumbs: the visible ancestors, top first.
    crumbs = [reverse("branches:detail", args=[o.pk]) for o in (world_a.root, world_a.general_branch)]
    assert html.index(crumbs[0]) < html.index(crumbs[1]) < html.index(world_a.branch.code)
    assert world_a.group.name in html  # children table
    assert f"{reverse('members:list')}?organization={world_a.branch.pk}" in html
    assert response.context["member_count"] == 4
    assert "term-unknown" in html
    for name in ("branches:edit", "branches:create_child", "branches:move", "branches:election_record"):
        assert reverse(name, args=[world_a.branch.pk]) in html


def test_detail_for_a_secretary_hides_admin_actions(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("branches:detail", args=[world_a.branch.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    # Ancestors outside the grant are not in the breadcrumbs.
    assert reverse("branches:detail", args=[world_a.root.pk]) not in html
    assert reverse("branches:create_child", args=[world_a.branch.pk]) in html  # a group, yes
    assert reverse("branches:election_record", args=[world_a.branch.pk]) in html
    assert reverse("branches:move", args=[world_a.branch.pk]) not in html
    assert reverse("branches:edit", args=[world_a.branch.pk]) not in html


def test_detail_shows_structural_warnings_and_overdue_term(client, world_a):
    small = OrganizationFactory(parent=world_a.root, kind=OrgKind.BRANCH, name="小支部", code="A-SMALL",
                                term_start=date(2015, 1, 1), term_end=date(2018, 1, 1))
    MemberFactory(organization=small)
    login(client, world_a.user(Role.TENANT_ADMIN))
    html = client.get(reverse("branches:detail", args=[small.pk])).content.decode()
    assert "warning-too_few_full_members" in html
    assert "term-overdue" in html
    assert f"{reverse('members:list')}?organization={small.pk}" in html


def test_detail_of_a_committee_links_to_members_within(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("branches:detail", args=[world_a.root.pk]))
    assert f"{reverse('members:list')}?within={world_a.root.pk}" in response.content.decode()
    assert response.context["member_count"] == 7


# --- create a child ---

def test_admin_creates_a_branch_under_a_general_branch(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    url = reverse("branches:create_child", args=[world_a.general_branch.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": OrgKind.BRANCH, "name": "第三党支部", "code": "A-B3", "category": "organ",
                                 "term_start": "2024-05-01"})
    org = Organization.objects.get(tenant=world_a.tenant, code="A-B3")
    assert response.status_code == 302
    assert response["Location"] == reverse("branches:detail", args=[org.pk])
    assert org.parent == world_a.general_branch
    assert org.path.startswith(world_a.general_branch.path)
    assert org.term_end == date(2027, 5, 1)  # default term of a branch


def test_duplicate_code_from_the_service_is_a_form_error(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    before = Organization.objects.count()
    response = client.post(reverse("branches:create_child", args=[world_a.general_branch.pk]),
                           {"kind": OrgKind.BRANCH, "name": "重复", "code": world_a.branch.code, "category": "organ"})
    assert response.status_code == 200
    assert text("An organization with this code already exists.") in response.content.decode()
    assert Organization.objects.count() == before


def test_secretary_may_create_a_group_but_not_a_committee(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("branches:create_child", args=[world_a.branch.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["kind"].choices] == [OrgKind.GROUP]

    before = Organization.objects.count()
    refused = client.post(url, {"kind": OrgKind.COMMITTEE, "name": "越权党委", "code": "A-X", "category": "organ"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["kind"]
    assert Organization.objects.count() == before

    created = client.post(url, {"kind": OrgKind.GROUP, "name": "第二党小组", "code": "A-B1-G2", "category": "organ"})
    assert created.status_code == 302
    group = Organization.objects.get(tenant=world_a.tenant, code="A-B1-G2")
    assert (group.kind, group.parent_id) == (OrgKind.GROUP, world_a.branch.pk)


def test_secretary_cannot_create_under_a_group_and_reviewer_cannot_create(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    assert client.get(reverse("branches:create_child", args=[world_a.group.pk])).status_code == 403
    login(client, world_a.user(Role.REVIEWER))
    url = reverse("branches:create_child", args=[world_a.general_branch.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"kind": OrgKind.BRANCH, "name": "x", "code": "A-Y", "category": "organ"})
    assert response.status_code == 403
    assert not Organization.objects.filter(code="A-Y").exists()


# --- edit ---

def test_admin_edits_an_organization(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    url = reverse("branches:edit", args=[world_a.branch.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "第一党支部（新）", "short_name": "一支部", "code": world_a.branch.code,
                                 "category": "enterprise", "established_on": "2001-07-01"})
    assert response.status_code == 302
    world_a.branch.refresh_from_db()
    assert (world_a.branch.name, world_a.branch.category) == ("第一党支部（新）", "enterprise")
    assert world_a.branch.established_on == date(2001, 7, 1)


def test_edit_to_a_taken_code_is_refused_with_a_form_error(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("branches:edit", args=[world_a.branch.pk]),
                           {"name": "x", "code": world_a.other_branch.code, "category": "organ"})
    assert response.status_code == 200
    assert text("An organization with this code already exists.") in response.content.decode()
    world_a.branch.refresh_from_db()
    assert world_a.branch.code == "A-B1"


def test_secretary_edits_a_group_but_not_the_branch(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    assert client.get(reverse("branches:edit", args=[world_a.branch.pk])).status_code == 403
    response = client.post(reverse("branches:edit", args=[world_a.group.pk]),
                           {"name": "第一党小组（改）", "code": world_a.group.code, "category": "organ"})
    assert response.status_code == 302
    world_a.group.refresh_from_db()
    assert world_a.group.name == "第一党小组（改）"


# --- move ---

def test_admin_moves_a_branch(client, world_a):
    login(client, world_a.user(Role.TENANT_ADMIN))
    url = reverse("branches:move", args=[world_a.other_branch.pk])
    response = client.get(url)
    assert response.status_code == 200
    choices = set(response.context["form"].fields["parent"].queryset)
    assert choices == {world_a.root, world_a.general_branch}  # only kinds a branch may sit under
    response = client.post(url, {"parent": world_a.general_branch.pk})
    assert response.status_code == 302
    world_a.other_branch.refresh_from_db()
    assert world_a.other_branch.parent_id == world_a.general_branch.pk
    assert world_a.other_branch.path.startswith(world_a.general_branch.path)


def test_moving_under_its_own_subtree_is_refused(client, world_a):
    upper = OrganizationFactory(parent=world_a.root, kind=OrgKind.COMMITTEE, code="A-C2")
    lower = OrganizationFactory(parent=upper, kind=OrgKind.COMMITTEE, code="A-C3")
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("branches:move", args=[upper.pk]), {"parent": lower.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    upper.refresh_from_db()
    assert upper.parent_id == world_a.root.pk


def test_secretary_cannot_move(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("branches:move", args=[world_a.group.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"parent": world_a.branch.pk}).status_code == 403


# --- elections ---

def test_record_an_election_sets_the_term_and_the_committee(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("branches:election_record", args=[world_a.branch.pk])
    assert client.get(url).status_code == 200
    first, second = world_a.members[0], world_a.members[1]
    response = client.post(url, {
        "held_on": "2024-03-01", "approved_by": "A机关党总支", "term_years": "", "notes": "",
        "posts-TOTAL_FORMS": "2", "posts-INITIAL_FORMS": "0",
        "posts-0-member": first.pk, "posts-0-post": CommitteePost.SECRETARY,
        "posts-1-member": second.pk, "posts-1-post": CommitteePost.ORGANIZATION,
    })
    assert response.status_code == 302
    world_a.branch.refresh_from_db()
    assert (world_a.branch.term_start, world_a.branch.term_end) == (date(2024, 3, 1), date(2027, 3, 1))
    posts = CommitteeMembership.objects.filter(organization=world_a.branch, ended_on__isnull=True)
    assert {(p.member_id, p.post) for p in posts} == {(first.pk, CommitteePost.SECRETARY),
                                                      (second.pk, CommitteePost.ORGANIZATION)}
    html = client.get(reverse("branches:detail", args=[world_a.branch.pk])).content.decode()
    assert "2027-03-01" in html
    assert first.name in html


def test_election_errors_from_the_service_and_the_choices_write_nothing(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("branches:election_record", args=[world_a.branch.pk])
    base = {"held_on": "2024-03-01", "posts-TOTAL_FORMS": "1", "posts-INITIAL_FORMS": "0"}
    too_long = client.post(url, {**base, "term_years": "6"})
    assert too_long.status_code == 200
    assert too_long.context["form"].errors["term_years"]
    other_branch_member = client.post(url, {**base, "posts-0-member": world_a.other_members[0].pk,
                                            "posts-0-post": CommitteePost.SECRETARY})
    assert other_branch_member.status_code == 200
    assert other_branch_member.context["formset"].forms[0].errors["member"]
    assert not Election.objects.filter(organization=world_a.branch).exists()
    world_a.branch.refresh_from_db()
    assert world_a.branch.term_start is None


def test_reviewer_cannot_record_an_election(client, world_a):
    login(client, world_a.user(Role.REVIEWER))
    url = reverse("branches:election_record", args=[world_a.branch.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"held_on": "2024-03-01"}).status_code == 403
    assert not Election.objects.exists()


# --- out of scope is 404 on every page of a node ---

# Each page of a node with the methods it accepts.
NODE_PAGES = [("branches:detail", ("get",)), ("branches:children", ("get",)),
              ("branches:create_child", ("get", "post")), ("branches:edit", ("get", "post")),
              ("branches:move", ("get", "post")), ("branches:election_record", ("get", "post"))]
INTRUDING_POST = {"name": "x", "code": "X-1", "kind": "group", "category": "organ", "held_on": "2024-01-01"}


def _snapshot(org):
    return list(Organization.objects.filter(path__startswith=org.path).values())


@pytest.mark.parametrize(("name", "methods"), NODE_PAGES)
def test_another_tenants_node_is_404(client, world_a, world_b, name, methods):
    login(client, world_a.user(Role.TENANT_ADMIN))
    before = _snapshot(world_b.branch)
    url = reverse(name, args=[world_b.branch.pk])
    for method in methods:
        data = {**INTRUDING_POST, "parent": world_a.root.pk} if method == "post" else {}
        assert getattr(client, method)(url, data).status_code == 404
    assert _snapshot(world_b.branch) == before
    assert not Election.objects.exists()


@pytest.mark.parametrize(("name", "methods"), NODE_PAGES)
def test_a_node_outside_the_subtree_is_404(client, world_a, name, methods):
    login(client, world_a.user("outsider"))
    before = _snapshot(world_a.branch)
    url = reverse(name, args=[world_a.branch.pk])
    for method in methods:
        data = {**INTRUDING_POST, "parent": world_a.other_branch.pk} if method == "post" else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404
        assert text("Page not found") in response.content.decode()
    assert _snapshot(world_a.branch) == before
    assert not Organization.objects.filter(code="X-1").exists()


def test_pages_need_a_login(client, world_a):
    response = client.get(reverse("branches:detail", args=[world_a.branch.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
