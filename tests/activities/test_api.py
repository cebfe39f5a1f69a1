"""Activities API: wiring, roles, structured errors, finalization through every path."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from activities.models import Attendance, Meeting
from core.scoping import Role
from tests.conftest import api_as
from tests.factories import record_meeting

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 15, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def meeting_payload(world, **extra):
    return {"organization": world.branch.pk, "kinds": ["theme_day", "general_meeting"],
            "starts_at": "2026-05-10T09:00:00+08:00", "topic": "五月主题党日", "place": "党员活动室",
            "attendance": [{"member": m.pk, "status": "present"} for m in world.members[:3]]
            + [{"member": world.members[3].pk, "status": "leave", "leave_reason": "出差"}], **extra}


@time_machine.travel(NOW, tick=False)
def test_secretary_logs_and_finalizes_a_meeting(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    response = client.post("/api/v1/meetings/", meeting_payload(world_a), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kinds"] == ["general_meeting", "theme_day"] and len(body["attendance"]) == 4
    assert body["quorum"] == {"voting_members": 4, "voting_present": 3, "met": True}
    compliance = client.get(f"/api/v1/compliance/{world_a.branch.pk}/", {"period": "month"}).json()
    theme = next(r for r in compliance[0]["requirements"] if r["kind"] == "theme_day")
    assert theme["status"] == "due"
    response = client.post(f"/api/v1/meetings/{body['id']}/finalize/")
    assert response.status_code == 200 and response.json()["is_final"] is True
    compliance = client.get(f"/api/v1/compliance/{world_a.branch.pk}/", {"period": "month"}).json()
    theme = next(r for r in compliance[0]["requirements"] if r["kind"] == "theme_day")
    assert (theme["status"], theme["evidence"]) == ("done", [body["id"]])


@time_machine.travel(NOW, tick=False)
def test_same_submission_key_twice_returns_the_first(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    payload = meeting_payload(world_a, submission_key="0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    first = client.post("/api/v1/meetings/", payload, format="json")
    second = client.post("/api/v1/meetings/", payload, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Meeting.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_idempotency_header_works_too(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    headers = {"HTTP_IDEMPOTENCY_KEY": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"}
    client.post("/api/v1/meetings/", meeting_payload(world_a), format="json", **headers)
    client.post("/api/v1/meetings/", meeting_payload(world_a), format="json", **headers)
    assert Meeting.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_finalized_meeting_refused_through_api(world_a):
    meeting = record_meeting(world_a.branch, finalize=True)
    client = api_as(world_a.user(Role.SECRETARY))
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"topic": "改"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert client.delete(f"/api/v1/meetings/{meeting.pk}/").status_code == 400
    meeting.refresh_from_db()
    assert meeting.topic == "学习党章"
    response = client.post(f"/api/v1/meetings/{meeting.pk}/corrections/", {"text": "更正：地点为三楼"}, format="json")
    assert response.status_code == 201


@time_machine.travel(NOW, tick=False)
def test_future_meeting_finalize_is_refused(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    created = client.post("/api/v1/meetings/", meeting_payload(world_a, starts_at="2026-06-01T09:00:00+08:00"),
                          format="json").json()
    response = client.post(f"/api/v1/meetings/{created['id']}/finalize/")
    assert response.status_code == 400 and "starts_at" in response.json()["error"]["fields"]


@time_machine.travel(NOW, tick=False)
def test_meeting_for_other_tenants_branch_is_refused(world_a, world_b):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).post(
        "/api/v1/meetings/", meeting_payload(world_a, organization=world_b.branch.pk), format="json")
    assert response.status_code == 400 and "organization" in response.json()["error"]["fields"]
    assert not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_attendee_of_other_tenant_is_refused(world_a, world_b):
    payload = meeting_payload(world_a)
    payload["attendance"].append({"member": world_b.members[0].pk, "status": "present"})
    response = api_as(world_a.user(Role.SECRETARY)).post("/api/v1/meetings/", payload, format="json")
    assert response.status_code == 400 and not Meeting.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_reviewer_reviews_but_cannot_record(world_a):
    meeting = record_meeting(world_a.branch, finalize=True)
    secretary, reviewer = api_as(world_a.user(Role.SECRETARY)), api_as(world_a.user(Role.REVIEWER))
    assert reviewer.post("/api/v1/meetings/", meeting_payload(world_a), format="json").status_code == 400
    assert secretary.post(f"/api/v1/meetings/{meeting.pk}/submit/").status_code == 201
    assert secretary.post(f"/api/v1/meetings/{meeting.pk}/review/", {"decision": "approved"},
                          format="json").status_code == 403
    response = reviewer.post(f"/api/v1/meetings/{meeting.pk}/review/", {"decision": "returned"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = reviewer.post(f"/api/v1/meetings/{meeting.pk}/review/", {"decision": "approved"}, format="json")
    assert response.status_code == 201


@time_machine.travel(NOW, tick=False)
def test_makeup_action(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    created = client.post("/api/v1/meetings/", meeting_payload(world_a), format="json").json()
    client.post(f"/api/v1/meetings/{created['id']}/finalize/")
    response = client.post(f"/api/v1/meetings/{created['id']}/makeup/",
                           {"member": world_a.members[3].pk, "made_up_on": "2026-05-12"}, format="json")
    assert response.status_code == 200
    row = next(a for a in response.json()["attendance"] if a["member"] == world_a.members[3].pk)
    assert row["made_up_on"] == "2026-05-12"


def test_plan_api_flow(world_a):
    secretary, reviewer = api_as(world_a.user(Role.SECRETARY)), api_as(world_a.user(Role.REVIEWER))
    response = secretary.post("/api/v1/plans/", {"organization": world_a.branch.pk, "year": 2027, "items": [
        {"month": 1, "kinds": ["theme_day"], "topic": "新年主题党日"}]}, format="json")
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert secretary.post(f"/api/v1/plans/{plan_id}/submit/").json()["status"] == "submitted"
    assert secretary.post(f"/api/v1/plans/{plan_id}/decide/", {"decision": "filed"},
                          format="json").status_code == 403
    response = reviewer.post(f"/api/v1/plans/{plan_id}/decide/", {"decision": "returned", "reason": "补充党课"},
                             format="json")
    assert response.json()["status"] == "returned"


def test_reviews_and_talks_api(world_a):
    client = api_as(world_a.user(Role.SECRETARY))
    response = client.post("/api/v1/reviews/", {"member": world_a.members[1].pk, "year": 2026, "grade": "qualified",
                                                "decided_on": "2026-11-20"}, format="json")
    assert response.status_code == 201, response.content
    response = client.post("/api/v1/talks/", {"organization": world_a.branch.pk, "initiator": world_a.members[0].pk,
                                              "partner": world_a.members[1].pk, "talked_on": "2026-11-01",
                                              "topic": "工作交流"}, format="json")
    assert response.status_code == 201 and response.json()["pair_kind"] == "member_member"


def test_compliance_list_for_subtree(world_a):
    body = api_as(world_a.user(Role.REVIEWER)).get("/api/v1/compliance/", {"period": "year", "date": "2026-01-10",
                                                                          "within": world_a.general_branch.pk}).json()
    assert [r["name"] for r in body["results"]] == [world_a.branch.name, world_a.group.name]
    assert all(set(r["summary"]) == {"done", "due", "overdue", "upcoming"} for r in body["results"])


def test_activity_rules_only_admin_writes(world_a):
    payload = {"kind": "party_lecture", "period": "month", "min_count": 1, "applies_to": ["branch"],
               "expected": "all_members", "valid_from": "2027-01-01"}
    assert api_as(world_a.user(Role.SECRETARY)).post("/api/v1/activity-rules/", payload,
                                                     format="json").status_code == 403
    assert api_as(world_a.user(Role.TENANT_ADMIN)).post("/api/v1/activity-rules/", payload,
                                                        format="json").status_code == 201
    rules = api_as(world_a.user(Role.SECRETARY)).get("/api/v1/activity-rules/").json()
    assert [(r["kind"], r["valid_from"]) for r in rules] == [("party_lecture", "1900-01-01"),
                                                             ("party_lecture", "2027-01-01")]


@time_machine.travel(NOW, tick=False)
def test_admin_refuses_change_of_finalized_meeting(world_a, client):
    meeting = record_meeting(world_a.branch, finalize=True)
    operator = get_user_model().objects.create_superuser("operator", "op@example.org", "pw-op-12345")
    client.force_login(operator)
    assert client.get(f"/admin/activities/meeting/{meeting.pk}/change/").status_code == 200  # view only
    response = client.post(f"/admin/activities/meeting/{meeting.pk}/change/", {"topic": "改"})
    assert response.status_code == 403
    assert client.post(f"/admin/activities/meeting/{meeting.pk}/delete/", {"post": "yes"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.topic == "学习党章"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL): the guard is a "
                                                              "PostgreSQL trigger")
@time_machine.travel(NOW, tick=False)
def test_database_refuses_raw_update_and_delete_of_finalized_meeting(world_a):
    final = record_meeting(world_a.branch, finalize=True)
    draft = record_meeting(world_a.branch, topic="草稿")
    attendance = Attendance.objects.filter(meeting=final).first()
    for sql, params in [
        ("UPDATE activities_meeting SET topic = %s WHERE id = %s", ["改", final.pk]),
        ("DELETE FROM activities_meeting WHERE id = %s", [final.pk]),
        ("UPDATE activities_attendance SET status = 'absent' WHERE id = %s", [attendance.pk]),
        ("DELETE FROM activities_attendance WHERE id = %s", [attendance.pk]),
    ]:
        with pytest.raises(DatabaseError, match="finalized"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with connection.cursor() as cursor:  # a draft is still editable
        cursor.execute("UPDATE activities_meeting SET topic = %s WHERE id = %s", ["草稿二", draft.pk])
    final.refresh_from_db()
    draft.refresh_from_db()
    assert (final.topic, draft.topic) == ("学习党章", "草稿二")
    assert Attendance.objects.filter(pk=attendance.pk, status="present").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL): the guard is a "
                                                              "PostgreSQL trigger")
@time_machine.travel(NOW, tick=False)
def test_tenant_purge_is_the_one_sanctioned_delete_of_finalized_records(world_a, world_b):
    from core.demo import purge_tenant

    record_meeting(world_a.branch, finalize=True)
    kept = record_meeting(world_b.branch, finalize=True)
    purge_tenant(world_a.tenant)
    assert list(Meeting.objects.values_list("pk", flat=True)) == [kept.pk]
    with pytest.raises(DatabaseError, match="finalized"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM activities_meeting WHERE id = %s", [kept.pk])  # the setting did not leak
