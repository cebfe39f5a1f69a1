"""Members API: masking, reveal with its log, validation errors, cross-tenant writes refused."""

import pytest
from django.db import connection

from core.scoping import Role
from members.idgen import make_national_id
from members.models import Member, PIIRevealLog
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

NEW_ID = "11010519491231002X"


def payload(org, **extra):
    return {"organization": org.pk, "name": "王小红", "gender": "female", "national_id": NEW_ID,
            "phone": "13800138000", "joined_on": "1975-07-01", "full_member_on": "1976-07-01",
            "status": "full", **extra}


def test_list_masks_personal_data(world_a):
    body = api_as(world_a.user(Role.TENANT_ADMIN)).get("/api/v1/members/").json()
    member = world_a.members[1]
    row = next(r for r in body["results"] if r["id"] == member.pk)
    assert row["national_id_masked"] == member.national_id[:6] + "********" + member.national_id[-4:]
    assert "national_id" not in row and "phone" not in row
    assert member.national_id not in str(body) and member.phone not in str(body)


def test_create_member_encrypts_at_rest(world_a):
    response = api_as(world_a.user(Role.SECRETARY)).post("/api/v1/members/", payload(world_a.branch), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["birth_date"] == "1949-12-31" and data["national_id_masked"] == "110105********002X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, phone FROM members_member WHERE id = %s", [data["id"]])
        raw_id, raw_phone = cursor.fetchone()
    assert NEW_ID not in raw_id and "13800138000" not in raw_phone
    assert Member.objects.get(pk=data["id"]).national_id == NEW_ID


def test_bad_checksum_is_a_field_error(world_a):
    bad = NEW_ID[:-1] + "1"
    response = api_as(world_a.user(Role.SECRETARY)).post("/api/v1/members/", payload(world_a.branch, national_id=bad),
                                                         format="json")
    assert response.status_code == 400
    assert "national_id" in response.json()["error"]["fields"]
    assert bad not in response.content.decode()  # errors never echo the ID
    assert not Member.objects.filter(name="王小红").exists()


def test_duplicate_national_id_in_tenant_refused_but_allowed_in_other(world_a, world_b):
    existing = world_a.members[1].national_id
    client = api_as(world_a.user(Role.SECRETARY))
    dates = {"joined_on": "2010-07-01", "full_member_on": "2011-07-01"}
    response = client.post("/api/v1/members/", payload(world_a.branch, national_id=existing, **dates), format="json")
    assert response.status_code == 400 and "national_id" in response.json()["error"]["fields"]
    other = api_as(world_b.user(Role.SECRETARY))
    assert other.post("/api/v1/members/", payload(world_b.branch, national_id=existing, **dates),
                      format="json").status_code == 201


def test_create_in_other_tenants_branch_is_refused(world_a, world_b):
    before = Member.objects.count()
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/members/", payload(world_b.branch),
                                                            format="json")
    assert response.status_code == 400 and "organization" in response.json()["error"]["fields"]
    assert Member.objects.count() == before


def test_secretary_cannot_place_member_outside_own_branch(world_a):
    response = api_as(world_a.user(Role.SECRETARY)).post("/api/v1/members/", payload(world_a.other_branch),
                                                         format="json")
    assert response.status_code == 400


def test_member_must_belong_to_a_branch(world_a):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/members/", payload(world_a.root),
                                                            format="json")
    assert response.status_code == 400 and "organization" in response.json()["error"]["fields"]


def test_update_keeps_id_when_omitted_and_moves_between_branches(world_a):
    member = world_a.members[1]
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    response = client.patch(f"/api/v1/members/{member.pk}/", {"organization": world_a.other_branch.pk,
                                                               "employer": "区财政局"}, format="json")
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.organization_id == world_a.other_branch.pk and member.employer == "区财政局"
    assert member.national_id == world_a.members[1].national_id


def test_reveal_requires_permission_and_is_logged(world_a):
    member = world_a.members[1]
    refused = api_as(world_a.user(Role.SECRETARY)).post(f"/api/v1/members/{member.pk}/reveal/")
    assert refused.status_code == 403 and not PIIRevealLog.objects.exists()
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post(f"/api/v1/members/{member.pk}/reveal/")
    assert response.status_code == 200
    assert response.json() == {"national_id": member.national_id, "phone": member.phone}
    log = PIIRevealLog.objects.get()
    assert (log.member_id, log.actor_id, log.channel) == (member.pk, world_a.user(Role.TENANT_ADMIN).pk, "api")


def test_member_role_sees_only_self(world_a):
    body = api_as(world_a.user(Role.MEMBER)).get("/api/v1/members/").json()
    assert [r["id"] for r in body["results"]] == [world_a.members[0].pk]


def test_delete_takes_member_off_roster(world_a):
    member = world_a.members[2]
    assert api_as(world_a.user(Role.SECRETARY)).delete(f"/api/v1/members/{member.pk}/").status_code == 204
    member.refresh_from_db()
    assert member.is_active is False


def test_filters(world_a):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    assert client.get("/api/v1/members/", {"organization": world_a.other_branch.pk}).json()["count"] == 3
    assert client.get("/api/v1/members/", {"within": world_a.general_branch.pk}).json()["count"] == 4
    assert client.get("/api/v1/members/", {"q": "A乙"}).json()["count"] == 3


def test_joined_before_18_is_refused(world_a):
    born = make_national_id(birth_date=__import__("datetime").date(2000, 5, 1), sequence=7)
    response = api_as(world_a.user(Role.SECRETARY)).post(
        "/api/v1/members/", payload(world_a.branch, national_id=born, joined_on="2018-04-30",
                                    full_member_on="2019-05-01"), format="json")
    assert response.status_code == 400 and "joined_on" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),   # lower-case check letter is normalized
        ("320102198001010016", True),   # a real district code the region tables of some libraries lack
        ("11010519491231002", False),   # 17 characters
        ("11010519491231002Y", False),  # not a digit or X
        ("99010519491231002X", False),  # no such province
        ("110105194913310021", False),  # month 13 (check digit right)
        ("110105194912310021", False),  # wrong check digit
    ],
)
def test_national_id_rules(value, ok):
    from django.core.exceptions import ValidationError

    from members.validators import normalize_national_id

    if ok:
        assert normalize_national_id(value) == value.upper()
    else:
        with pytest.raises(ValidationError):
            normalize_national_id(value)
