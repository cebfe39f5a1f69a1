"""Inspections, visits and rectifications API: wiring, roles, structured errors, the ledger export and the notice."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.scoping import Role
from inspections.models import CheckItem, Inspection, RectificationTicket, TicketCategory, TicketEvent, Visit
from tests.conftest import api_as
from tests.factories import UserFactory, file_ticket, populate_inspections

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LEDGER_HEADERS = ["序号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "完成情况", "销号时间"]


def inspection_payload(world, **extra):
    return {"organization": world.general_branch.pk, "kind": "supervision", "title": "三会一课落实情况督查",
            "starts_on": "2026-04-01", "ends_on": "2026-04-20", "review_from": "2026-01-01",
            "review_to": "2026-03-31", "targets": [world.branch.pk], **extra}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- inspections and visits ---

def test_inspector_creates_an_inspection_with_targets(world_a):
    from inspections.models import ChecklistTemplate
    from inspections.services import ensure_tenant_defaults

    ensure_tenant_defaults(tenant_id=world_a.tenant.pk)
    template = ChecklistTemplate.objects.get(tenant=world_a.tenant)
    inspector = world_a.user(Role.INSPECTOR)
    client = api_as(inspector)
    response = client.post("/api/v1/inspections/", inspection_payload(world_a, template=template.pk,
                                                                       team=[inspector.pk]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [v["target"] for v in body["visits"]] == [world_a.branch.pk]
    assert len(body["visits"][0]["items"]) == template.items.count()
    assert body["team"] == [inspector.pk]
    listed = client.get("/api/v1/inspections/").json()
    assert [i["id"] for i in listed["results"]] == [body["id"]]


def test_another_tenants_target_is_refused_and_nothing_is_written(world_a, world_b):
    client = api_as(world_a.user(Role.INSPECTOR))
    for payload in (inspection_payload(world_a, targets=[world_b.branch.pk]),
                    inspection_payload(world_a, organization=world_b.root.pk),
                    inspection_payload(world_a, targets=[world_a.other_branch.pk])):  # outside the subtree
        response = client.post("/api/v1/inspections/", payload, format="json")
        assert response.status_code == 400, payload
        error = response.json()["error"]
        assert error["code"] == "invalid" and set(error["fields"]) & {"targets", "organization"}
    assert not Inspection.objects.exists() and not Visit.objects.exists()


def test_secretary_cannot_create_an_inspection(world_a):
    response = api_as(world_a.user(Role.SECRETARY)).post("/api/v1/inspections/", inspection_payload(world_a),
                                                         format="json")
    assert response.status_code == 400  # the organizing unit is not one they may inspect
    assert not Inspection.objects.exists()


def test_check_add_item_and_file_a_ticket_from_a_failed_item(world_a):
    inspection = populate_inspections(world_a)["inspection"]
    visit = inspection.visits.get()
    inspector = api_as(world_a.user(Role.INSPECTOR))
    item = visit.items.filter(result="pending").first()

    response = inspector.post(f"/api/v1/visits/{visit.pk}/check/", {"item": item.pk, "result": "failed"},
                              format="json")
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]
    response = inspector.post(f"/api/v1/visits/{visit.pk}/check/",
                              {"item": item.pk, "result": "failed", "note": "未按月开展主题党日"}, format="json")
    assert response.status_code == 200 and response.json()["result"] == "failed"

    added = inspector.post(f"/api/v1/visits/{visit.pk}/items/", {"text": "支部委员会会议每月召开"}, format="json")
    assert added.status_code == 201 and CheckItem.objects.filter(visit=visit).count() == 7

    response = inspector.post(f"/api/v1/visits/{visit.pk}/file-ticket/",
                              {"item": item.pk, "deadline": "2099-05-31", "responsible_person": "赵书记",
                               "severity": "high", "registered_supervision": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["check_item"] == item.pk and body["organization"] == world_a.branch.pk
    assert body["registered_supervision"] is True and "未按月开展主题党日" in body["problem"]
    again = inspector.post(f"/api/v1/visits/{visit.pk}/file-ticket/",
                           {"item": item.pk, "deadline": "2099-05-31", "responsible_person": "赵书记"},
                           format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid"

    # The secretary of the target can read the visit but not record on it.
    secretary = api_as(world_a.user(Role.SECRETARY))
    assert secretary.get(f"/api/v1/visits/{visit.pk}/").status_code == 200
    refused = secretary.post(f"/api/v1/visits/{visit.pk}/check/", {"item": item.pk, "result": "passed"},
                             format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    facts = inspector.get(f"/api/v1/visits/{visit.pk}/facts/").json()
    assert set(facts) == {"finalized", "drafts", "attendance_rate", "meetings", "overdue"}


# --- the life cycle ---

def test_whole_life_cycle_with_the_right_users_and_403_for_the_wrong_side(world_a):
    ticket = populate_inspections(world_a)["ticket"]
    secretary, inspector = api_as(world_a.user(Role.SECRETARY)), api_as(world_a.user(Role.INSPECTOR))
    url = f"/api/v1/rectifications/{ticket.pk}/transition/"
    steps = [("acknowledge", secretary, inspector, {}), ("start", secretary, inspector, {}),
             ("submit", secretary, inspector, {"completion": "已补齐签到表"}),
             ("return", inspector, secretary, {"reason": "签字不全"}),
             ("submit", secretary, inspector, {"completion": "已补齐签到表并签字"}),
             ("accept", inspector, secretary, {}), ("close", inspector, secretary, {})]
    for action, right, wrong, extra in steps:
        before = RectificationTicket.objects.get(pk=ticket.pk).status
        refused = wrong.post(url, {"action": action, **extra}, format="json")
        assert refused.status_code == 403, action
        assert refused.json()["error"]["code"] == "permission_denied" and refused.json()["error"]["message"]
        assert RectificationTicket.objects.get(pk=ticket.pk).status == before
        response = right.post(url, {"action": action, **extra}, format="json")
        assert response.status_code == 200, (action, response.content)
    body = response.json()
    assert body["status"] == "closed" and body["closed_at"] and body["completion"] == "已补齐签到表并签字"
    assert [e["action"] for e in body["events"]] == ["file", "acknowledge", "start", "submit", "return", "submit",
                                                     "accept", "close"]
    impossible = inspector.post(url, {"action": "accept"}, format="json")
    assert impossible.status_code == 400 and "action" in impossible.json()["error"]["fields"]
    no_reason = inspector.post(url, {"action": "reopen", "reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    assert RectificationTicket.objects.get(pk=ticket.pk).status == "closed"


def test_measures_comments_evidence_inspectors_and_supervision(world_a):
    ticket = populate_inspections(world_a)["ticket"]
    secretary, inspector = api_as(world_a.user(Role.SECRETARY)), api_as(world_a.user(Role.INSPECTOR))
    base = f"/api/v1/rectifications/{ticket.pk}"
    measure = secretary.post(f"{base}/measures/", {"description": "补签签到表", "owner": "组织委员",
                                                   "due_on": "2099-04-30"}, format="json")
    assert measure.status_code == 201
    assert inspector.post(f"{base}/measure-status/", {"measure": measure.json()["id"], "status": "done"},
                          format="json").status_code == 403
    assert secretary.post(f"{base}/measure-status/", {"measure": measure.json()["id"], "status": "done"},
                          format="json").json()["status"] == "done"
    assert secretary.post(f"{base}/comments/", {"text": "正在整改"}, format="json").status_code == 201
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert secretary.post(f"{base}/attachments/", {"file": upload}, format="multipart").status_code == 201
    bad = SimpleUploadedFile("scan.exe", b"MZ", content_type="application/octet-stream")
    assert secretary.post(f"{base}/attachments/", {"file": bad}, format="multipart").status_code == 400
    assert secretary.post(f"{base}/supervision/", {"registered": True}, format="json").status_code == 403
    assert inspector.post(f"{base}/supervision/", {"registered": True},
                          format="json").json()["registered_supervision"] is True
    guest = UserFactory(tenant=world_a.tenant, username="guest")
    assert api_as(guest).get(f"{base}/").status_code == 404
    assert inspector.post(f"{base}/inspectors/", {"user": guest.pk}, format="json").status_code == 204
    assert api_as(guest).get(f"{base}/").status_code == 200
    detail = secretary.get(f"{base}/").json()
    assert len(detail["measures"]) == 1 and len(detail["comments"]) == 1 and len(detail["attachments"]) == 1
    assert {"measure_add", "measure_status", "comment", "attachment", "supervision_on", "inspector_add"} <= {
        e["action"] for e in detail["events"]}


def test_other_tenant_gets_404_on_every_ticket_route(world_a, world_b):
    ticket = populate_inspections(world_a)["ticket"]
    client = api_as(world_b.user(Role.TENANT_ADMIN))
    for path in ("", "notice/"):
        response = client.get(f"/api/v1/rectifications/{ticket.pk}/{path}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.post(f"/api/v1/rectifications/{ticket.pk}/transition/", {"action": "acknowledge"},
                           format="json")
    assert response.status_code == 404
    assert client.get("/api/v1/rectifications/").json()["results"] == []
    assert RectificationTicket.objects.get(pk=ticket.pk).status == "filed"


def test_file_a_ticket_directly_with_measures(world_a, world_b):
    from inspections.services import ensure_tenant_defaults

    ensure_tenant_defaults(tenant_id=world_a.tenant.pk)
    category = TicketCategory.objects.get(tenant=world_a.tenant, code="dues")
    client = api_as(world_a.user(Role.INSPECTOR))
    payload = {"organization": world_a.branch.pk, "problem": "党费收缴不及时", "category": category.pk,
               "deadline": "2099-03-31", "responsible_person": "钱书记",
               "measures": [{"description": "补缴党费", "owner": "组织委员", "due_on": "2099-02-28"}]}
    response = client.post("/api/v1/rectifications/", payload, format="json")
    assert response.status_code == 201, response.content
    assert [m["description"] for m in response.json()["measures"]] == ["补缴党费"]
    refused = client.post("/api/v1/rectifications/", payload | {"organization": world_b.branch.pk}, format="json")
    assert refused.status_code == 400 and "organization" in refused.json()["error"]["fields"]
    past = client.post("/api/v1/rectifications/", payload | {"deadline": "2020-01-01"}, format="json")
    assert past.status_code == 400 and "deadline" in past.json()["error"]["fields"]
    assert RectificationTicket.objects.count() == 1


# --- counts, export and notice ---

@pytest.fixture
def ledger(world_a):
    """Three tickets in filing order: one closed, one overdue, one with measures under supervision."""
    from inspections import services

    inspector, secretary = world_a.user(Role.INSPECTOR), world_a.user(Role.SECRETARY)
    closed = file_ticket(world_a.branch, problem="会议记录不完整", responsible_person="张书记",
                         deadline=date(2099, 1, 31))
    for action, actor in (("acknowledge", secretary), ("start", secretary), ("submit", secretary),
                          ("accept", inspector), ("close", inspector)):
        services.ticket_transition(actor=actor, ticket=closed, action=action, completion="已补齐会议记录")
    overdue = file_ticket(world_a.branch, problem="党费台账未更新", responsible_person="李委员",
                          deadline=date(2099, 2, 28))
    RectificationTicket.objects.filter(pk=overdue.pk).update(deadline=date(2026, 1, 31))
    supervised = file_ticket(world_a.other_branch, problem="支委会未按月召开", responsible_person="王书记",
                             deadline=date(2099, 3, 31), registered_supervision=True,
                             measures=[services.MeasureEntry("制定支委会年度计划", "书记", date(2099, 1, 15)),
                                       services.MeasureEntry("补开支委会", "", date(2099, 2, 1))])
    stamps = [datetime(2026, 3, d, 9, tzinfo=SHANGHAI) for d in (1, 2, 3)]
    for ticket, stamp in zip((closed, overdue, supervised), stamps, strict=True):
        RectificationTicket.objects.filter(pk=ticket.pk).update(filed_at=stamp)
    return {"closed": RectificationTicket.objects.get(pk=closed.pk), "overdue": overdue, "supervised": supervised}


def test_counts_follow_the_filters(world_a, ledger):
    client = api_as(world_a.user(Role.TENANT_ADMIN))
    counts = client.get("/api/v1/rectifications/counts/").json()
    assert counts["total"] == 3 and counts["overdue"] == 1 and counts["registered_supervision"] == 1
    assert counts["by_status"]["closed"] == 1 and counts["by_status"]["filed"] == 2
    narrowed = client.get("/api/v1/rectifications/counts/", {"within": world_a.branch.pk}).json()
    assert narrowed["total"] == 2 and narrowed["registered_supervision"] == 0
    secretary = api_as(world_a.user(Role.SECRETARY)).get("/api/v1/rectifications/counts/").json()
    assert secretary["total"] == 2
    listed = client.get("/api/v1/rectifications/", {"overdue": "true"}).json()["results"]
    assert [t["id"] for t in listed] == [ledger["overdue"].pk] and listed[0]["is_overdue"] is True


def test_export_has_the_customary_columns_one_row_per_ticket_in_filing_order(world_a, ledger):
    response = api_as(world_a.user(Role.TENANT_ADMIN)).get("/api/v1/rectifications/export/")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == LEDGER_HEADERS
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3
    closed_on = timezone.localtime(ledger["closed"].closed_at).strftime("%Y-%m-%d")
    first, second, third = rows
    assert first[:2] == (1, "会议记录不完整")
    assert (first[3], first[4], first[5].date(), first[6], first[7]) == (
        world_a.branch.name, "张书记", date(2099, 1, 31), "已补齐会议记录", closed_on)
    assert (second[0], second[1], second[4], second[5].date(), second[7]) == (
        2, "党费台账未更新", "李委员", date(2026, 1, 31), None)
    assert (third[0], third[1], third[3]) == (3, "支委会未按月召开", world_a.other_branch.name)
    assert third[2] == "1. 制定支委会年度计划（书记，2099-01-15前）\n2. 补开支委会"
    filtered = api_as(world_a.user(Role.TENANT_ADMIN)).get("/api/v1/rectifications/export/",
                                                           {"registered_supervision": "true"})
    rows = list(openpyxl.load_workbook(io.BytesIO(filtered.content)).active.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["支委会未按月召开"]


def test_notice_pdf(world_a, ledger):
    ticket = ledger["supervised"]
    response = api_as(world_a.user(Role.TENANT_ADMIN)).get(f"/api/v1/rectifications/{ticket.pk}/notice/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and len(body) > 2000
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1  # reading the notice writes nothing
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:  # Debian's poppler-utils; without it the PDF is still checked above
        ARTIFACTS.mkdir(exist_ok=True)
        source = ARTIFACTS / "rectification-notice.pdf"
        source.write_bytes(body)
        subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(ARTIFACTS / "rectification-notice")], check=True, timeout=60)
        png = ARTIFACTS / "rectification-notice.png"
        assert png.read_bytes().startswith(b"\x89PNG")
        if Path("/usr/share/poppler/cMap").is_dir():
            # With poppler-data the Chinese text (a non-embedded Adobe-GB1 font) is drawn: not a blank page.
            assert png.stat().st_size > 10_000


def test_inspection_status_is_set_by_inspectors_only(world_a):
    from tests.factories import populate_inspections

    inspection = populate_inspections(world_a)["inspection"]
    url = f"/api/v1/inspections/{inspection.pk}/status/"
    assert api_as(world_a.user(Role.SECRETARY)).post(url, {"status": "completed"}, format="json").status_code in (
        403, 404)
    response = api_as(world_a.user(Role.INSPECTOR)).post(url, {"status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
