"""Organizational-life services: recording, attendance, finalization, corrections, reviews, plans, talks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from activities import selectors, services
from activities.choices import RequirementStatus as S
from activities.models import Attendance, Meeting
from activities.services import AttendanceEntry, FinalizedError, PlanItemEntry
from branches import services as org_services
from members.models import Member
from tests.factories import MemberFactory, record_meeting

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=9):
    return datetime(y, m, d, h, 0, tzinfo=SH)


def test_expected_attendees_default_to_branch_roster(world_a):
    meeting = record_meeting(world_a.branch, kinds=("general_meeting",))
    assert {a.member_id for a in meeting.attendances.all()} == {m.pk for m in world_a.members}
    assert all(a.status == "present" for a in meeting.attendances.all())


def test_committee_meeting_expects_the_committee(world_a):
    org_services.election_record(actor=None, organization=world_a.branch, held_on=date(2025, 1, 1),
                                 posts=[(world_a.members[0], "secretary"), (world_a.members[1], "organization")])
    meeting = record_meeting(world_a.branch, kinds=("committee_meeting",))
    assert {a.member_id for a in meeting.attendances.all()} == {world_a.members[0].pk, world_a.members[1].pk}


def test_group_meeting_expects_group_members(world_a):
    Member.objects.filter(pk=world_a.members[2].pk).update(group=world_a.group)
    meeting = record_meeting(world_a.group, kinds=("group_meeting",))
    assert [a.member_id for a in meeting.attendances.all()] == [world_a.members[2].pk]


def test_group_meeting_on_a_branch_is_refused(world_a):
    with pytest.raises(ValidationError) as err:
        record_meeting(world_a.branch, kinds=("group_meeting",))
    assert "kinds" in err.value.message_dict


def test_attendee_from_another_branch_is_refused(world_a):
    with pytest.raises(ValidationError):
        record_meeting(world_a.branch, attendance=[AttendanceEntry(world_a.other_members[0])])
    assert not Meeting.objects.exists()


def test_leave_needs_a_reason(world_a):
    with pytest.raises(ValidationError):
        record_meeting(world_a.branch, attendance=[AttendanceEntry(world_a.members[0], "leave", " ")])


def test_same_submission_twice_creates_one_meeting(world_a):
    key = "9b2f7c4e-1d3a-4e5b-8c6d-7e8f9a0b1c2d"
    first = services.meeting_record(actor=None, organization=world_a.branch, kinds=["theme_day"],
                                    starts_at=at(2026, 3, 5), topic="主题党日", submission_key=key)
    second = services.meeting_record(actor=None, organization=world_a.branch, kinds=["theme_day"],
                                     starts_at=at(2026, 3, 5), topic="主题党日", submission_key=key)
    assert first.pk == second.pk and Meeting.objects.count() == 1


@time_machine.travel(at(2026, 3, 20), tick=False)
def test_finalized_meeting_refuses_every_change(world_a):
    meeting = record_meeting(world_a.branch, finalize=True)
    with pytest.raises(FinalizedError):
        services.meeting_update(actor=None, meeting=meeting, topic="改")
    with pytest.raises(FinalizedError):
        services.meeting_delete(actor=None, meeting=meeting)
    with pytest.raises(FinalizedError):
        services.meeting_finalize(actor=None, meeting=meeting)
    with pytest.raises(FinalizedError):
        services.attachment_add(actor=None, meeting=meeting,
                                upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf"))
    meeting.refresh_from_db()
    assert meeting.topic == "学习党章"


@time_machine.travel(at(2026, 3, 9, 8), tick=False)
def test_future_meeting_cannot_be_finalized(world_a):
    meeting = record_meeting(world_a.branch, starts_at=at(2026, 3, 10))
    with pytest.raises(ValidationError) as err:
        services.meeting_finalize(actor=None, meeting=meeting)
    assert "starts_at" in err.value.message_dict
    meeting.refresh_from_db()
    assert meeting.finalized_at is None


@time_machine.travel(at(2026, 3, 20), tick=False)
def test_correction_is_appended_to_final_record(world_a):
    meeting = record_meeting(world_a.branch, finalize=True)
    correction = services.correction_add(actor=world_a.user("secretary"), meeting=meeting, text="出席人数更正为4人")
    assert correction.author == world_a.user("secretary") and meeting.corrections.count() == 1
    draft = record_meeting(world_a.branch, topic="草稿")
    with pytest.raises(ValidationError):
        services.correction_add(actor=None, meeting=draft, text="x")


@time_machine.travel(at(2026, 3, 20), tick=False)
def test_finalize_updates_members_last_org_life(world_a):
    absent = world_a.members[3]
    attendance = [AttendanceEntry(m) for m in world_a.members[:3]] + [AttendanceEntry(absent, "absent")]
    record_meeting(world_a.branch, attendance=attendance, starts_at=at(2026, 3, 10), finalize=True)
    record_meeting(world_a.branch, attendance=attendance[:1], starts_at=at(2026, 2, 10), finalize=True)
    values = dict(Member.objects.filter(pk__in=[m.pk for m in world_a.members]).values_list("pk", "last_org_life_on"))
    assert values[world_a.members[0].pk] == date(2026, 3, 10)
    assert values[absent.pk] is None


@time_machine.travel(at(2026, 4, 1), tick=False)
def test_make_up_counts_as_organizational_life(world_a):
    absent = world_a.members[3]
    meeting = record_meeting(world_a.branch, attendance=[AttendanceEntry(absent, "leave", "出差")],
                             starts_at=at(2026, 3, 10), finalize=True)
    attendance = Attendance.objects.get(meeting=meeting, member=absent)
    services.makeup_record(actor=None, attendance=attendance, made_up_on=date(2026, 3, 15), note="补学党章")
    absent.refresh_from_db()
    assert absent.last_org_life_on == date(2026, 3, 15)
    with pytest.raises(ValidationError):
        services.makeup_record(actor=None, attendance=attendance, made_up_on=date(2026, 3, 16))


@time_machine.travel(at(2026, 4, 1), tick=False)
def test_general_meeting_quorum_is_flagged(world_a):
    MemberFactory(organization=world_a.branch, status="probationary", full_member_on=None)
    # 4 full members (+1 probationary without a vote): 2 present is not more than half.
    attendance = [AttendanceEntry(m, "present" if i < 2 else "absent") for i, m in enumerate(world_a.members)]
    meeting = record_meeting(world_a.branch, kinds=("general_meeting",), attendance=attendance, finalize=True)
    assert selectors.meeting_quorum(meeting) == {"voting_members": 4, "voting_present": 2, "met": False}
    attendance = [AttendanceEntry(m, "present" if i < 3 else "absent") for i, m in enumerate(world_a.members)]
    meeting = record_meeting(world_a.branch, kinds=("general_meeting",), attendance=attendance, finalize=True)
    assert selectors.meeting_quorum(meeting)["met"] is True


@translation.override("en")  # the messages are matched in the source language
def test_attachment_checks_type_content_and_size(world_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024
    meeting = record_meeting(world_a.branch)
    ok = services.attachment_add(actor=None, meeting=meeting,
                                 upload=SimpleUploadedFile("签到表.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100))
    assert ok.content_type == "image/png" and ok.size == 108
    with pytest.raises(ValidationError, match="JPEG or PNG"):
        services.attachment_add(actor=None, meeting=meeting, upload=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(ValidationError, match="does not match"):
        services.attachment_add(actor=None, meeting=meeting, upload=SimpleUploadedFile("x.pdf", b"not a pdf"))
    with pytest.raises(ValidationError, match="limit is"):
        services.attachment_add(actor=None, meeting=meeting,
                                upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert meeting.attachments.count() == 1


@time_machine.travel(at(2026, 4, 1), tick=False)
def test_review_flow(world_a):
    meeting = record_meeting(world_a.branch)
    with pytest.raises(ValidationError):
        services.meeting_submit_for_review(actor=None, meeting=meeting)  # not finalized
    services.meeting_finalize(actor=None, meeting=meeting)
    services.meeting_submit_for_review(actor=None, meeting=meeting)
    with pytest.raises(ValidationError):
        services.meeting_review_decide(actor=None, meeting=meeting, decision="returned", reason="")
    services.meeting_review_decide(actor=None, meeting=meeting, decision="returned", reason="缺少签到表")
    assert services.review_state(meeting) == "returned"
    services.meeting_submit_for_review(actor=None, meeting=meeting)
    services.meeting_review_decide(actor=None, meeting=meeting, decision="approved")
    assert services.review_state(meeting) == "approved"
    with pytest.raises(ValidationError):
        services.meeting_submit_for_review(actor=None, meeting=meeting)


def test_plan_workflow(world_a):
    items = [PlanItemEntry(m, ["theme_day"], f"{m}月主题党日") for m in range(1, 13)]
    plan = services.plan_save(actor=None, organization=world_a.branch, year=2027, items=items)
    assert plan.items.count() == 12
    services.plan_submit(actor=None, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_save(actor=None, organization=world_a.branch, year=2027, items=items[:1])
    with pytest.raises(ValidationError):
        services.plan_decide(actor=None, plan=plan, decision="returned", reason="")
    plan = services.plan_decide(actor=None, plan=plan, decision="returned", reason="缺少党课安排")
    assert (plan.status, plan.return_reason) == ("returned", "缺少党课安排")
    services.plan_save(actor=None, organization=world_a.branch, year=2027,
                       items=[*items, PlanItemEntry(6, ["party_lecture"], "七一党课")])
    services.plan_submit(actor=None, plan=plan)
    plan = services.plan_decide(actor=None, plan=plan, decision="filed")
    assert plan.status == "filed" and plan.items.count() == 13


def test_plan_item_date_must_match_month(world_a):
    with pytest.raises(ValidationError):
        services.plan_save(actor=None, organization=world_a.branch, year=2027,
                           items=[PlanItemEntry(3, ["theme_day"], "x", date(2027, 4, 1))])


def test_appraisal_rules(world_a):
    with pytest.raises(ValidationError):
        services.appraisal_save(actor=None, member=world_a.members[0], year=2026, grade="unqualified",
                                decided_on=date(2026, 12, 1))
    for i, m in enumerate(world_a.members):
        services.appraisal_save(actor=None, member=m, year=2026, grade="excellent" if i < 2 else "qualified",
                                decided_on=date(2026, 12, 1))
    summary = selectors.appraisal_summary(organization=world_a.branch, year=2026)
    assert summary["graded"] == 4 and summary["excellent_exceeded"] is True


@time_machine.travel(at(2026, 6, 1), tick=False)
def test_talk_pair_kinds_follow_the_committee(world_a):
    org_services.election_record(actor=None, organization=world_a.branch, held_on=date(2025, 1, 1),
                                 posts=[(world_a.members[0], "secretary"), (world_a.members[1], "organization")])
    m = world_a.members
    kinds = [services.talk_record(actor=None, organization=world_a.branch, initiator=a, partner=b,
                                  talked_on=date(2026, 5, 1), topic="谈心").pair_kind
             for a, b in ((m[0], m[1]), (m[0], m[2]), (m[2], m[3]))]
    assert kinds == ["committee_committee", "committee_member", "member_member"]
    coverage = selectors.talk_coverage(organization=world_a.branch, year=2026)
    assert coverage["missing"] == []


@time_machine.travel(at(2026, 5, 15), tick=False)
def test_compliance_for_branch_and_its_groups(world_a):
    record_meeting(world_a.branch, kinds=("theme_day", "general_meeting", "party_lecture"),
                   starts_at=at(2026, 4, 28), finalize=True)
    record_meeting(world_a.branch, kinds=("theme_day",), starts_at=at(2026, 5, 8))  # a draft does not count
    statuses = selectors.compliance_for(organization=world_a.branch, start=date(2026, 4, 1), end=date(2026, 6, 30),
                                        today=date(2026, 5, 15))
    branch = {(s.kind, s.label): s.status for s in statuses[world_a.branch.pk]}
    assert branch[("theme_day", "2026-04")] == S.DONE
    assert branch[("theme_day", "2026-05")] == S.DUE
    assert branch[("general_meeting", "2026Q2")] == S.DONE
    group = {(s.kind, s.label): s.status for s in statuses[world_a.group.pk]}
    assert group[("group_meeting", "2026-04")] == S.OVERDUE


def test_rule_version_changes_later_periods_only(world_a):
    services.rule_version_set(actor=None, tenant=world_a.tenant, kind="general_meeting", period="quarter",
                              min_count=2, applies_to=["branch"], expected="all_members", valid_from=date(2026, 7, 1))
    rule_list = selectors.tenant_rules(tenant_id=world_a.tenant.pk)
    gm = [r for r in rule_list if r.kind == "general_meeting"]
    assert [(r.min_count, r.valid_from, r.valid_to) for r in gm] == [
        (1, date(1900, 1, 1), date(2026, 7, 1)), (2, date(2026, 7, 1), None)]
    with pytest.raises(ValidationError):
        services.rule_version_set(actor=None, tenant=world_a.tenant, kind="general_meeting", period="quarter",
                                  min_count=3, applies_to=["branch"], expected="all_members",
                                  valid_from=date(2026, 8, 1))  # not a quarter start


def test_rules_are_per_tenant(world_a, world_b):
    services.rule_version_set(actor=None, tenant=world_a.tenant, kind="party_lecture", period="month",
                              min_count=1, applies_to=["branch"], expected="all_members", valid_from=date(2027, 1, 1))
    lecture_b = [r for r in selectors.tenant_rules(tenant_id=world_b.tenant.pk) if r.kind == "party_lecture"]
    assert [(r.period, r.valid_from) for r in lecture_b] == [("quarter", None)]


@time_machine.travel(at(2026, 11, 22), tick=False)
def test_members_near_six_month_line(world_a):
    Member.objects.filter(pk=world_a.members[0].pk).update(last_org_life_on=date(2026, 5, 1))
    Member.objects.filter(pk=world_a.members[1].pk).update(last_org_life_on=date(2026, 10, 1))
    Member.objects.filter(pk__in=[m.pk for m in world_a.members[2:]]).update(last_org_life_on=date(2026, 8, 22))
    near = selectors.members_near_six_month_line(organization=world_a.branch, today=date(2026, 11, 22), months=3)
    assert [m.pk for m in near] == [world_a.members[0].pk, *sorted([world_a.members[2].pk, world_a.members[3].pk],
                                                                     key=lambda pk: Member.objects.get(pk=pk).name)]
    member = Member.objects.get(pk=world_a.members[0].pk)
    assert selectors.months_without_org_life(member, today=date(2026, 11, 22)) == 6


@time_machine.travel(at(2026, 11, 22), tick=False)
def test_window_inside_a_quarter_sees_the_quarters_earlier_meetings(world_a):
    """Asking about 22 Aug – 22 Nov judges Q3 on all of Q3, including a general meeting in July."""
    record_meeting(world_a.branch, kinds=("general_meeting", "theme_day"), starts_at=at(2026, 7, 3), finalize=True)
    record_meeting(world_a.branch, kinds=("theme_day",), starts_at=at(2026, 8, 3), finalize=True)
    statuses = selectors.compliance_for(organization=world_a.branch, start=date(2026, 8, 22), end=date(2026, 11, 22),
                                        today=date(2026, 11, 22))
    found = {(s.kind, s.label): s.status for s in statuses[world_a.branch.pk]}
    assert found[("general_meeting", "2026Q3")] == S.DONE
    assert found[("theme_day", "2026-08")] == S.DONE
    assert found[("theme_day", "2026-09")] == S.OVERDUE
