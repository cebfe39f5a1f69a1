"""Organizational-life pages: wiring, permissions (read-only reviewer, 404 out of scope) and status codes.

The rules themselves are tested in test_services.py / test_rules.py; here each page is driven the way a
browser would (form posts, redirects, messages) and the database is checked afterwards.
"""

import re
import uuid
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from activities import services
from activities.models import ActivityRule, Appraisal, Attachment, Attendance, Correction, MakeUp, Meeting, Plan, Talk
from core.scoping import Role
from members.models import CommitteeMembership
from tests.factories import record_meeting

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 15, 12, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def text(msgid: str) -> str:
    """A message as the page shows it: translated to the site language, HTML-escaped."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


def login(client, user):
    client.force_login(user)
    return client


def attr(html: str, testid: str, name: str) -> str | None:
    """The attribute ``name`` of the element carrying ``data-testid=testid`` (None when absent)."""
    tag = re.search(rf'<[^<>]*data-testid="{re.escape(testid)}"[^<>]*>', html)
    value = re.search(rf'\s{name}="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def meeting_form_data(world, key=None, **extra) -> dict:
    """The meeting form as a browser posts it: two kinds, 2 present, 1 on leave, 1 absent."""
    m = world.members
    data = {
        "kinds": ["theme_day", "general_meeting"], "starts_at": "2026-05-10T09:00", "ends_at": "2026-05-10T11:00",
        "place": "党员活动室", "topic": "五月主题党日", "host": m[0].pk, "recorder": m[1].pk, "lecturer": "",
        "agenda": "一、学习党章", "minutes": "会议记录正文", "decisions": "",
        "submission_key": str(key or uuid.uuid4()),
        "attendance_listed": "1", "attendee": [p.pk for p in m],
        f"status-{m[0].pk}": "present", f"status-{m[1].pk}": "present",
        f"status-{m[2].pk}": "leave", f"reason-{m[2].pk}": "出差",
        f"status-{m[3].pk}": "absent",
    }
    data.update(extra)
    return data


def org_pages(world) -> dict[str, str]:
    pk = world.branch.pk
    return {
        "calendar": reverse("activities:calendar", args=[pk]),
        "compliance": reverse("activities:compliance", args=[pk]),
        "meeting_create": reverse("activities:meeting_create", args=[pk]),
        "plan": reverse("activities:plan", args=[pk]),
        "reviews": reverse("activities:reviews", args=[pk]),
        "talks": reverse("activities:talks", args=[pk]),
    }


# --- every page renders for the secretary -------------------------------------------------------------

def test_home_shows_the_branch_with_this_months_requirements(client, world_a, world_b):
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("activities:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.branch.name in html and world_b.branch.name not in html
    assert 'data-kind="theme_day" data-status="due"' in html  # nothing held yet in May
    assert 'data-kind="general_meeting" data-status="due"' in html  # Q2
    assert reverse("activities:meeting_create", args=[world_a.branch.pk]) in html
    assert reverse("activities:calendar", args=[world_a.branch.pk]) in html
    # The menu entry is there and marked as the current section.
    assert 'class="nav-link active" href="/activities/"' in html


def test_home_lets_a_reviewer_pick_an_organization_of_the_subtree(client, world_a, world_b):
    login(client, world_a.user(Role.REVIEWER))
    html = client.get(reverse("activities:home")).content.decode()
    assert world_a.root.name in html and 'name="q"' in html
    html = client.get(reverse("activities:home"), {"q": "第一党支部"}).content.decode()
    assert f'href="?org={world_a.branch.pk}"' in html and world_b.branch.name not in html
    html = client.get(reverse("activities:home"), {"org": world_a.branch.pk}).content.decode()
    assert f'data-testid="org-card-{world_a.branch.pk}"' in html and 'data-kind="theme_day"' in html
    assert client.get(reverse("activities:home"), {"org": world_b.branch.pk}).status_code == 404


def test_calendar_shows_meetings_on_their_day_and_the_months_requirements(client, world_a):
    final = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 8, 9, 0, tzinfo=TZ), topic="五月党课",
                           kinds=("party_lecture",), finalize=True)
    draft = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 20, 14, 30, tzinfo=TZ), topic="草稿会议")
    group = record_meeting(world_a.group, starts_at=datetime(2026, 5, 9, 9, 0, tzinfo=TZ), topic="小组会",
                           kinds=("group_meeting",))
    march = record_meeting(world_a.branch, topic="三月的会")
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:calendar", args=[world_a.branch.pk])
    html = client.get(url, {"month": "2026-05"}).content.decode()
    assert 'data-date="2026-05-08"' in html
    assert "meeting-final" in attr(html, f"cal-meeting-{final.pk}", "class")
    assert "meeting-draft" in attr(html, f"cal-meeting-{draft.pk}", "class")
    assert f"/activities/meetings/{group.pk}/" in html and f"/activities/meetings/{march.pk}/" not in html
    branch = world_a.branch.pk
    assert attr(html, f"req-{branch}-theme_day-2026-05", "data-status") == "due"
    assert attr(html, f"req-{branch}-party_lecture-2026Q2", "data-status") == "done"
    assert attr(html, f"req-{world_a.group.pk}-group_meeting-2026-05", "data-status") == "due"
    assert "?month=2026-04" in html and "?month=2026-06" in html
    # April is over: its theme day is overdue.
    html = client.get(url, {"month": "2026-04"}).content.decode()
    assert attr(html, f"req-{branch}-theme_day-2026-04", "data-status") == "overdue"


def test_meeting_list_filters_with_the_shared_filter_set(client, world_a, world_b):
    may = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 8, 9, 0, tzinfo=TZ), topic="五月会议")
    record_meeting(world_a.branch, topic="三月会议", kinds=("party_lecture",))
    record_meeting(world_b.branch, topic="别人的会议")
    login(client, world_a.user(Role.SECRETARY))
    response = client.get(reverse("activities:meetings"), {"within": world_a.branch.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "五月会议" in html and "三月会议" in html and "别人的会议" not in html
    assert reverse("activities:meeting_create", args=[world_a.branch.pk]) in html
    html = client.get(reverse("activities:meetings"), {"kind": "theme_day", "date_from": "2026-05-01"}).content.decode()
    assert f'data-testid="meeting-row-{may.pk}"' in html and "三月会议" not in html


def test_org_pages_render_for_the_secretary(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    for name, url in org_pages(world_a).items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert world_a.branch.name in html, name
    html = client.get(org_pages(world_a)["compliance"], {"period": "quarter", "date": "2026-05-15"}).content.decode()
    assert 'data-testid="period-label">2026Q2<' in html
    assert f'data-testid="req-{world_a.branch.pk}-theme_day-2026-04"' in html  # each month of the quarter


# --- logging a meeting -----------------------------------------------------------------------------------

def test_form_lists_the_expected_attendees_and_rerenders_them_when_kinds_change(client, world_a):
    chair = world_a.members[0]
    CommitteeMembership.objects.create(tenant=world_a.tenant, organization=world_a.branch, member=chair,
                                       post="secretary", started_on=date(2024, 1, 1))
    login(client, world_a.user(Role.SECRETARY))
    html = client.get(reverse("activities:meeting_create", args=[world_a.branch.pk])).content.decode()
    assert 'name="submission_key"' in html and 'name="attendance_listed"' in html
    for member in world_a.members:
        assert f'name="attendee" value="{member.pk}" id="attendee-{member.pk}" checked' in html
    assert 'value="group_meeting"' not in html  # a branch does not record group meetings
    # Ticking "committee meeting" (htmx): only the committee is expected; a status already set is kept.
    fragment = client.get(reverse("activities:meeting_attendance", args=[world_a.branch.pk]),
                          {"kinds": ["committee_meeting"], f"status-{chair.pk}": "leave",
                           f"reason-{chair.pk}": "开会"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="attendee" value="{chair.pk}" id="attendee-{chair.pk}" checked' in fragment
    assert f'id="status-{chair.pk}-leave" value="leave" autocomplete="off" checked' in fragment
    assert 'value="开会"' in fragment
    other = world_a.members[1]
    assert f'name="attendee" value="{other.pk}" id="attendee-{other.pk}">' in fragment  # listed, not ticked
    assert "<html" not in fragment


def test_group_form_offers_group_meetings_only(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    html = client.get(reverse("activities:meeting_create", args=[world_a.group.pk])).content.decode()
    assert 'value="group_meeting"' in html and 'value="theme_day"' not in html


def test_logging_a_meeting_creates_it_with_the_attendance_sent_once(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:meeting_create", args=[world_a.branch.pk])
    key = uuid.uuid4()
    response = client.post(url, meeting_form_data(world_a, key))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:meeting_detail",
                                                                              args=[meeting.pk])
    assert meeting.kind_list == ["general_meeting", "theme_day"] and meeting.submission_key == key
    assert (meeting.topic, meeting.place, meeting.host, meeting.recorder) == (
        "五月主题党日", "党员活动室", world_a.members[0], world_a.members[1])
    assert meeting.starts_at == datetime(2026, 5, 10, 9, 0, tzinfo=TZ) and not meeting.is_final
    rows = {a.member_id: (a.status, a.leave_reason) for a in Attendance.objects.filter(meeting=meeting)}
    m = world_a.members
    assert rows == {m[0].pk: ("present", ""), m[1].pk: ("present", ""), m[2].pk: ("leave", "出差"),
                    m[3].pk: ("absent", "")}
    # The same form submitted again (double tap, resend) lands on the same record.
    again = client.post(url, meeting_form_data(world_a, key))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Meeting.objects.count() == 1 and Attendance.objects.count() == 4
    detail = client.get(response["Location"]).content.decode()
    assert "五月主题党日" in detail and 'data-state="draft"' in detail
    assert 'data-testid="quorum" data-met="false"' in detail  # 2 of 4 present is not more than half
    assert f'data-testid="attendance-{m[2].pk}" data-status="leave"' in detail and "出差" in detail


def test_unticked_members_are_left_off_and_leave_needs_a_reason(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:meeting_create", args=[world_a.branch.pk])
    m = world_a.members
    data = meeting_form_data(world_a, **{f"reason-{m[2].pk}": "  "})
    response = client.post(url, data)
    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert escape(gettext("Give the reason for %(name)s's leave.") % {"name": m[2].name}) in response.content.decode()
    # The checklist re-renders with what was sent.
    assert f'id="status-{m[3].pk}-absent" value="absent" autocomplete="off" checked' in response.content.decode()
    data = meeting_form_data(world_a, attendee=[m[0].pk, m[1].pk])
    assert client.post(url, data).status_code == 302
    assert set(Attendance.objects.values_list("member_id", flat=True)) == {m[0].pk, m[1].pk}


def test_a_member_of_another_branch_cannot_be_listed(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    stranger = world_a.other_members[0]
    data = meeting_form_data(world_a, attendee=[world_a.members[0].pk, stranger.pk],
                             **{f"status-{stranger.pk}": "present"})
    response = client.post(reverse("activities:meeting_create", args=[world_a.branch.pk]), data)
    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert text("Someone on the attendance list cannot attend this meeting.") in response.content.decode()


def test_quorum_not_met_is_flagged_in_red(client, world_a):
    m = world_a.members
    meeting = services.meeting_record(
        actor=None, organization=world_a.branch, kinds=["general_meeting"],
        starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ), topic="党员大会",
        attendance=[services.AttendanceEntry(m[0]), services.AttendanceEntry(m[1], "absent"),
                    services.AttendanceEntry(m[2], "absent"), services.AttendanceEntry(m[3], "absent")])
    login(client, world_a.user(Role.SECRETARY))
    html = client.get(reverse("activities:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'text-danger fw-semibold" data-testid="quorum" data-met="false"' in html


# --- record page: edit, delete, finalize and after ---------------------------------------------------------

def test_draft_can_be_edited_and_deleted(client, world_a):
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ))
    login(client, world_a.user(Role.SECRETARY))
    edit = reverse("activities:meeting_edit", args=[meeting.pk])
    html = client.get(edit).content.decode()
    assert 'value="学习党章"' in html and 'value="2026-05-10T09:00"' in html
    assert 'name="submission_key"' not in html
    m = world_a.members
    data = meeting_form_data(world_a, topic="改过的题目", attendee=[m[0].pk, m[3].pk])
    data.pop("submission_key")
    response = client.post(edit, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "改过的题目" and meeting.attendances.count() == 2
    delete = reverse("activities:meeting_delete", args=[meeting.pk])
    assert client.get(delete).status_code == 200
    response = client.post(delete)
    assert response.status_code == 302 and not Meeting.objects.filter(pk=meeting.pk).exists()
    assert response["Location"] == f"{reverse('activities:meetings')}?organization={world_a.branch.pk}"


def test_finalize_through_the_page_then_edit_and_delete_refuse(client, world_a):
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ))
    secretary = world_a.user(Role.SECRETARY)
    login(client, secretary)
    detail = reverse("activities:meeting_detail", args=[meeting.pk])
    html = client.get(detail).content.decode()
    assert reverse("activities:meeting_finalize", args=[meeting.pk]) in html and "data-confirm=" in html
    response = client.post(reverse("activities:meeting_finalize", args=[meeting.pk]), follow=True)
    html = response.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_final and meeting.finalized_by == secretary
    assert 'data-state="final"' in html and "finalized-notice" in html and secretary.display_name in html
    assert reverse("activities:meeting_edit", args=[meeting.pk]) not in html
    assert reverse("activities:meeting_finalize", args=[meeting.pk]) not in html
    refused = text("This record is finalized and cannot be changed; append a correction instead.")
    for url in (reverse("activities:meeting_edit", args=[meeting.pk]),
                reverse("activities:meeting_delete", args=[meeting.pk])):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == detail and refused in response.content.decode()
    data = meeting_form_data(world_a, topic="偷偷改")
    data.pop("submission_key")
    response = client.post(reverse("activities:meeting_edit", args=[meeting.pk]), data, follow=True)
    assert refused in response.content.decode()
    response = client.post(reverse("activities:meeting_delete", args=[meeting.pk]), follow=True)
    assert refused in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "学习党章" and meeting.attendances.count() == 4
    # Finalizing twice says why instead of failing.
    response = client.post(reverse("activities:meeting_finalize", args=[meeting.pk]), follow=True)
    assert refused in response.content.decode()


def test_finalizing_a_future_meeting_shows_the_error(client, world_a):
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 6, 1, 9, 0, tzinfo=TZ))
    login(client, world_a.user(Role.SECRETARY))
    response = client.post(reverse("activities:meeting_finalize", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    assert text("A meeting that has not taken place cannot be finalized.") in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_final


def test_attachments_upload_errors_show_on_the_page(client, world_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ))
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:meeting_attach", args=[meeting.pk])
    response = client.post(url, {"file": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")})
    assert response.status_code == 200
    assert text("Only JPEG or PNG photos and PDF files can be attached.") in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("假的.pdf", b"not a pdf")})
    assert text("The file's content does not match its type.") in response.content.decode()
    assert not Attachment.objects.exists()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    response = client.post(url, {"file": SimpleUploadedFile("签到表.png", png)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    html = client.get(reverse("activities:meeting_detail", args=[meeting.pk])).content.decode()
    link = f"{reverse('activities:meeting_attachment', args=[meeting.pk])}?id={attachment.pk}"
    assert "签到表.png" in html and link in html
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == png
    assert client.get(f"{reverse('activities:meeting_attachment', args=[meeting.pk])}?id=999999").status_code == 404


def test_corrections_makeups_and_review_after_finalization(client, world_a):
    m = world_a.members
    meeting = services.meeting_record(
        actor=None, organization=world_a.branch, kinds=["theme_day"], starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ),
        topic="主题党日", attendance=[services.AttendanceEntry(m[0]), services.AttendanceEntry(m[1], "absent")])
    services.meeting_finalize(actor=None, meeting=meeting)
    secretary, reviewer = world_a.user(Role.SECRETARY), world_a.user(Role.REVIEWER)
    login(client, secretary)
    detail = reverse("activities:meeting_detail", args=[meeting.pk])
    # A correction: empty is refused on the page, a real one is appended and attributed.
    response = client.post(reverse("activities:meeting_correct", args=[meeting.pk]), {"text": ""})
    assert response.status_code == 200 and not Correction.objects.exists()
    response = client.post(reverse("activities:meeting_correct", args=[meeting.pk]), {"text": "更正：地点为三楼"})
    assert response.status_code == 302
    assert Correction.objects.get().author == secretary
    # A make-up for the absent member.
    absent = meeting.attendances.get(member=m[1])
    response = client.post(reverse("activities:meeting_makeup", args=[meeting.pk]),
                           {"attendance": absent.pk, "made_up_on": "2026-05-12", "note": "自学"})
    assert response.status_code == 302 and MakeUp.objects.get().attendance == absent
    response = client.post(reverse("activities:meeting_makeup", args=[meeting.pk]),
                           {"attendance": absent.pk, "made_up_on": "2026-05-13"})
    assert text("The make-up is already recorded.") in response.content.decode()
    html = client.get(detail).content.decode()
    assert "更正：地点为三楼" in html and "2026-05-12" in html
    # Submitted for review; the reviewer returns it with a reason, then approves the resubmission.
    client.post(reverse("activities:meeting_submit", args=[meeting.pk]))
    assert services.review_state(meeting) == "submitted"
    login(client, reviewer)
    html = client.get(detail).content.decode()
    assert reverse("activities:meeting_review", args=[meeting.pk]) in html
    response = client.post(reverse("activities:meeting_review", args=[meeting.pk]), {"decision": "returned"})
    assert text("Give the reason for returning it.") in response.content.decode()
    assert services.review_state(meeting) == "submitted"
    client.post(reverse("activities:meeting_review", args=[meeting.pk]), {"decision": "returned", "reason": "缺签到表"})
    assert services.review_state(meeting) == "returned"
    login(client, secretary)
    client.post(reverse("activities:meeting_submit", args=[meeting.pk]))
    login(client, reviewer)
    client.post(reverse("activities:meeting_review", args=[meeting.pk]), {"decision": "approved"})
    assert services.review_state(meeting) == "approved"
    html = client.get(detail).content.decode()
    assert "缺签到表" in html and 'data-testid="review-state" data-state="approved"' in html


# --- read-only reviewer and out of scope ---------------------------------------------------------------------

def test_reviewer_sees_the_branch_read_only(client, world_a):
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ))
    plan = services.plan_save(actor=None, organization=world_a.branch, year=2026,
                              items=[services.PlanItemEntry(5, ["theme_day"], "五月主题党日")])
    login(client, world_a.user(Role.REVIEWER))
    pages = org_pages(world_a)
    create = pages.pop("meeting_create")
    for name, url in pages.items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert create not in html, name
        assert 'data-testid="plan-form"' not in html and 'data-testid="talk-form"' not in html
        assert "review-edit-" not in html
    html = client.get(reverse("activities:meeting_detail", args=[meeting.pk])).content.decode()
    assert 'data-testid="meeting-edit"' not in html and 'data-testid="meeting-finalize"' not in html
    assert 'class="upload-form"' not in html
    member = world_a.members[1]
    writes = {
        create: meeting_form_data(world_a),
        reverse("activities:meeting_edit", args=[meeting.pk]): meeting_form_data(world_a),
        reverse("activities:meeting_delete", args=[meeting.pk]): {},
        reverse("activities:meeting_finalize", args=[meeting.pk]): {},
        reverse("activities:meeting_attach", args=[meeting.pk]): {},
        reverse("activities:meeting_correct", args=[meeting.pk]): {"text": "x"},
        reverse("activities:meeting_submit", args=[meeting.pk]): {},
        pages["plan"]: {"summary": "x"},
        reverse("activities:plan_submit", args=[plan.pk]): {},
        pages["talks"]: {"initiator": member.pk},
        reverse("activities:appraisal_edit", args=[member.pk]): {"year": 2026, "grade": "excellent"},
    }
    for url, data in writes.items():
        assert client.post(url, data).status_code == 403, url
    assert client.get(create).status_code == 403
    assert client.get(reverse("activities:meeting_edit", args=[meeting.pk])).status_code == 403
    meeting.refresh_from_db()
    assert not meeting.is_final and Meeting.objects.count() == 1
    assert Plan.objects.get().status == "draft" and not Talk.objects.exists() and not Appraisal.objects.exists()


@pytest.mark.parametrize("intruder", ["other tenant", "outside the subtree"])
def test_every_page_is_404_out_of_scope(client, world_a, world_b, intruder):
    meeting = record_meeting(world_a.branch, starts_at=datetime(2026, 5, 10, 9, 0, tzinfo=TZ))
    plan = services.plan_save(actor=None, organization=world_a.branch, year=2026,
                              items=[services.PlanItemEntry(5, ["theme_day"], "五月主题党日")])
    user = world_b.user(Role.TENANT_ADMIN) if intruder == "other tenant" else world_a.user("outsider")
    login(client, user)
    urls = [*org_pages(world_a).values(),
            reverse("activities:meeting_attendance", args=[world_a.branch.pk]),
            reverse("activities:appraisal_edit", args=[world_a.members[1].pk])]
    urls += [reverse(f"activities:{name}", args=[meeting.pk])
             for name in ("meeting_detail", "meeting_edit", "meeting_delete", "meeting_attachment")]
    for url in urls:
        assert client.get(url).status_code == 404, url
    pages = org_pages(world_a)
    posts = [pages["meeting_create"], pages["plan"], pages["talks"], reverse("activities:plan_submit", args=[plan.pk]),
             reverse("activities:plan_decide", args=[plan.pk])]
    posts += [reverse(f"activities:{name}", args=[meeting.pk])
              for name in ("meeting_edit", "meeting_delete", "meeting_finalize", "meeting_submit", "meeting_review",
                           "meeting_attach", "meeting_correct", "meeting_makeup")]
    for url in posts:
        assert client.post(url, {"decision": "filed", "text": "x"}).status_code == 404, url
    html = client.get(reverse("activities:meetings")).content.decode()
    assert meeting.topic not in html and world_a.branch.name not in html
    meeting.refresh_from_db()
    plan.refresh_from_db()
    assert not meeting.is_final and plan.status == "draft"


# --- plans ---------------------------------------------------------------------------------------------------

def test_plan_is_drafted_submitted_and_filed_or_returned(client, world_a):
    secretary, reviewer = world_a.user(Role.SECRETARY), world_a.user(Role.REVIEWER)
    login(client, secretary)
    url = reverse("activities:plan", args=[world_a.branch.pk])
    html = client.get(url, {"year": 2026}).content.decode()
    assert 'name="items-TOTAL_FORMS"' in html and 'data-formset-add="items"' in html
    data = {"year": "2026", "summary": "全年三会一课安排", "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
            "items-0-month": "3", "items-0-kinds": ["theme_day", "party_lecture"], "items-0-topic": "学习党章",
            "items-0-planned_on": "2026-03-10",
            "items-1-month": "6", "items-1-kinds": ["general_meeting"], "items-1-topic": "党员大会",
            "items-2-month": "", "items-2-topic": ""}
    bad = dict(data, **{"items-1-planned_on": "2026-07-01"})
    response = client.post(url, bad)
    assert response.status_code == 200 and not Plan.objects.exists()
    assert text("The planned date must fall in the planned month.") in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"{url}?year=2026"
    plan = Plan.objects.get()
    assert (plan.year, plan.summary, plan.status) == (2026, "全年三会一课安排", "draft")
    assert [(i.month, i.kinds, i.topic) for i in plan.items.all()] == [
        (3, ["theme_day", "party_lecture"], "学习党章"), (6, ["general_meeting"], "党员大会")]
    html = client.get(url, {"year": 2026}).content.decode()
    assert 'value="学习党章"' in html and reverse("activities:plan_submit", args=[plan.pk]) in html
    client.post(reverse("activities:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "submitted"
    html = client.get(url, {"year": 2026}).content.decode()
    assert 'data-testid="plan-form"' not in html and "学习党章" in html
    assert reverse("activities:plan_decide", args=[plan.pk]) not in html  # the secretary does not decide
    assert client.post(reverse("activities:plan_decide", args=[plan.pk]), {"decision": "filed"}).status_code == 403
    # The reviewer returns it with a reason; the secretary sees the reason and may edit again.
    login(client, reviewer)
    html = client.get(url, {"year": 2026}).content.decode()
    assert reverse("activities:plan_decide", args=[plan.pk]) in html
    response = client.post(reverse("activities:plan_decide", args=[plan.pk]), {"decision": "returned"}, follow=True)
    assert text("Give the reason for returning it.") in response.content.decode()
    client.post(reverse("activities:plan_decide", args=[plan.pk]), {"decision": "returned", "reason": "缺少党课安排"})
    plan.refresh_from_db()
    assert (plan.status, plan.return_reason) == ("returned", "缺少党课安排")
    login(client, secretary)
    html = client.get(url, {"year": 2026}).content.decode()
    assert "缺少党课安排" in html and 'data-testid="plan-form"' in html
    client.post(reverse("activities:plan_submit", args=[plan.pk]))
    login(client, reviewer)
    client.post(reverse("activities:plan_decide", args=[plan.pk]), {"decision": "filed"})
    plan.refresh_from_db()
    assert plan.status == "filed" and plan.decided_by == reviewer


# --- democratic review ---------------------------------------------------------------------------------------

def test_appraisals_are_saved_and_more_than_a_third_excellent_warns(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    m = world_a.members
    url = reverse("activities:appraisal_edit", args=[m[0].pk])
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200 and 'name="year" value="2025"' in response.content.decode()
    response = client.post(url, {"year": "2025", "grade": "unqualified", "decided_on": "2025-12-20"})
    assert response.status_code == 200 and not Appraisal.objects.exists()
    assert text("An unqualified grade needs follow-up measures.") in response.content.decode()
    response = client.post(url, {"year": "2025", "grade": "unqualified", "decided_on": "2025-12-20",
                                 "self_assessment": "自我评价", "followup_measures": "谈话提醒，限期改正",
                                 "followup_deadline": "2026-03-31"})
    reviews = reverse("activities:reviews", args=[world_a.branch.pk])
    assert response.status_code == 302 and response["Location"] == f"{reviews}?year=2025"
    appraisal = Appraisal.objects.get(member=m[0], year=2025)
    assert (appraisal.grade, appraisal.followup_measures) == ("unqualified", "谈话提醒，限期改正")
    html = client.get(reviews, {"year": 2025}).content.decode()
    assert f'data-testid="review-{m[0].pk}" data-grade="unqualified"' in html and "谈话提醒" in html
    assert 'data-testid="excellent-warning"' not in html
    for member in m[1:3]:
        client.post(reverse("activities:appraisal_edit", args=[member.pk]),
                    {"year": "2025", "grade": "excellent", "decided_on": "2025-12-20"})
    html = client.get(reviews, {"year": 2025}).content.decode()
    assert 'data-testid="excellent-warning"' in html  # 2 of 3 graded
    assert 'data-grade="excellent">' in html


# --- talks -----------------------------------------------------------------------------------------------------

def test_talk_is_recorded_and_coverage_shown(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:talks", args=[world_a.branch.pk])
    html = client.get(url, {"year": 2026}).content.decode()
    assert 'data-pair="member_member" data-covered="false"' in html
    m = world_a.members
    response = client.post(url, {"year": "2026", "initiator": m[0].pk, "partner": m[0].pk, "talked_on": "2026-05-02",
                                 "topic": "谈心"})
    assert response.status_code == 200 and text("A talk takes two people.") in response.content.decode()
    response = client.post(url, {"year": "2026", "initiator": m[0].pk, "partner": m[1].pk,
                                 "talked_on": "2026-05-02", "topic": "思想交流", "notes": "谈工作"})
    assert response.status_code == 302 and response["Location"] == f"{url}?year=2026"
    talk = Talk.objects.get()
    assert (talk.initiator, talk.partner, talk.pair_kind) == (m[0], m[1], "member_member")
    html = client.get(url, {"year": 2026}).content.decode()
    assert "思想交流" in html and 'data-pair="member_member" data-covered="true"' in html
    stranger = world_a.other_members[0]
    response = client.post(url, {"year": "2026", "initiator": m[0].pk, "partner": stranger.pk,
                                 "talked_on": "2026-05-02", "topic": "x"})
    assert response.status_code == 200 and Talk.objects.count() == 1


# --- compliance of a subtree ---------------------------------------------------------------------------------

def test_compliance_of_a_committee_lists_the_subtree_worst_first(client, world_a, world_b):
    record_meeting(world_a.branch, kinds=("theme_day",), starts_at=datetime(2026, 5, 8, 9, 0, tzinfo=TZ),
                   finalize=True)
    login(client, world_a.user(Role.REVIEWER))
    url = reverse("activities:compliance", args=[world_a.root.pk])
    html = client.get(url, {"period": "month", "date": "2026-05-01"}).content.decode()
    first, second = html.index(f'data-testid="subtree-{world_a.other_branch.pk}"'), \
        html.index(f'data-testid="subtree-{world_a.branch.pk}"')
    assert first < second  # the branch with nothing held comes first
    assert f'data-testid="subtree-{world_a.group.pk}"' in html
    assert world_b.branch.name not in html
    branch_page = reverse("activities:compliance", args=[world_a.branch.pk])
    assert f"{branch_page}?period=month&amp;date=2026-05-01" in html
    html = client.get(branch_page, {"period": "month", "date": "2026-05-01"}).content.decode()
    assert attr(html, f"req-{world_a.branch.pk}-theme_day-2026-05", "data-status") == "done"


# --- rule settings ---------------------------------------------------------------------------------------------

def test_rules_are_for_tenant_admins(client, world_a):
    login(client, world_a.user(Role.SECRETARY))
    url = reverse("activities:rules")
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "party_lecture"}).status_code == 403
    login(client, world_a.user(Role.REVIEWER))
    assert client.get(url).status_code == 403
    admin = world_a.user(Role.TENANT_ADMIN)
    login(client, admin)
    html = client.get(url).content.decode()
    assert 'data-testid="rule-party_lecture-current"' in html and "national-default" in html
    data = {"kind": "party_lecture", "period": "month", "min_count": "1", "applies_to": ["branch"],
            "expected": "all_members", "required": "on", "valid_from": "2026-05-02", "note": "本区要求每月党课"}
    response = client.post(url, data)
    assert response.status_code == 200 and not ActivityRule.objects.exists()
    assert text("A new rule starts on the first day of a %(period)s.") .split("%")[0] in response.content.decode()
    response = client.post(url, dict(data, valid_from="2026-07-01"))
    assert response.status_code == 302
    rule = ActivityRule.objects.get(kind="party_lecture", valid_from=date(2026, 7, 1))
    assert (rule.period, rule.created_by, rule.note) == ("month", admin, "本区要求每月党课")
    html = client.get(url).content.decode()
    assert "本区要求每月党课" in html and "2026-07-01" in html
