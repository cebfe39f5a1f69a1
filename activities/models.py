from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import TenantModel

from .choices import (
    ActivityKind,
    AttendanceStatus,
    Expected,
    Grade,
    PairKind,
    Period,
    PlanStatus,
    ReviewDecision,
)


class ActivityRule(TenantModel):
    """One version of a tenant's requirement for one activity kind (national defaults apply until set)."""

    kind = models.CharField(_("activity"), max_length=30, choices=ActivityKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("at least"), default=1)
    applies_to = models.JSONField(_("applies to kinds of organization"), default=list)
    expected = models.CharField(_("who is expected"), max_length=20, choices=Expected.choices)
    required = models.BooleanField(_("required"), default=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until (exclusive)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = None  # tenant-wide setting

    class Meta:
        verbose_name = _("activity rule")
        verbose_name_plural = _("activity rules")
        ordering = ["kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "valid_from"], name="rule_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}"


class Meeting(TenantModel):
    """A meeting record (会议记录); after finalization (定稿) it never changes: corrections are appended."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("organization"),
                                      on_delete=models.PROTECT, related_name="meetings")
    # ",general_meeting,theme_day," — one row holds every kind ("1+N"), filterable on SQLite and
    # PostgreSQL alike with kinds__contains=",kind,", and covered by the finalization guard.
    kinds = models.CharField(_("activity kinds"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    host = models.ForeignKey("members.Member", verbose_name=_("host"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    recorder = models.ForeignKey("members.Member", verbose_name=_("recorder"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    # Counted for the quorum at finalization: full members of the branch at that moment.
    voting_members = models.PositiveIntegerField(_("members with a vote"), null=True, blank=True)
    submission_key = models.UUIDField(_("submission key"), default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    finalized_by = models.ForeignKey("accounts.User", verbose_name=_("finalized by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "submission_key"], name="meeting_submission_once"),
        ]
        indexes = [
            models.Index(fields=["tenant", "organization", "starts_at"], name="meeting_org_time"),
            models.Index(fields=["tenant", "starts_at"], name="meeting_tenant_time"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        # A subquery, not a join: a join on attendance would repeat rows in OR-ed filters.
        return Q(pk__in=Attendance.objects.filter(member__user_id=user.pk).values("meeting_id"))

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None

    @property
    def kind_list(self) -> list[str]:
        return [k for k in self.kinds.split(",") if k]

    @staticmethod
    def pack_kinds(kinds) -> str:
        order = [k.value for k in ActivityKind]
        return "," + ",".join(sorted(set(kinds), key=order.index)) + ","

    def kind_labels(self) -> list[str]:
        labels = dict(ActivityKind.choices)
        return [str(labels.get(k, k)) for k in self.kind_list]

    @property
    def day(self):
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class Attendance(TenantModel):
    """One expected attendee of a meeting: present, on leave (with reason) or absent."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.PRESENT)
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    has_vote = models.BooleanField(_("has a vote"), default=True)

    scope_path = "meeting__organization__path"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["tenant", "member"], name="attendance_member")]

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        return Q(member__user_id=user.pk)


class MakeUp(TenantModel):
    """Attendance made up later (补学) by an absent or excused member; appended, never edited."""

    attendance = models.OneToOneField(Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE,
                                      related_name="make_up")
    made_up_on = models.DateField(_("made up on"))
    note = models.CharField(_("how it was made up"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_path = "attendance__meeting__organization__path"

    class Meta:
        verbose_name = _("make-up")
        verbose_name_plural = _("make-ups")


def attachment_path(instance, filename: str) -> str:
    return f"meetings/{instance.tenant_id}/{instance.meeting_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(TenantModel):
    """A photo, scanned sign-in sheet or PDF attached to a meeting record."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_path = "meeting__organization__path"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]


class Correction(TenantModel):
    """A correction appended to a finalized meeting record, attributed and dated."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="corrections")
    text = models.TextField(_("correction"))
    author = models.ForeignKey("accounts.User", verbose_name=_("author"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "meeting__organization__path"

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "id"]


class MeetingReview(TenantModel):
    """A step of the upper organization's review of a record: submitted, approved or returned."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    scope_path = "meeting__organization__path"

    class Meta:
        verbose_name = _("record review")
        verbose_name_plural = _("record reviews")
        ordering = ["created_at", "id"]


class Plan(TenantModel):
    """A branch's annual plan of 三会一课 and theme Party days, filed with the upper organization."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("organization"),
                                     on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "organization", "year"], name="plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class PlanItem(TenantModel):
    """One planned activity: month, kinds, topic."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    month = models.PositiveSmallIntegerField(_("month"))
    kinds = models.JSONField(_("activity kinds"), default=list)
    topic = models.CharField(_("topic"), max_length=300)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)

    scope_path = "plan__organization__path"

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["month", "planned_on", "id"]


class Appraisal(TenantModel):
    """Democratic review of one member for one year (民主评议党员)."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="appraisals")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("year"))
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    peer_evaluation = models.TextField(_("peer evaluation"), blank=True)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    followup_measures = models.TextField(_("follow-up measures"), blank=True)
    followup_deadline = models.DateField(_("follow-up deadline"), null=True, blank=True)
    followup_outcome = models.TextField(_("follow-up outcome"), blank=True)
    updated_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("democratic review")
        verbose_name_plural = _("democratic reviews")
        ordering = ["-year", "member__name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "member", "year"], name="appraisal_once_a_year")]

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        return Q(member__user_id=user.pk)


class Talk(TenantModel):
    """A heart-to-heart talk (谈心谈话) between two members."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="talks")
    initiator = models.ForeignKey("members.Member", verbose_name=_("initiator"), on_delete=models.PROTECT,
                                  related_name="+")
    partner = models.ForeignKey("members.Member", verbose_name=_("talked with"), on_delete=models.PROTECT,
                                related_name="+")
    talked_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    pair_kind = models.CharField(_("pair"), max_length=30, choices=PairKind.choices, editable=False)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["-talked_on", "-id"]
        indexes = [models.Index(fields=["tenant", "organization", "talked_on"], name="talk_org_date")]

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        return Q(initiator__user_id=user.pk) | Q(partner__user_id=user.pk)
