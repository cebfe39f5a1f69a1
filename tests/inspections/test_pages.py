"""Inspection and ledger pages: wiring to the services, who sees which buttons, refusals, filters and counts."""

from __future__ import annotations

import io
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.scoping import Role
from inspections.models import CheckItem, Inspection, Measure, RectificationTicket, TicketCategory, TicketEvent
from tests.factories import UserFactory, file_ticket, populate_inspections

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(msgid: str) -> str:
    """A message as the page shows it: translated to the site language, HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


def login(client, user):
    client.force_login(user)
    return client


def transition(client, ticket, action, follow=False, **data):
    return client.post(reverse("inspections:ticket_transition", args=[ticket.pk]), {"action": action, **data},
                       follow=follow)


def status_of(ticket) -> str:
    return RectificationTicket.objects.get(pk=ticket.pk).status


def action_buttons(response) -> set[str]:
    return {a["action"] for a in response.context["actions"]}


@pytest.fixture
def inspected(world_a):
    return populate_inspections(world_a)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- every page renders for the inspector ---

def test_every_page_renders_for_the_inspector(client, world_a, inspected):
    login(client, world_a.user(Role.INSPECTOR))
    inspection, visit, ticket = inspected["inspection"], inspected["visit"], inspected["ticket"]
    pages = {
        reverse("inspections:list"): inspection.title,
        reverse("inspections:create"): world_a.branch.name,
        reverse("inspections:detail", args=[inspection.pk]): world_a.branch.name,
        reverse("inspections:visit", args=[visit.pk]): "缺少签到表",
        reverse("inspections:ledger"): ticket.number,
        reverse("inspections:ticket", args=[ticket.pk]): ticket.number,
        reverse("inspections:ticket_create"): world_a.branch.name,
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url
    html = client.get(reverse("inspections:ledger")).content.decode()
    assert reverse("inspections:ledger") in html and reverse("inspections:list") in html  # the navigation
    notice = client.get(reverse("inspections:ticket_notice", args=[ticket.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert b"".join(notice.streaming_content if notice.streaming else [notice.content]).startswith(b"%PDF")
    export = client.get(reverse("inspections:ledger_export"))
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_inspection_page_shows_progress_of_each_visit(client, world_a, inspected):
    login(client, world_a.user(Role.INSPECTOR))
    response = client.get(reverse("inspections:detail", args=[inspected["inspection"].pk]))
    (visit,) = response.context["visits"]
    assert (visit.total, visit.checked, visit.failed, visit.tickets) == (6, 1, 1, 1)
    assert reverse("inspections:visit", args=[visit.pk]) in response.content.decode()


def test_visit_page_shows_the_targets_facts(client, world_a):
    from tests.factories import record_meeting

    inspection = populate_inspections(world_a)["inspection"]
    record_meeting(world_a.branch, starts_at=datetime(2025, 11, 12, 9, tzinfo=SHANGHAI), topic="十一月主题党日",
                   finalize=True)
    record_meeting(world_a.branch, starts_at=datetime(2025, 12, 12, 9, tzinfo=SHANGHAI), topic="十二月主题党日")
    login(client, world_a.user(Role.INSPECTOR))
    response = client.get(reverse("inspections:visit", args=[inspection.visits.get().pk]))
    facts = response.context["facts"]
    assert (facts["finalized"], facts["drafts"]) == (1, 1)
    assert facts["attendance_percent"] == 100
    assert facts["overdue_rows"], "October's theme day was never held"
    html = response.content.decode()
    assert "十一月主题党日" in html and "十二月主题党日" in html


# --- inspections and visits through the pages ---

def inspection_data(world, **extra):
    data = {"kind": "supervision", "title": "2026年第一季度组织生活专项督查", "organization": world.general_branch.pk,
            "starts_on": "2026-04-01", "ends_on": "2026-04-15", "review_from": "2026-01-01",
            "review_to": "2026-03-31", "targets": [world.branch.pk], "team_note": "王督导"}
    data.update(extra)
    return data


def test_inspector_creates_an_inspection_with_targets_and_checklist(client, world_a):
    inspector = world_a.user(Role.INSPECTOR)
    login(client, inspector)
    page = client.get(reverse("inspections:create"))
    template = page.context["form"].fields["template"].queryset.get()
    assert world_a.other_branch.name not in page.content.decode()  # not inspectable by this inspector
    response = client.post(reverse("inspections:create"),
                           inspection_data(world_a, template=template.pk, team=[inspector.pk]))
    inspection = Inspection.objects.get(title="2026年第一季度组织生活专项督查")
    assert response.status_code == 302 and response["Location"] == reverse("inspections:detail",
                                                                            args=[inspection.pk])
    visit = inspection.visits.get()
    assert visit.target == world_a.branch and visit.items.count() == template.items.count()
    assert list(inspection.team.all()) == [inspector]


def test_create_refuses_targets_outside_the_organizing_unit(client, world_a, world_b):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.post(reverse("inspections:create"), inspection_data(world_a, targets=[world_a.other_branch.pk]))
    assert response.status_code == 200
    assert text("Targets must be within the organizing unit's subtree.") in response.content.decode()
    response = client.post(reverse("inspections:create"), inspection_data(world_a, targets=[world_b.branch.pk]))
    assert response.status_code == 200 and response.context["form"].errors["targets"]
    assert not Inspection.objects.exists()


def test_secretary_may_not_create_inspections_or_tickets(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    assert client.get(reverse("inspections:create")).status_code == 403
    assert client.post(reverse("inspections:create"), inspection_data(world_a)).status_code == 403
    assert client.get(reverse("inspections:ticket_create")).status_code == 403
    assert not Inspection.objects.exists()


def test_a_failed_item_becomes_a_ticket_in_one_step_and_links_back(client, world_a):
    inspection = populate_inspections(world_a)["inspection"]
    visit = inspection.visits.get()
    item = visit.items.filter(result="pending").first()
    login(client, world_a.user(Role.INSPECTOR))
    check_url = reverse("inspections:visit_check", args=[visit.pk])

    refused = client.post(check_url, {"item": item.pk, "result": "failed", "note": " "}, follow=True)
    assert text("Say what was wrong.") in refused.content.decode()
    assert CheckItem.objects.get(pk=item.pk).result == "pending"

    response = client.post(check_url, {"item": item.pk, "result": "failed", "note": "会议记录无主持人签字"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    page = client.get(reverse("inspections:visit", args=[visit.pk]))
    shown = next(i for i in page.context["items"] if i.pk == item.pk)
    assert shown.result == "failed" and shown.file_form is not None

    response = client.post(reverse("inspections:visit_file_ticket", args=[visit.pk]),
                           {"item": item.pk, "deadline": "2099-06-30", "responsible_person": "李书记",
                            "severity": "high", "registered_supervision": "on"})
    ticket = RectificationTicket.objects.get(check_item=item)
    assert response.status_code == 302 and response["Location"] == reverse("inspections:ticket", args=[ticket.pk])
    assert (ticket.organization, ticket.severity, ticket.registered_supervision) == (world_a.branch, "high", True)
    assert "会议记录无主持人签字" in ticket.problem and inspection.title in ticket.source
    ticket_page = client.get(reverse("inspections:ticket", args=[ticket.pk])).content.decode()
    assert f'{reverse("inspections:visit", args=[visit.pk])}#item-{item.pk}' in ticket_page
    visit_page = client.get(reverse("inspections:visit", args=[visit.pk])).content.decode()
    assert reverse("inspections:ticket", args=[ticket.pk]) in visit_page
    # Filing twice is refused; the item stays failed while its ticket exists.
    again = client.get(reverse("inspections:visit_file_ticket", args=[visit.pk]), {"item": item.pk})
    assert again.status_code == 302 and again["Location"] == reverse("inspections:ticket", args=[ticket.pk])
    client.post(check_url, {"item": item.pk, "result": "passed", "note": ""})
    assert CheckItem.objects.get(pk=item.pk).result == "failed"
    assert RectificationTicket.objects.count() == 2


def test_add_an_item_and_record_it_with_evidence(client, world_a, inspected):
    visit = inspected["visit"]
    login(client, world_a.user(Role.INSPECTOR))
    client.post(reverse("inspections:visit_add_item", args=[visit.pk]), {"text": "党员活动室制度上墙",
                                                                         "category_code": "facilities"})
    item = visit.items.get(text="党员活动室制度上墙")
    assert item.category_code == "facilities"
    client.post(reverse("inspections:visit_check", args=[visit.pk]),
                {"item": item.pk, "result": "passed", "note": "",
                 "evidence": SimpleUploadedFile("wall.png", PNG, content_type="image/png")})
    item.refresh_from_db()
    assert item.result == "passed" and item.evidence
    download = client.get(reverse("inspections:visit_evidence", args=[visit.pk]), {"item": item.pk})
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    # Evidence that is not what it claims to be is refused.
    client.post(reverse("inspections:visit_check", args=[visit.pk]),
                {"item": item.pk, "result": "na", "note": "",
                 "evidence": SimpleUploadedFile("fake.png", b"not a png", content_type="image/png")})
    assert CheckItem.objects.get(pk=item.pk).result == "passed"


def test_secretary_sees_the_visit_of_their_branch_read_only(client, world_a, inspected):
    visit = inspected["visit"]
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("inspections:visit", args=[visit.pk]))
    assert response.status_code == 200 and response.context["can_inspect"] is False
    assert reverse("inspections:visit_check", args=[visit.pk]) not in response.content.decode()
    item = visit.items.filter(result="pending").first()
    assert client.post(reverse("inspections:visit_check", args=[visit.pk]),
                       {"item": item.pk, "result": "passed"}).status_code == 403
    assert CheckItem.objects.get(pk=item.pk).result == "pending"


# --- the ticket's life cycle through the pages ---

def test_secretary_answers_and_the_inspector_accepts_and_closes(client, world_a, inspected):
    ticket = inspected["ticket"]
    secretary, inspector = world_a.user(Role.SECRETARY), world_a.user(Role.INSPECTOR)
    url = reverse("inspections:ticket", args=[ticket.pk])

    login(client, secretary)
    ledger = client.get(reverse("inspections:ledger"))
    assert [t.pk for t in ledger.context["tickets"]] == [ticket.pk]
    page = client.get(url)
    assert action_buttons(page) == {"acknowledge"}
    html = page.content.decode()
    for hidden in ("accept", "close", "return", "reopen"):
        assert f'data-testid="transition-{hidden}"' not in html
    assert transition(client, ticket, "acknowledge").status_code == 302
    assert action_buttons(client.get(url)) == {"start"}
    transition(client, ticket, "start")
    refused = transition(client, ticket, "submit", completion=" ")
    assert status_of(ticket) == "rectifying"
    assert text("Describe what was done before submitting for acceptance.") in client.get(
        refused["Location"]).content.decode()
    transition(client, ticket, "submit", completion="已补齐签到表并由主持人签字")
    assert status_of(ticket) == "submitted"

    page = client.get(url)
    assert action_buttons(page) == set()
    for action in ("accept", "return"):
        response = transition(client, ticket, action, reason="想自己验收")
        assert response.status_code == 403
        assert text("Only the inspector can do this.") in response.content.decode()
        assert status_of(ticket) == "submitted"
    assert transition(client, ticket, "close").status_code == 302  # not possible in this state at all
    assert status_of(ticket) == "submitted"

    login(client, inspector)
    assert action_buttons(client.get(url)) == {"accept", "return"}
    transition(client, ticket, "accept")
    assert action_buttons(client.get(url)) == {"close", "reopen"}
    transition(client, ticket, "close")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at and ticket.accepted_at
    assert ticket.completion == "已补齐签到表并由主持人签字"
    assert list(TicketEvent.objects.filter(ticket=ticket).exclude(to_status="").values_list("action", flat=True)) == [
        "file", "acknowledge", "start", "submit", "accept", "close"]
    history = client.get(url).content.decode()
    assert text("Close") in history and text("Accept") in history
    closed_row = client.get(reverse("inspections:ledger"), {"status": "closed"}).context["tickets"]
    assert [t.pk for t in closed_row] == [ticket.pk]


def test_inspector_may_not_answer_for_the_branch(client, world_a, inspected):
    ticket = inspected["ticket"]
    login(client, world_a.user(Role.INSPECTOR))
    assert action_buttons(client.get(reverse("inspections:ticket", args=[ticket.pk]))) == set()
    response = transition(client, ticket, "acknowledge")
    assert response.status_code == 403
    assert text("Only the responsible organization can do this.") in response.content.decode()
    assert status_of(ticket) == "filed"


def test_return_needs_a_reason(client, world_a, inspected):
    ticket = inspected["ticket"]
    RectificationTicket.objects.filter(pk=ticket.pk).update(status="submitted", completion="已整改")
    login(client, world_a.user(Role.INSPECTOR))
    response = transition(client, ticket, "return", reason="  ", follow=True)
    assert status_of(ticket) == "submitted"
    assert text("Give the reason.") in response.content.decode()
    transition(client, ticket, "return", reason="签到表仍缺两次会议")
    assert status_of(ticket) == "rectifying"
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.action, event.note) == ("return", "签到表仍缺两次会议")
    assert "签到表仍缺两次会议" in client.get(reverse("inspections:ticket", args=[ticket.pk])).content.decode()


def test_stale_button_is_refused_with_a_message(client, world_a, inspected):
    ticket = inspected["ticket"]
    login(client, world_a.user(Role.SECRETARY))
    response = transition(client, ticket, "start", follow=True)
    assert status_of(ticket) == "filed"
    assert response.redirect_chain[-1][0] == reverse("inspections:ticket", args=[ticket.pk])
    assert list(response.context["messages"]), "the refusal says why"


def test_measures_comments_evidence_on_the_ticket(client, world_a, inspected):
    ticket = inspected["ticket"]
    secretary, inspector = world_a.user(Role.SECRETARY), world_a.user(Role.INSPECTOR)
    login(client, secretary)
    client.post(reverse("inspections:ticket_measure_add", args=[ticket.pk]),
                {"description": "补签会议签到表", "owner": "组织委员", "due_on": "2099-05-01"})
    measure = Measure.objects.get(ticket=ticket)
    assert (measure.owner, measure.due_on) == ("组织委员", date(2099, 5, 1))
    client.post(reverse("inspections:ticket_measure_status", args=[ticket.pk]),
                {"measure": measure.pk, "status": "done"})
    assert Measure.objects.get(pk=measure.pk).status == "done"
    client.post(reverse("inspections:ticket_comment", args=[ticket.pk]), {"text": "已安排专人整改"})
    client.post(reverse("inspections:ticket_attachment_add", args=[ticket.pk]),
                {"file": SimpleUploadedFile("sign-in.png", PNG, content_type="image/png")})
    attachment = ticket.attachments.get()
    html = client.get(reverse("inspections:ticket", args=[ticket.pk])).content.decode()
    assert "补签会议签到表" in html and "已安排专人整改" in html and "sign-in.png" in html
    download = client.get(reverse("inspections:ticket_attachment", args=[ticket.pk]), {"id": attachment.pk})
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG

    # Only the responsible organization sets a measure's status; the inspector's attempt changes nothing.
    login(client, inspector)
    response = client.post(reverse("inspections:ticket_measure_status", args=[ticket.pk]),
                           {"measure": measure.pk, "status": "pending"})
    assert response.status_code == 403 and Measure.objects.get(pk=measure.pk).status == "done"
    assert client.get(reverse("inspections:ticket", args=[ticket.pk])).context["can_set_measure_status"] is False


def test_supervision_is_the_inspectors_to_set(client, world_a, inspected):
    ticket = inspected["ticket"]
    url = reverse("inspections:ticket_supervision", args=[ticket.pk])
    login(client, world_a.user(Role.SECRETARY))
    assert client.post(url, {"registered": "on"}).status_code == 403
    assert RectificationTicket.objects.get(pk=ticket.pk).registered_supervision is False
    login(client, world_a.user(Role.INSPECTOR))
    client.post(url, {"registered": "on"})
    assert RectificationTicket.objects.get(pk=ticket.pk).registered_supervision is True
    ledger = client.get(reverse("inspections:ledger")).content.decode()
    assert 'data-testid="supervision-badge"' in ledger
    client.post(url, {})
    assert RectificationTicket.objects.get(pk=ticket.pk).registered_supervision is False


def test_an_added_inspector_may_accept_that_ticket_only(client, world_a, inspected):
    ticket, other = inspected["ticket"], file_ticket(world_a.branch)
    RectificationTicket.objects.filter(pk__in=[ticket.pk, other.pk]).update(status="submitted", completion="已整改")
    guest = UserFactory(tenant=world_a.tenant, username="guest_inspector", full_name="外请督导")
    login(client, guest)
    assert client.get(reverse("inspections:ticket", args=[ticket.pk])).status_code == 404
    login(client, world_a.user(Role.INSPECTOR))
    client.post(reverse("inspections:ticket_inspector_add", args=[ticket.pk]), {"user": guest.pk})
    login(client, guest)
    assert action_buttons(client.get(reverse("inspections:ticket", args=[ticket.pk]))) == {"accept", "return"}
    transition(client, ticket, "accept")
    assert status_of(ticket) == "accepted"
    assert client.get(reverse("inspections:ticket", args=[other.pk])).status_code == 404


def test_ticket_filed_directly_with_measures(client, world_a):
    login(client, world_a.user(Role.INSPECTOR))
    page = client.get(reverse("inspections:ticket_create"), {"organization": world_a.branch.pk})
    assert page.context["form"].initial["organization"] == world_a.branch.pk
    category = TicketCategory.objects.get(tenant=world_a.tenant, code="dues")
    data = {"organization": world_a.branch.pk, "problem": "党费未按月收缴", "category": category.pk,
            "severity": "medium", "source": "日常督查", "responsible_person": "王书记", "responsible_user": "",
            "deadline": "2099-03-31", "measures-TOTAL_FORMS": "3", "measures-INITIAL_FORMS": "0",
            "measures-0-description": "补缴欠缴党费", "measures-0-owner": "组织委员", "measures-0-due_on": "2099-01-31",
            "measures-1-description": "建立按月收缴台账", "measures-1-owner": "", "measures-1-due_on": "",
            "measures-2-description": "", "measures-2-owner": "", "measures-2-due_on": ""}
    response = client.post(reverse("inspections:ticket_create"), data)
    ticket = RectificationTicket.objects.get(problem="党费未按月收缴")
    assert response.status_code == 302 and response["Location"] == reverse("inspections:ticket", args=[ticket.pk])
    assert [m.description for m in ticket.measures.order_by("id")] == ["补缴欠缴党费", "建立按月收缴台账"]
    # The inspector cannot file to an organization outside their subtree; a past deadline is refused.
    response = client.post(reverse("inspections:ticket_create"),
                           data | {"organization": world_a.other_branch.pk, "problem": "越权"})
    assert response.status_code == 200 and response.context["form"].errors["organization"]
    response = client.post(reverse("inspections:ticket_create"), data | {"deadline": "2020-01-01", "problem": "过期"})
    assert text("The deadline is in the past.") in response.content.decode()
    assert RectificationTicket.objects.count() == 1


# --- out of scope is 404 everywhere ---

OBJECT_PAGES = [
    ("inspections:detail", "inspection", ["get"]),
    ("inspections:visit", "visit", ["get"]),
    ("inspections:visit_check", "visit", ["post"]),
    ("inspections:visit_add_item", "visit", ["post"]),
    ("inspections:visit_file_ticket", "visit", ["get", "post"]),
    ("inspections:visit_evidence", "visit", ["get"]),
    ("inspections:ticket", "ticket", ["get"]),
    ("inspections:ticket_notice", "ticket", ["get"]),
    ("inspections:ticket_transition", "ticket", ["post"]),
    ("inspections:ticket_measure_add", "ticket", ["post"]),
    ("inspections:ticket_measure_status", "ticket", ["post"]),
    ("inspections:ticket_comment", "ticket", ["post"]),
    ("inspections:ticket_attachment_add", "ticket", ["post"]),
    ("inspections:ticket_attachment", "ticket", ["get"]),
    ("inspections:ticket_inspector_add", "ticket", ["post"]),
    ("inspections:ticket_supervision", "ticket", ["post"]),
]


@pytest.mark.parametrize(("name", "target", "methods"), OBJECT_PAGES, ids=[p[0] for p in OBJECT_PAGES])
def test_out_of_scope_is_404(client, world_a, world_b, inspected, name, target, methods):
    obj = inspected[target]
    item = inspected["visit"].items.first()
    url = reverse(name, args=[obj.pk])
    payload = {"item": item.pk, "result": "passed", "action": "acknowledge", "text": "越权", "registered": "on",
               "deadline": "2099-01-01", "responsible_person": "x", "severity": "low"}
    intruders = [world_b.user(Role.INSPECTOR), world_b.user(Role.TENANT_ADMIN), world_a.user("outsider")]
    for user in intruders:
        login(client, user)
        for method in methods:
            response = getattr(client, method)(url, payload if method == "post" else {"item": item.pk})
            assert response.status_code == 404, (name, user.username, method)
    ticket = RectificationTicket.objects.get(pk=inspected["ticket"].pk)
    assert (ticket.status, ticket.registered_supervision, ticket.comments.count()) == ("filed", False, 0)


def test_lists_show_nothing_out_of_scope(client, world_a, world_b, inspected):
    for user in (world_b.user(Role.INSPECTOR), world_a.user("outsider")):
        login(client, user)
        for name in ("inspections:list", "inspections:ledger", "inspections:ledger_export"):
            response = client.get(reverse(name))
            assert response.status_code == 200
            body = response.content
            if "spreadsheetml" in response["Content-Type"]:
                wb = openpyxl.load_workbook(io.BytesIO(body))
                assert wb.active.max_row == 2, name  # title and headers only
            else:
                assert inspected["ticket"].number.encode() not in body
                assert inspected["inspection"].title.encode() not in body


# --- the ledger: filters and counts ---

@pytest.fixture
def ledger_world(world_a):
    """Tickets in several states; one overdue, one under registered supervision, one in another branch."""
    inspector, secretary = world_a.user(Role.INSPECTOR), world_a.user(Role.SECRETARY)
    admin = world_a.user(Role.TENANT_ADMIN)
    tickets = {name: file_ticket(world_a.branch, problem=f"问题-{name}") for name in
               ("filed", "acknowledged", "rectifying", "submitted", "closed", "overdue", "supervised")}
    from inspections import services

    def walk(ticket, *actions):
        for action in actions:
            actor = inspector if action in ("accept", "close") else secretary
            services.ticket_transition(actor=actor, ticket=ticket, action=action, completion="已整改")

    walk(tickets["acknowledged"], "acknowledge")
    walk(tickets["rectifying"], "acknowledge", "start")
    walk(tickets["submitted"], "acknowledge", "start", "submit")
    walk(tickets["closed"], "acknowledge", "start", "submit", "accept", "close")
    walk(tickets["overdue"], "acknowledge")
    RectificationTicket.objects.filter(pk=tickets["overdue"].pk).update(deadline=date(2020, 6, 30))
    services.ticket_set_supervision(actor=inspector, ticket=tickets["supervised"], registered=True)
    services.ticket_set_supervision(actor=inspector, ticket=tickets["closed"], registered=True)  # finished
    tickets["elsewhere"] = file_ticket(world_a.other_branch, actor=admin, problem="问题-elsewhere",
                                       category="dues")
    # Filing dates are explicit: the ledger's period filter must not depend on the day the test runs.
    RectificationTicket.objects.filter(tenant=world_a.tenant).update(filed_at=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))
    RectificationTicket.objects.filter(pk=tickets["elsewhere"].pk).update(
        filed_at=datetime(2025, 1, 15, 10, tzinfo=SHANGHAI))
    return tickets


def ledger_ids(client, **params) -> set[int]:
    response = client.get(reverse("inspections:ledger"), params)
    assert response.status_code == 200
    return {t.pk for t in response.context["tickets"]}


def test_ledger_counts_by_status_and_links_that_filter(client, world_a, ledger_world):
    t = ledger_world
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("inspections:ledger"))
    counts = response.context["counts"]
    assert counts["total"] == 8
    assert counts["by_status"] == {"filed": 3, "acknowledged": 2, "rectifying": 1, "submitted": 1, "accepted": 0,
                                   "closed": 1}
    assert (counts["overdue"], counts["registered_supervision"]) == (1, 1)
    html = response.content.decode()
    links = {link["value"]: link["url"] for link in response.context["status_links"]}
    assert links["acknowledged"] == "?status=acknowledged" and 'href="?status=acknowledged"' in html
    assert ledger_ids(client, status="acknowledged") == {t["acknowledged"].pk, t["overdue"].pk}
    # The supervision count leaves finished tickets out, and so does the list its link opens.
    supervised = client.get(reverse("inspections:ledger") + response.context["supervision_url"])
    assert {x.pk for x in supervised.context["tickets"]} == {t["supervised"].pk}
    overdue = client.get(reverse("inspections:ledger") + response.context["overdue_url"])
    assert {x.pk for x in overdue.context["tickets"]} == {t["overdue"].pk}
    # With another filter the counts follow it, and the links carry it.
    narrowed = client.get(reverse("inspections:ledger"), {"within": world_a.branch.pk, "status": "filed"})
    assert narrowed.context["counts"]["total"] == 7
    assert narrowed.context["counts"]["by_status"]["filed"] == 2
    links = {link["value"]: link["url"] for link in narrowed.context["status_links"]}
    assert links["closed"] == f"?within={world_a.branch.pk}&status=closed"
    assert {x.pk for x in narrowed.context["tickets"]} == {t["filed"].pk, t["supervised"].pk}


def test_ledger_filters(client, world_a, ledger_world):
    t = ledger_world
    login(client, world_a.user(Role.TENANT_ADMIN))
    assert ledger_ids(client, overdue="true") == {t["overdue"].pk}
    assert t["overdue"].pk not in ledger_ids(client, overdue="false")
    assert ledger_ids(client, registered_supervision="true") == {t["supervised"].pk, t["closed"].pk}
    assert ledger_ids(client, within=world_a.other_branch.pk) == {t["elsewhere"].pk}
    dues = TicketCategory.objects.get(tenant=world_a.tenant, code="dues")
    assert ledger_ids(client, category=dues.pk) == {t["elsewhere"].pk}
    assert ledger_ids(client, severity="medium") == {x.pk for x in t.values()}
    assert ledger_ids(client, severity="high") == set()
    assert ledger_ids(client, q="问题-sub") == {t["submitted"].pk}
    assert ledger_ids(client, filed_to="2025-12-31") == {t["elsewhere"].pk}
    assert t["elsewhere"].pk not in ledger_ids(client, filed_from="2026-01-01")
    assert ledger_ids(client, status=["submitted", "closed"]) == {t["submitted"].pk, t["closed"].pk}
    overdue_page = client.get(reverse("inspections:ledger"), {"overdue": "true"}).content.decode()
    assert 'data-testid="overdue-badge"' in overdue_page and "text-danger" in overdue_page


def test_secretary_ledger_is_their_branch(client, world_a, ledger_world):
    login(client, world_a.user(Role.SECRETARY))
    ids = ledger_ids(client)
    assert ledger_world["elsewhere"].pk not in ids and len(ids) == 7


def test_export_follows_the_filters(client, world_a, ledger_world):
    login(client, world_a.user(Role.TENANT_ADMIN))
    response = client.get(reverse("inspections:ledger_export"), {"status": "closed"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["问题-closed"]
    assert rows[0][7]  # 销号时间
    page = client.get(reverse("inspections:ledger"), {"status": "closed"}).content.decode()
    assert f'{reverse("inspections:ledger_export")}?status=closed' in page
