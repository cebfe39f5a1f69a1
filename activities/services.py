"""Writes for organizational life. Each is one transaction; a finalized record is never changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from core.uploads import validate_upload
from dashboards import stats
from members.choices import MemberStatus
from members.models import Member

from . import rules, selectors
from .choices import MEETING_KINDS, ActivityKind, AttendanceStatus, Grade, Period, PlanStatus, ReviewDecision
from .models import (
    ActivityRule,
    Appraisal,
    Attachment,
    Attendance,
    Correction,
    MakeUp,
    Meeting,
    MeetingReview,
    Plan,
    PlanItem,
    Talk,
)


class FinalizedError(ValidationError):
    """Raised for any attempt to change a finalized (定稿) record."""


def _refuse_if_final(meeting: Meeting) -> None:
    if meeting.finalized_at is not None:
        raise FinalizedError(_("This record is finalized and cannot be changed; append a correction instead."),
                             code="finalized")


# --- rules -------------------------------------------------------------------------------------

@transaction.atomic
def rule_version_set(*, actor, tenant, kind: str, period: str, min_count: int, applies_to: Sequence[str],
                     expected: str, required: bool = True, valid_from: date, note: str = "") -> ActivityRule:
    """Start a new version of the tenant's rule for ``kind`` on ``valid_from`` (a period boundary)."""
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown activity.")})
    if not set(applies_to) <= set(OrgKind.values) or not applies_to:
        raise ValidationError({"applies_to": _("Choose the kinds of organization the rule applies to.")})
    if min_count < 1:
        raise ValidationError({"min_count": _("At least one is required; untick 'required' instead.")})
    current = (ActivityRule.objects.select_for_update().filter(tenant=tenant, kind=kind)
               .order_by("-valid_from").first())
    previous_period = current.period if current else next(r.period for r in rules.NATIONAL_DEFAULTS if r.kind == kind)
    for p in (period, previous_period):
        if not rules.is_period_start(p, valid_from):
            raise ValidationError({"valid_from": _("A new rule starts on the first day of a %(period)s.")
                                   % {"period": Period(p).label}})
    if current and valid_from <= current.valid_from:
        raise ValidationError({"valid_from": _("A later version of this rule already exists.")})
    if current:
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    else:
        # Periods before the first tenant version keep being judged by the national default.
        default = next(r for r in rules.NATIONAL_DEFAULTS if r.kind == kind)
        ActivityRule.objects.create(tenant=tenant, kind=kind, period=default.period, min_count=default.min_count,
                                    applies_to=sorted(default.applies_to), expected=default.expected,
                                    required=default.required, valid_from=date(1900, 1, 1), valid_to=valid_from,
                                    note=_("National default"), created_by=actor)
    rule = ActivityRule.objects.create(tenant=tenant, kind=kind, period=period, min_count=min_count,
                                       applies_to=sorted(applies_to), expected=expected, required=required,
                                       valid_from=valid_from, note=note, created_by=actor)
    _refresh_tenant_slots(tenant.pk, valid_from.year)
    return rule


def _refresh_tenant_slots(tenant_id: int, from_year: int) -> None:
    """A rule change re-judges the periods it covers: refresh the tenant's requirement counters."""
    orgs = list(Organization.objects.filter(tenant_id=tenant_id))
    for year in range(from_year, timezone.localdate().year + 1):
        stats.touch(orgs, families={stats.ACTIVITY}, year=year)


# --- meetings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttendanceEntry:
    member: Member
    status: str = AttendanceStatus.PRESENT
    leave_reason: str = ""


def _validate_meeting(*, organization: Organization, kinds: Sequence[str], starts_at: datetime,
                      ends_at: datetime | None) -> None:
    errors: dict[str, list[str]] = {}
    if organization.status != OrgStatus.ACTIVE:
        errors["organization"] = [_("The organization has been dissolved.")]
    if not kinds:
        errors["kinds"] = [_("Choose at least one kind of activity.")]
    elif not set(kinds) <= set(MEETING_KINDS):
        errors["kinds"] = [_("Unknown activity.")]
    elif organization.kind == OrgKind.GROUP and set(kinds) - {ActivityKind.GROUP_MEETING, ActivityKind.PARTY_LECTURE,
                                                                ActivityKind.THEME_DAY}:
        errors["kinds"] = [_("A Party group records group meetings only.")]
    elif ActivityKind.GROUP_MEETING in kinds and organization.kind != OrgKind.GROUP:
        errors["kinds"] = [_("Group meetings are recorded on the Party group.")]
    if ends_at and ends_at < starts_at:
        errors["ends_at"] = [_("The meeting cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)


def _attendance_rows(meeting: Meeting, entries: Iterable[AttendanceEntry]) -> list[Attendance]:
    eligible = set(selectors.eligible_attendees(organization=meeting.organization).values_list("pk", flat=True))
    rows, seen = [], set()
    for entry in entries:
        member = entry.member
        if member.tenant_id != meeting.tenant_id or member.pk not in eligible:
            raise ValidationError({"attendance": _("%(name)s is not a member of this organization.")
                                   % {"name": member.name}})
        if member.pk in seen:
            raise ValidationError({"attendance": _("%(name)s is listed twice.") % {"name": member.name}})
        if entry.status not in AttendanceStatus.values:
            raise ValidationError({"attendance": _("Unknown attendance status.")})
        if entry.status == AttendanceStatus.LEAVE and not entry.leave_reason.strip():
            raise ValidationError({"attendance": _("Give the reason for %(name)s's leave.") % {"name": member.name}})
        seen.add(member.pk)
        rows.append(Attendance(tenant_id=meeting.tenant_id, meeting=meeting, member=member, status=entry.status,
                               leave_reason=entry.leave_reason.strip() if entry.status == AttendanceStatus.LEAVE
                               else "", has_vote=member.status == MemberStatus.FULL))
    return rows


def _check_people(organization: Organization, **people: Member | None) -> None:
    for field, member in people.items():
        if member is not None and member.tenant_id != organization.tenant_id:
            raise ValidationError({field: _("The member does not exist.")})


def meeting_record(*, actor, organization: Organization, kinds: Sequence[str], starts_at: datetime,
                   topic: str, ends_at: datetime | None = None, place: str = "", host: Member | None = None,
                   recorder: Member | None = None, lecturer: str = "", agenda: str = "", minutes: str = "",
                   decisions: str = "", attendance: Iterable[AttendanceEntry] | None = None,
                   submission_key: uuid.UUID | None = None) -> Meeting:
    """Record a meeting (draft). The same ``submission_key`` twice returns the first meeting.

    Without ``attendance`` the expected attendees are listed as present, ready to be corrected.
    """
    if submission_key is not None:
        existing = Meeting.objects.filter(tenant_id=organization.tenant_id, submission_key=submission_key).first()
        if existing is not None:
            return existing
    _validate_meeting(organization=organization, kinds=kinds, starts_at=starts_at, ends_at=ends_at)
    _check_people(organization, host=host, recorder=recorder)
    if attendance is None:
        attendance = [AttendanceEntry(m) for m in selectors.expected_attendees(organization=organization, kinds=kinds)]
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                tenant_id=organization.tenant_id, organization=organization, kinds=Meeting.pack_kinds(kinds),
                starts_at=starts_at, ends_at=ends_at, place=place, topic=topic, host=host, recorder=recorder,
                lecturer=lecturer, agenda=agenda, minutes=minutes, decisions=decisions, created_by=actor,
                submission_key=submission_key or uuid.uuid4(),
            )
            Attendance.objects.bulk_create(_attendance_rows(meeting, attendance))
    except IntegrityError:
        # Two identical submissions raced: the other one won, return it.
        existing = Meeting.objects.filter(tenant_id=organization.tenant_id, submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, attendance: Iterable[AttendanceEntry] | None = None,
                   **fields) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_final(meeting)
    allowed = {"kinds", "starts_at", "ends_at", "place", "topic", "host", "recorder", "lecturer", "agenda",
               "minutes", "decisions"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    kinds = fields.pop("kinds", meeting.kind_list)
    _validate_meeting(organization=meeting.organization, kinds=kinds, starts_at=fields.get("starts_at",
                      meeting.starts_at), ends_at=fields.get("ends_at", meeting.ends_at))
    _check_people(meeting.organization, host=fields.get("host"), recorder=fields.get("recorder"))
    meeting.kinds = Meeting.pack_kinds(kinds)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    if attendance is not None:
        rows = _attendance_rows(meeting, attendance)
        meeting.attendances.all().delete()
        Attendance.objects.bulk_create(rows)
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_final(meeting)
    for attachment in meeting.attachments.all():
        attachment.file.delete(save=False)
    meeting.delete()


@transaction.atomic
def meeting_finalize(*, actor, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """定稿: from now on the record is evidence. Future meetings cannot be finalized."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_final(meeting)
    if meeting.starts_at > now:
        raise ValidationError({"starts_at": _("A meeting that has not taken place cannot be finalized.")})
    if not meeting.topic.strip():
        raise ValidationError({"topic": _("A finalized record needs a topic.")})
    if not meeting.attendances.exists():
        raise ValidationError({"attendance": _("Record the attendance before finalizing.")})
    meeting.voting_members = Member.objects.filter(
        tenant_id=meeting.tenant_id, organization=selectors.branch_of(meeting.organization), is_active=True,
        status=MemberStatus.FULL).count()
    meeting.finalized_at, meeting.finalized_by = now, actor
    meeting.save(update_fields=["voting_members", "finalized_at", "finalized_by", "updated_at"])
    refresh_last_org_life(member_ids=meeting.attendances.values_list("member_id", flat=True),
                          tenant_id=meeting.tenant_id)
    stats.touch([meeting.organization], families={stats.ACTIVITY}, year=meeting.day.year)
    return meeting


def refresh_last_org_life(*, member_ids, tenant_id: int) -> None:
    """Recompute members' date of last organizational life from the evidence (finalized records, make-ups)."""
    ids = list(member_ids)
    latest = selectors.last_org_life(ids, tenant_id=tenant_id)
    touched = set()
    for member in Member.objects.filter(tenant_id=tenant_id, pk__in=ids).only("pk", "last_org_life_on",
                                                                               "organization_id"):
        value = latest.get(member.pk)
        if member.last_org_life_on != value:
            Member.objects.filter(pk=member.pk).update(last_org_life_on=value)
            touched.add(member.organization_id)
    stats.touch(Organization.objects.filter(pk__in=touched), families={stats.LIFE})


def attachment_add(*, actor, meeting: Meeting, upload) -> Attachment:
    """Attach a photo (JPEG, PNG) or a PDF; type is checked by content, size against the limit."""
    _refuse_if_final(meeting)
    content_type = validate_upload(upload)
    name = upload.name
    with transaction.atomic():
        return Attachment.objects.create(tenant_id=meeting.tenant_id, meeting=meeting, file=upload,
                                         original_name=name[:200], content_type=content_type, size=upload.size,
                                         uploaded_by=actor)


@transaction.atomic
def correction_add(*, actor, meeting: Meeting, text: str) -> Correction:
    if meeting.finalized_at is None:
        raise ValidationError(_("A draft is edited directly; corrections are for finalized records."))
    if not text.strip():
        raise ValidationError({"text": _("Write the correction.")})
    return Correction.objects.create(tenant_id=meeting.tenant_id, meeting=meeting, text=text.strip(), author=actor)


@transaction.atomic
def makeup_record(*, actor, attendance: Attendance, made_up_on: date, note: str = "") -> MakeUp:
    """补学: an absent or excused member made the meeting up later."""
    if attendance.status == AttendanceStatus.PRESENT:
        raise ValidationError(_("The member was present; there is nothing to make up."))
    if MakeUp.objects.filter(attendance=attendance).exists():
        raise ValidationError(_("The make-up is already recorded."))
    if made_up_on < attendance.meeting.day:
        raise ValidationError({"made_up_on": _("A make-up comes after the meeting.")})
    if made_up_on > timezone.localdate():
        raise ValidationError({"made_up_on": _("The date is in the future.")})
    makeup = MakeUp.objects.create(tenant_id=attendance.tenant_id, attendance=attendance, made_up_on=made_up_on,
                                   note=note, recorded_by=actor)
    refresh_last_org_life(member_ids=[attendance.member_id], tenant_id=attendance.tenant_id)
    return makeup


def review_state(meeting: Meeting) -> str | None:
    last = meeting.reviews.order_by("-created_at", "-id").first()
    return last.decision if last else None


@transaction.atomic
def meeting_submit_for_review(*, actor, meeting: Meeting) -> MeetingReview:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.finalized_at is None:
        raise ValidationError(_("Finalize the record before submitting it for review."))
    if review_state(meeting) in (ReviewDecision.SUBMITTED, ReviewDecision.APPROVED):
        raise ValidationError(_("The record is already submitted or approved."))
    return MeetingReview.objects.create(tenant_id=meeting.tenant_id, meeting=meeting,
                                        decision=ReviewDecision.SUBMITTED, actor=actor)


@transaction.atomic
def meeting_review_decide(*, actor, meeting: Meeting, decision: str, reason: str = "") -> MeetingReview:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if review_state(meeting) != ReviewDecision.SUBMITTED:
        raise ValidationError(_("Only a submitted record can be approved or returned."))
    if decision not in (ReviewDecision.APPROVED, ReviewDecision.RETURNED):
        raise ValidationError({"decision": _("Approve or return.")})
    if decision == ReviewDecision.RETURNED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning it.")})
    return MeetingReview.objects.create(tenant_id=meeting.tenant_id, meeting=meeting, decision=decision,
                                        reason=reason.strip(), actor=actor)


# --- annual plans ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanItemEntry:
    month: int
    kinds: Sequence[str]
    topic: str
    planned_on: date | None = None


def _plan_items(plan: Plan, items: Iterable[PlanItemEntry]) -> list[PlanItem]:
    rows = []
    for item in items:
        if not 1 <= item.month <= 12:
            raise ValidationError({"items": _("Month must be 1 to 12.")})
        if not item.kinds or not set(item.kinds) <= set(MEETING_KINDS):
            raise ValidationError({"items": _("Choose the kinds of each planned activity.")})
        if item.planned_on and (item.planned_on.year, item.planned_on.month) != (plan.year, item.month):
            raise ValidationError({"items": _("The planned date must fall in the planned month.")})
        rows.append(PlanItem(tenant_id=plan.tenant_id, plan=plan, month=item.month,
                             kinds=list(item.kinds), topic=item.topic, planned_on=item.planned_on))
    return rows


@transaction.atomic
def plan_save(*, actor, organization: Organization, year: int, summary: str = "",
              items: Iterable[PlanItemEntry] = ()) -> Plan:
    """Create or rewrite a draft (or returned) plan for the year."""
    if organization.kind != OrgKind.BRANCH:
        raise ValidationError({"organization": _("Annual plans are made by Party branches.")})
    plan, _created = Plan.objects.select_for_update().get_or_create(
        tenant_id=organization.tenant_id, organization=organization, year=year)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("A submitted or filed plan cannot be changed."))
    plan.summary = summary
    plan.save()
    rows = _plan_items(plan, items)
    plan.items.all().delete()
    PlanItem.objects.bulk_create(rows)
    return plan


@transaction.atomic
def plan_submit(*, actor, plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned plan can be submitted."))
    if not plan.items.exists():
        raise ValidationError(_("A plan needs at least one planned activity."))
    plan.status, plan.submitted_at, plan.return_reason = PlanStatus.SUBMITTED, timezone.now(), ""
    plan.save()
    return plan


@transaction.atomic
def plan_decide(*, actor, plan: Plan, decision: str, reason: str = "") -> Plan:
    """The upper organization files (备案) the plan or returns it with a reason."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted plan can be filed or returned."))
    if decision not in (PlanStatus.FILED, PlanStatus.RETURNED):
        raise ValidationError({"decision": _("File or return.")})
    if decision == PlanStatus.RETURNED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning it.")})
    plan.status, plan.decided_at, plan.decided_by = decision, timezone.now(), actor
    plan.return_reason = reason.strip() if decision == PlanStatus.RETURNED else ""
    plan.save()
    return plan


# --- democratic review and talks -----------------------------------------------------------------

@transaction.atomic
def appraisal_save(*, actor, member: Member, year: int, **fields) -> Appraisal:
    """Record or update one member's democratic review for a year; 不合格 needs follow-up measures."""
    allowed = {"self_assessment", "peer_evaluation", "grade", "decided_on", "followup_measures",
               "followup_deadline", "followup_outcome"}
    if set(fields) - allowed:
        raise ValidationError(_("Unknown fields."))
    grade = fields.get("grade", "")
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": _("Unknown grade.")})
    if grade == Grade.UNQUALIFIED and not (fields.get("followup_measures") or "").strip():
        raise ValidationError({"followup_measures": _("An unqualified grade needs follow-up measures.")})
    if grade and not fields.get("decided_on"):
        raise ValidationError({"decided_on": _("Give the date of the branch's decision.")})
    appraisal, _created = Appraisal.objects.select_for_update().get_or_create(
        tenant_id=member.tenant_id, member=member, year=year, defaults={"organization_id": member.organization_id})
    for name, value in fields.items():
        setattr(appraisal, name, value)
    appraisal.updated_by = actor
    appraisal.save()
    return appraisal


@transaction.atomic
def talk_record(*, actor, organization: Organization, initiator: Member, partner: Member, talked_on: date,
                topic: str, notes: str = "") -> Talk:
    if organization.kind != OrgKind.BRANCH:
        raise ValidationError({"organization": _("Talks are recorded on a Party branch.")})
    if initiator.pk == partner.pk:
        raise ValidationError({"partner": _("A talk takes two people.")})
    eligible = selectors.eligible_attendees(organization=organization)
    if eligible.filter(pk__in=[initiator.pk, partner.pk]).count() != 2:
        raise ValidationError({"partner": _("Both must be members of this branch or its committee.")})
    if talked_on > timezone.localdate():
        raise ValidationError({"talked_on": _("The date is in the future.")})
    committee = set(selectors.current_committee(organization=organization, on=talked_on)
                    .values_list("member_id", flat=True))
    kind = rules.pair_kind(a_on_committee=initiator.pk in committee, b_on_committee=partner.pk in committee)
    return Talk.objects.create(tenant_id=organization.tenant_id, organization=organization, initiator=initiator,
                               partner=partner, talked_on=talked_on, topic=topic, notes=notes, pair_kind=kind,
                               recorded_by=actor)
