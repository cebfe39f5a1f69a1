"""Forms of the organizational-life pages. They validate and shape input; activities/services.py writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.choices import OrgKind
from members.models import Member

from . import selectors
from .choices import (
    MEETING_KINDS,
    ActivityKind,
    AttendanceStatus,
    Expected,
    Grade,
    Period,
    PlanStatus,
    ReviewDecision,
)
from .services import AttendanceEntry, PlanItemEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def textarea(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


# What a branch holds (三会一课, theme Party days, …): no group meetings, no committees' central-group study.
BRANCH_KINDS = [k.value for k in MEETING_KINDS if k not in (ActivityKind.GROUP_MEETING,
                                                             ActivityKind.CENTRAL_GROUP_STUDY)]


def meeting_kinds_for(organization) -> list[str]:
    """Kinds a meeting of this organization may carry: a group records group meetings, a branch the
    branch's kinds, a committee or general branch anything but group meetings."""
    if organization.kind == OrgKind.GROUP:
        return [ActivityKind.GROUP_MEETING.value]
    if organization.kind == OrgKind.BRANCH:
        return BRANCH_KINDS
    return [k.value for k in MEETING_KINDS if k != ActivityKind.GROUP_MEETING]


def kind_choices(kinds) -> list[tuple[str, str]]:
    return [(k, ActivityKind(k).label) for k in kinds]


def attendee_pool(*, organization, user):
    """Who may be listed, host or record a meeting (or talk) of the organization, as this user sees them.

    A branch or group draws on the branch's roster; a committee or general branch on its committee
    (a subtree of thousands is no checklist).
    """
    pool = selectors.eligible_attendees(organization=organization)
    if organization.kind not in (OrgKind.BRANCH, OrgKind.GROUP):
        pool = pool.filter(pk__in=selectors.current_committee(organization=organization).values("member_id"))
    return pool.filter(pk__in=Member.objects.visible_to(user).values("pk")).order_by("name", "id")


# --- attendance checklist ------------------------------------------------------------------------

@dataclass
class ChecklistRow:
    member: Member
    expected: bool
    included: bool
    status: str = AttendanceStatus.PRESENT
    leave_reason: str = ""


def posted_attendance(data) -> tuple[set[int] | None, dict[int, tuple[str, str]]]:
    """The ticked attendees (None when the form never carried the checklist) and each row's status and reason."""
    def ints(values):
        return {int(v) for v in values if str(v).isdigit()}

    included = ints(data.getlist("attendee")) if "attendance_listed" in data else None
    states = {}
    for key in data:
        if key.startswith("status-") and key[7:].isdigit():
            states[int(key[7:])] = (data.get(key, ""), data.get(f"reason-{key[7:]}", ""))
    return included, states


def attendance_checklist(*, organization, kinds, pool, included: set[int] | None = None,
                         states: dict[int, tuple[str, str]] | None = None) -> list[ChecklistRow]:
    """The expected attendees for ``kinds`` first (ticked unless ``included`` says otherwise), then the
    other members who may attend; statuses and reasons carried over from ``states``."""
    states = states or {}
    people = list(pool)
    ids = {m.pk for m in people}
    expected = [m.pk for m in selectors.expected_attendees(organization=organization, kinds=kinds) if m.pk in ids]
    expected_set = set(expected)
    ticked = expected_set if included is None else included & ids
    by_id = {m.pk: m for m in people}
    order = expected + [m.pk for m in people if m.pk not in expected_set]
    rows = []
    for pk in order:
        status, reason = states.get(pk, (AttendanceStatus.PRESENT, ""))
        if status not in AttendanceStatus.values:
            status = AttendanceStatus.PRESENT
        rows.append(ChecklistRow(by_id[pk], pk in expected_set, pk in ticked, status, reason))
    return rows


def checklist_context(rows: list[ChecklistRow]) -> dict:
    """The checklist split for the page: expected attendees, then the others (folded unless one is ticked)."""
    others = [r for r in rows if not r.expected]
    return {"expected": [r for r in rows if r.expected], "others": others,
            "others_open": any(r.included for r in others), "empty": not rows}


# --- meetings --------------------------------------------------------------------------------------

class MeetingForm(forms.Form):
    """A meeting record and its attendance; ``attendance_entries`` is what the service receives."""

    kinds = forms.MultipleChoiceField(label=_("activity kinds"), widget=forms.CheckboxSelectMultiple)
    starts_at = forms.DateTimeField(label=_("starts at"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("ends at"), widget=datetime_input(), required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    topic = forms.CharField(label=_("topic"), max_length=300)
    host = forms.ModelChoiceField(label=_("host"), queryset=Member.objects.none(), required=False)
    recorder = forms.ModelChoiceField(label=_("recorder"), queryset=Member.objects.none(), required=False)
    lecturer = forms.CharField(label=_("lecturer"), max_length=100, required=False,
                               help_text=_("For a Party lecture."))
    agenda = forms.CharField(label=_("agenda"), required=False, widget=textarea())
    minutes = forms.CharField(label=_("minutes"), required=False, widget=textarea(6))
    decisions = forms.CharField(label=_("decisions"), required=False, widget=textarea())
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organization, pool, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.pool = pool
        self.fields["kinds"].choices = kind_choices(meeting_kinds_for(organization))
        self.fields["host"].queryset = self.fields["recorder"].queryset = pool
        if creating:
            self.fields["submission_key"].initial = uuid.uuid4()
        else:
            del self.fields["submission_key"]
        self.attendance_entries: list[AttendanceEntry] = []

    def clean(self):
        data = super().clean()
        if self.data and "attendance_listed" not in self.data:
            raise forms.ValidationError(_("The attendance list is missing; reload the page."))
        included, states = posted_attendance(self.data)
        members = {m.pk: m for m in self.pool.filter(pk__in=included or [])}
        entries = []
        for pk in sorted(included or [], key=lambda i: (members[i].name, i) if i in members else ("", i)):
            member = members.get(pk)
            if member is None:
                raise forms.ValidationError(_("Someone on the attendance list cannot attend this meeting."))
            status, reason = states.get(pk, (AttendanceStatus.PRESENT, ""))
            if status not in AttendanceStatus.values:
                raise forms.ValidationError(_("Unknown attendance status."))
            if status == AttendanceStatus.LEAVE and not reason.strip():
                raise forms.ValidationError(_("Give the reason for %(name)s's leave.") % {"name": member.name})
            entries.append(AttendanceEntry(member, status, reason.strip()))
        self.attendance_entries = entries
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("submission_key", None)
        return data


class ConfirmForm(forms.Form):
    """Confirmation only."""


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("photo, scanned sign-in sheet or PDF"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("correction"), widget=textarea())


class MakeUpForm(forms.Form):
    attendance = forms.TypedChoiceField(label=_("member"), coerce=int)
    made_up_on = forms.DateField(label=_("made up on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("how it was made up"), max_length=300, required=False)

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].choices = [(a.pk, a.member.name) for a in attendances]


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), widget=forms.RadioSelect, choices=[
        (ReviewDecision.APPROVED.value, ReviewDecision.APPROVED.label),
        (ReviewDecision.RETURNED.value, _("Return")),
    ])
    reason = forms.CharField(label=_("reason (needed to return)"), required=False, widget=textarea(2))


# --- plans ---------------------------------------------------------------------------------------------

class PlanForm(forms.Form):
    summary = forms.CharField(label=_("summary"), required=False, widget=textarea(3))


class PlanItemForm(forms.Form):
    """One planned activity; a row left blank is ignored."""

    month = forms.TypedChoiceField(label=_("month"), coerce=int, required=False,
                                   choices=[("", "—"), *[(m, str(m)) for m in range(1, 13)]])
    kinds = forms.MultipleChoiceField(label=_("activity kinds"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      choices=kind_choices(BRANCH_KINDS))
    topic = forms.CharField(label=_("topic"), max_length=300, required=False)
    planned_on = forms.DateField(label=_("planned date"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if self.is_blank(data):
            return data
        if not data.get("month"):
            self.add_error("month", _("Choose the month."))
        if not data.get("kinds"):
            self.add_error("kinds", _("Choose the kinds of each planned activity."))
        if not (data.get("topic") or "").strip():
            self.add_error("topic", _("Give the topic."))
        return data

    @staticmethod
    def is_blank(data) -> bool:
        return not (data.get("month") or data.get("kinds") or (data.get("topic") or "").strip()
                    or data.get("planned_on"))


class BasePlanItemFormSet(forms.BaseFormSet):
    @property
    def entries(self) -> list[PlanItemEntry]:
        return [PlanItemEntry(f.cleaned_data["month"], f.cleaned_data["kinds"], f.cleaned_data["topic"].strip(),
                              f.cleaned_data.get("planned_on"))
                for f in self.forms
                if f.cleaned_data and not PlanItemForm.is_blank(f.cleaned_data)
                and not f.cleaned_data.get("DELETE")]


PlanItemFormSet = forms.formset_factory(PlanItemForm, formset=BasePlanItemFormSet, extra=2, can_delete=True,
                                        max_num=100)


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), widget=forms.RadioSelect, choices=[
        (PlanStatus.FILED.value, _("File (备案)")),
        (PlanStatus.RETURNED.value, _("Return")),
    ])
    reason = forms.CharField(label=_("reason (needed to return)"), required=False, widget=textarea(2))


# --- democratic review, talks, rules ----------------------------------------------------------------

class AppraisalForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    self_assessment = forms.CharField(label=_("self-assessment"), required=False, widget=textarea(4))
    peer_evaluation = forms.CharField(label=_("peer evaluation"), required=False, widget=textarea(4))
    grade = forms.ChoiceField(label=_("grade"), required=False, choices=[("", "—"), *Grade.choices])
    decided_on = forms.DateField(label=_("decided on"), required=False, widget=DATE_INPUT,
                                 help_text=_("The date of the branch's decision; needed with a grade."))
    followup_measures = forms.CharField(label=_("follow-up measures"), required=False, widget=textarea(3),
                                        help_text=_("Needed for an unqualified grade."))
    followup_deadline = forms.DateField(label=_("follow-up deadline"), required=False, widget=DATE_INPUT)
    followup_outcome = forms.CharField(label=_("follow-up outcome"), required=False, widget=textarea(2))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("year")
        return data


class TalkForm(forms.Form):
    initiator = forms.ModelChoiceField(label=_("initiator"), queryset=Member.objects.none())
    partner = forms.ModelChoiceField(label=_("talked with"), queryset=Member.objects.none())
    talked_on = forms.DateField(label=_("date"), widget=DATE_INPUT)
    topic = forms.CharField(label=_("topic"), max_length=300)
    notes = forms.CharField(label=_("notes"), required=False, widget=textarea(3))

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiator"].queryset = self.fields["partner"].queryset = pool


class RuleVersionForm(forms.Form):
    kind = forms.ChoiceField(label=_("activity"), choices=ActivityKind.choices)
    period = forms.ChoiceField(label=_("period"), choices=Period.choices)
    min_count = forms.IntegerField(label=_("at least"), min_value=1, max_value=100, initial=1)
    applies_to = forms.MultipleChoiceField(label=_("applies to kinds of organization"), choices=OrgKind.choices,
                                           widget=forms.CheckboxSelectMultiple)
    expected = forms.ChoiceField(label=_("who is expected"), choices=Expected.choices)
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    valid_from = forms.DateField(label=_("in force from"), widget=DATE_INPUT,
                                 help_text=_("The first day of a month, quarter or year."))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
