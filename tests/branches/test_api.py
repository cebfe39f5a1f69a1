"""Organizations API: wiring, permissions, structured errors, cross-tenant writes refused."""

import pytest

from branches.models import Organization
from core.scoping import Role
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_list_is_paginated_and_scoped(world_a, world_b):
    body = api_as(world_a.user(Role.SECRETARY)).get("/api/v1/organizations/").json()
    assert body["count"] == 2
    assert {o["code"] for o in body["results"]} == {"A-B1", "A-B1-G1"}


def test_filter_by_kind_and_within(world_a, world_b):
    client = api_as(world_a.user(Role.REVIEWER))
    body = client.get("/api/v1/organizations/", {"kind": "branch"}).json()
    assert {o["code"] for o in body["results"]} == {"A-B1", "A-B2"}
    body = client.get("/api/v1/organizations/", {"within": world_a.general_branch.pk}).json()
    assert {o["code"] for o in body["results"]} == {"A-GB", "A-B1", "A-B1-G1"}
    # An anchor in another tenant filters to nothing rather than leaking.
    assert client.get("/api/v1/organizations/", {"within": world_b.root.pk}).json()["count"] == 0


def test_children_and_subtree_actions(world_a):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    children = client.get(f"/api/v1/organizations/{world_a.root.pk}/children/").json()["results"]
    assert {c["code"] for c in children} == {"A-GB", "A-B2"}
    subtree = client.get(f"/api/v1/organizations/{world_a.general_branch.pk}/subtree/").json()["results"]
    assert [o["code"] for o in subtree] == ["A-GB", "A-B1", "A-B1-G1"]


def test_admin_creates_branch_with_term_default(world_a):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/organizations/", {
        "parent": world_a.root.pk, "kind": "branch", "category": "community", "name": "新社区支部",
        "code": "A-NEW", "term_start": "2025-01-10"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["term_end"] == "2030-01-10"
    org = Organization.objects.get(code="A-NEW")
    assert org.path.startswith(world_a.root.path) and org.tenant_id == world_a.tenant.pk


def test_create_with_other_tenants_parent_is_refused(world_a, world_b):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/organizations/", {
        "parent": world_b.root.pk, "kind": "branch", "name": "越界", "code": "A-X"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
    assert not Organization.objects.filter(code="A-X").exists()


def test_bad_placement_gives_structured_error(world_a):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/organizations/", {
        "parent": world_a.branch.pk, "kind": "committee", "name": "错", "code": "A-Y"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "parent" in error["fields"]


def test_secretary_cannot_create_or_edit_structure(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    response = client.post("/api/v1/organizations/", {"parent": world_a.branch.pk, "kind": "group",
                                                      "name": "小组", "code": "A-G9"}, format="json")
    assert response.status_code == 400  # parent not among nodes the secretary may administer
    response = client.patch(f"/api/v1/organizations/{world_a.branch.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    world_a.branch.refresh_from_db()
    assert world_a.branch.name != "改名"


def test_reviewer_reads_but_cannot_write(world_a):
    client = api_as(world_a.user(Role.REVIEWER))
    assert client.get(f"/api/v1/organizations/{world_a.branch.pk}/").status_code == 200
    assert client.patch(f"/api/v1/organizations/{world_a.branch.pk}/", {"name": "x"},
                        format="json").status_code == 403


def test_update_cannot_change_parent_or_kind(world_a):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    response = client.patch(f"/api/v1/organizations/{world_a.branch.pk}/",
                            {"name": "改名支部", "parent": world_a.root.pk, "kind": "committee"}, format="json")
    assert response.status_code == 200
    world_a.branch.refresh_from_db()
    assert (world_a.branch.name, world_a.branch.parent_id, world_a.branch.kind) == (
        "改名支部", world_a.general_branch.pk, "branch")


def test_move_action(world_a, world_b):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    response = client.post(f"/api/v1/organizations/{world_a.branch.pk}/move/", {"parent": world_a.root.pk},
                           format="json")
    assert response.status_code == 200 and response.json()["depth"] == 1
    response = client.post(f"/api/v1/organizations/{world_a.branch.pk}/move/", {"parent": world_b.root.pk},
                           format="json")
    assert response.status_code == 400
    world_a.group.refresh_from_db()
    world_a.branch.refresh_from_db()
    assert world_a.branch.parent_id == world_a.root.pk
    assert world_a.group.path.startswith(world_a.branch.path)


def test_dissolve_requires_empty_organization(world_a):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    response = client.delete(f"/api/v1/organizations/{world_a.branch.pk}/")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"]
    response = client.delete(f"/api/v1/organizations/{world_a.group.pk}/")
    assert response.status_code == 204
    world_a.group.refresh_from_db()
    assert world_a.group.status == "dissolved"


def test_elections_record_and_list(world_a, world_b):
    client = api_as(world_a.user(Role.SECRETARY))
    url = f"/api/v1/organizations/{world_a.branch.pk}/elections/"
    response = client.post(url, {"held_on": "2024-06-01", "approved_by": "机关党总支",
                                 "posts": [{"member": world_a.members[0].pk, "post": "secretary"}]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["term_end"] == "2027-06-01"
    assert client.get(url).json()["count"] == 1
    # A member of another tenant cannot be put on the committee.
    response = client.post(url, {"held_on": "2025-06-01",
                                 "posts": [{"member": world_b.members[0].pk, "post": "secretary"}]}, format="json")
    assert response.status_code == 400


def test_warnings_action(world_a):
    body = api_as(world_a.user(Role.REVIEWER)).get(f"/api/v1/organizations/{world_a.other_branch.pk}/warnings/")
    assert [w["code"] for w in body.json()] == []  # 3 full members: no warning


def test_unauthenticated_is_401_with_error_body(world_a):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/organizations/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_schema_lists_the_resources(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/organizations/", "/api/v1/organizations/{id}/children/",
                 "/api/v1/organizations/{id}/subtree/", "/api/v1/members/", "/api/v1/members/{id}/reveal/"):
        assert path in paths


def test_docs_page_served_without_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
