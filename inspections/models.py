from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import TenantModel

from .choices import InspectionKind, InspectionStatus, ItemResult, MeasureStatus, Severity, TicketStatus
from .transitions import FINISHED


class ChecklistTemplate(TenantModel):
    """A reusable checklist (for example "三会一课 records for the last quarter are complete")."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = None  # tenant-wide

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="checklist_name_unique")]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(TenantModel):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("check"), max_length=300)
    category_code = models.CharField(_("category"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    scope_path = None

    class Meta:
        ordering = ["position", "id"]


class Inspection(TenantModel):
    """An inspection plan: kind, team, dates, target organizations, the period under review."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("organizing unit"),
                                     on_delete=models.PROTECT, related_name="inspections_run")
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    team = models.ManyToManyField("accounts.User", verbose_name=_("team"), blank=True, related_name="inspections")
    team_note = models.CharField(_("team (names)"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    review_from = models.DateField(_("records reviewed from"))
    review_to = models.DateField(_("records reviewed until"))
    status = models.CharField(_("status"), max_length=20, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Visit(TenantModel):
    """One target organization of an inspection, with its checklist."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="visits")
    target = models.ForeignKey("branches.Organization", verbose_name=_("organization inspected"),
                               on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_path = "target__path"

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["inspection_id", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "target"], name="visit_once_per_target")]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.target}"


def evidence_path(instance, filename: str) -> str:
    return f"inspections/{instance.tenant_id}/{uuid.uuid4().hex}/{filename}"


class CheckItem(TenantModel):
    """One line of a visit's checklist: passed / failed with a note and evidence."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("check"), max_length=300)
    category_code = models.CharField(_("category"), max_length=40, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    checked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    scope_path = "visit__target__path"

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "id"]


class TicketCategory(TenantModel):
    """A tenant-editable category of rectification (三会一课不规范, 记录不规范, 党费收缴 …)."""

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    scope_path = None

    class Meta:
        verbose_name = _("rectification category")
        verbose_name_plural = _("rectification categories")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="ticket_category_code_unique")]

    def __str__(self) -> str:
        return self.name


class RectificationTicket(TenantModel):
    """A rectification ticket (整改通知): from filing to acceptance and closing (销号)."""

    organization = models.ForeignKey("branches.Organization", verbose_name=_("responsible organization"),
                                     on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(_("number"), max_length=30)
    check_item = models.OneToOneField(CheckItem, verbose_name=_("finding"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="ticket")
    problem = models.TextField(_("problem"))
    category = models.ForeignKey(TicketCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="tickets")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    source = models.CharField(_("source"), max_length=200, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100)
    responsible_user = models.ForeignKey("accounts.User", verbose_name=_("responsible user"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.FILED)
    registered_supervision = models.BooleanField(_("registered supervision"), default=False)
    completion = models.TextField(_("completion"), blank=True)
    filed_by = models.ForeignKey("accounts.User", verbose_name=_("filed by"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    object_grants = True

    class Meta:
        verbose_name = _("rectification ticket")
        verbose_name_plural = _("rectification tickets")
        ordering = ["-filed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="ticket_number_unique")]
        indexes = [
            models.Index(fields=["tenant", "status", "deadline"], name="ticket_status_deadline"),
            models.Index(fields=["tenant", "organization"], name="ticket_org"),
        ]
        permissions = [("inspect_rectificationticket", _("Can act as inspector on a rectification ticket"))]

    def __str__(self) -> str:
        return f"{self.number} {self.problem[:30]}"

    def is_overdue(self, today) -> bool:
        return self.status not in FINISHED and self.deadline < today


class Measure(TenantModel):
    """One rectification measure with its owner, due date and status."""

    ticket = models.ForeignKey(RectificationTicket, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("measure"))
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.PENDING)

    scope_path = "ticket__organization__path"

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        # Undated measures last on every database (SQLite and PostgreSQL sort NULL differently).
        ordering = [models.F("due_on").asc(nulls_last=True), "id"]


class TicketAttachment(TenantModel):
    ticket = models.ForeignKey(RectificationTicket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "ticket__organization__path"

    class Meta:
        ordering = ["uploaded_at", "id"]


class TicketComment(TenantModel):
    ticket = models.ForeignKey(RectificationTicket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "ticket__organization__path"

    class Meta:
        ordering = ["created_at", "id"]


class TicketEvent(TenantModel):
    """The ticket's history: who did what, when, from which state to which, and why."""

    ticket = models.ForeignKey(RectificationTicket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "ticket__organization__path"

    class Meta:
        ordering = ["created_at", "id"]
