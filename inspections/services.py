"""Writes for inspections and rectification tickets. Transitions follow ``transitions.TRANSITIONS`` only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import OrgStatus
from branches.models import Organization
from core.scoping import Action
from core.uploads import validate_upload

from . import transitions
from .choices import DEFAULT_CATEGORIES, DEFAULT_CHECKLIST, InspectionKind, ItemResult, MeasureStatus, Severity
from .models import (
    CheckItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    Measure,
    RectificationTicket,
    TicketAttachment,
    TicketCategory,
    TicketComment,
    TicketEvent,
    Visit,
)


def ensure_tenant_defaults(*, tenant_id: int) -> None:
    """Default categories and checklist template for a tenant that has none (idempotent)."""
    if not TicketCategory.objects.filter(tenant_id=tenant_id).exists():
        TicketCategory.objects.bulk_create([
            TicketCategory(tenant_id=tenant_id, code=code, name=name, position=i)
            for i, (code, name) in enumerate(DEFAULT_CATEGORIES)
        ], ignore_conflicts=True)
    if not ChecklistTemplate.objects.filter(tenant_id=tenant_id).exists():
        template, _created = ChecklistTemplate.objects.get_or_create(tenant_id=tenant_id,
                                                                     name="基层党组织规范化检查")
        ChecklistTemplateItem.objects.bulk_create([
            ChecklistTemplateItem(tenant_id=tenant_id, template=template, text=text, category_code=code,
                                  position=i)
            for i, (text, code) in enumerate(DEFAULT_CHECKLIST)
        ])


# --- inspections ---------------------------------------------------------------------------

@transaction.atomic
def inspection_create(*, actor, organization: Organization, kind: str, title: str, starts_on: date, ends_on: date,
                      review_from: date, review_to: date, targets: Sequence[Organization],
                      template: ChecklistTemplate | None = None, team: Sequence = (),
                      team_note: str = "") -> Inspection:
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": _("Unknown kind of inspection.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The inspection cannot end before it starts.")})
    if review_to < review_from:
        raise ValidationError({"review_to": _("The period under review ends before it starts.")})
    if not targets:
        raise ValidationError({"targets": _("Choose at least one organization to inspect.")})
    for target in targets:
        if target.tenant_id != organization.tenant_id or not target.path.startswith(organization.path):
            raise ValidationError({"targets": _("Targets must be within the organizing unit's subtree.")})
        if target.status != OrgStatus.ACTIVE:
            raise ValidationError({"targets": _("%(name)s has been dissolved.") % {"name": target.name}})
    if template is not None and template.tenant_id != organization.tenant_id:
        raise ValidationError({"template": _("The checklist does not exist.")})
    for member in team:
        if member.tenant_id != organization.tenant_id:
            raise ValidationError({"team": _("Team members must be users of this tenant.")})
    ensure_tenant_defaults(tenant_id=organization.tenant_id)
    inspection = Inspection.objects.create(
        tenant_id=organization.tenant_id, organization=organization, kind=kind, title=title, starts_on=starts_on,
        ends_on=ends_on, review_from=review_from, review_to=review_to, team_note=team_note, created_by=actor)
    inspection.team.set(team)
    template_items = list(template.items.all()) if template else []
    for target in targets:
        visit = Visit.objects.create(tenant_id=organization.tenant_id, inspection=inspection, target=target)
        CheckItem.objects.bulk_create([
            CheckItem(tenant_id=organization.tenant_id, visit=visit, text=item.text, category_code=item.category_code,
                      position=item.position)
            for item in template_items
        ])
    return inspection


@transaction.atomic
def inspection_set_status(*, actor, inspection: Inspection, status: str) -> Inspection:
    """Planned → in progress → completed (and back, if an inspection is reopened)."""
    from .choices import InspectionStatus

    if status not in InspectionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    inspection.status = status
    inspection.save(update_fields=["status"])
    return inspection


@transaction.atomic
def check_item_add(*, actor, visit: Visit, text: str, category_code: str = "") -> CheckItem:
    position = visit.items.count()
    return CheckItem.objects.create(tenant_id=visit.tenant_id, visit=visit, text=text, category_code=category_code,
                                    position=position)


@transaction.atomic
def check_item_record(*, actor, item: CheckItem, result: str, note: str = "", evidence=None) -> CheckItem:
    if result not in ItemResult.values:
        raise ValidationError({"result": _("Unknown result.")})
    if result == ItemResult.FAILED and not note.strip():
        raise ValidationError({"note": _("Say what was wrong.")})
    if hasattr(item, "ticket") and item.ticket is not None and result != ItemResult.FAILED:
        raise ValidationError({"result": _("A ticket was filed from this item; it stays failed.")})
    if evidence is not None:
        validate_upload(evidence)
    item.result, item.note = result, note.strip()
    if evidence is not None:
        item.evidence = evidence
    item.checked_by, item.checked_at = actor, timezone.now()
    item.save()
    visit = item.visit
    if visit.visited_on is None:
        visit.visited_on = timezone.localdate()
        visit.save(update_fields=["visited_on"])
    return item


# --- tickets -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureEntry:
    description: str
    owner: str = ""
    due_on: date | None = None


def _next_number(tenant_id: int, year: int) -> str:
    prefix = f"ZG{year}-"
    last = (RectificationTicket.objects.filter(tenant_id=tenant_id, number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _event(ticket, actor, action, from_status="", to_status="", note=""):
    TicketEvent.objects.create(tenant_id=ticket.tenant_id, ticket=ticket, actor=actor, action=action,
                               from_status=from_status, to_status=to_status, note=note)


def ticket_file(*, actor, organization: Organization, problem: str, category: TicketCategory, deadline: date,
                responsible_person: str, severity: str = Severity.MEDIUM, source: str = "",
                responsible_user=None, registered_supervision: bool = False,
                measures: Sequence[MeasureEntry] = (), check_item: CheckItem | None = None) -> RectificationTicket:
    """File a rectification ticket (整改通知) to the responsible organization."""
    errors = {}
    if not problem.strip():
        errors["problem"] = [_("Describe the problem.")]
    if category.tenant_id != organization.tenant_id or not category.is_active:
        errors["category"] = [_("The category does not exist.")]
    if severity not in Severity.values:
        errors["severity"] = [_("Unknown severity.")]
    if deadline < timezone.localdate():
        errors["deadline"] = [_("The deadline is in the past.")]
    if not responsible_person.strip():
        errors["responsible_person"] = [_("Name the responsible person.")]
    if responsible_user is not None and responsible_user.tenant_id != organization.tenant_id:
        errors["responsible_user"] = [_("The user does not exist.")]
    if organization.status != OrgStatus.ACTIVE:
        errors["organization"] = [_("The organization has been dissolved.")]
    if errors:
        raise ValidationError(errors)
    for attempt in range(5):
        try:
            with transaction.atomic():
                ticket = RectificationTicket.objects.create(
                    tenant_id=organization.tenant_id, organization=organization,
                    number=_next_number(organization.tenant_id, timezone.localdate().year), problem=problem.strip(),
                    category=category, severity=severity, source=source, responsible_person=responsible_person,
                    responsible_user=responsible_user, deadline=deadline,
                    registered_supervision=registered_supervision, filed_by=actor, check_item=check_item)
                Measure.objects.bulk_create([
                    Measure(tenant_id=ticket.tenant_id, ticket=ticket, description=m.description, owner=m.owner,
                            due_on=m.due_on) for m in measures])
                _event(ticket, actor, "file", "", ticket.status)
                return ticket
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def ticket_from_item(*, actor, item: CheckItem, deadline: date, responsible_person: str,
                     severity: str = Severity.MEDIUM, registered_supervision: bool = False,
                     responsible_user=None) -> RectificationTicket:
    """A failed checklist item becomes a finding and a ticket in one step."""
    if item.result != ItemResult.FAILED:
        raise ValidationError(_("Only a failed item becomes a finding."))
    if RectificationTicket.objects.filter(check_item=item).exists():
        raise ValidationError(_("A ticket was already filed for this item."))
    ensure_tenant_defaults(tenant_id=item.tenant_id)
    categories = TicketCategory.objects.filter(tenant_id=item.tenant_id, is_active=True)
    category = categories.filter(code=item.category_code).first() or categories.filter(code="other").first() \
        or categories.first()
    inspection = item.visit.inspection
    problem = f"{item.text}：{item.note}" if item.note else item.text
    return ticket_file(actor=actor, organization=item.visit.target, problem=problem, category=category,
                       deadline=deadline, responsible_person=responsible_person, severity=severity,
                       source=f"{inspection.get_kind_display()} · {inspection.title}",
                       responsible_user=responsible_user, registered_supervision=registered_supervision,
                       check_item=item)


def _may(actor, ticket: RectificationTicket, side: str) -> bool:
    action = Action.CHANGE if side == transitions.ANSWER else Action.INSPECT
    return RectificationTicket.objects.visible_to(actor, action).filter(pk=ticket.pk).exists()


@transaction.atomic
def ticket_transition(*, actor, ticket: RectificationTicket, action: str, reason: str = "",
                      completion: str | None = None) -> RectificationTicket:
    """Move a ticket along its life cycle; anything the table does not allow changes nothing."""
    ticket = RectificationTicket.objects.select_for_update().get(pk=ticket.pk)
    step = transitions.next_state(ticket.status, action)
    if step is None:
        raise ValidationError({"action": _("“%(action)s” is not possible while the ticket is %(status)s.")
                               % {"action": action, "status": ticket.get_status_display()}})
    new_status, side = step
    if not _may(actor, ticket, side):
        raise PermissionDenied(_("Only the responsible organization can do this.") if side == transitions.ANSWER
                               else _("Only the inspector can do this."))
    if action in transitions.NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if action == "submit":
        if completion is not None:
            ticket.completion = completion.strip()
        if not ticket.completion:
            raise ValidationError({"completion": _("Describe what was done before submitting for acceptance.")})
    old = ticket.status
    ticket.status = new_status
    now = timezone.now()
    if action == "accept":
        ticket.accepted_at = now
    elif action == "close":
        ticket.closed_at = now
    elif action == "reopen":
        ticket.accepted_at = ticket.closed_at = None
    ticket.save()
    _event(ticket, actor, action, old, new_status, reason.strip())
    return ticket


def _require(actor, ticket, *sides):
    """At least one of the sides; the responsible organization and the inspector share some steps."""
    if not any(_may(actor, ticket, side) for side in sides):
        raise PermissionDenied(_("You cannot change this ticket."))


@transaction.atomic
def measure_add(*, actor, ticket: RectificationTicket, description: str, owner: str = "",
                due_on: date | None = None) -> Measure:
    _require(actor, ticket, transitions.ANSWER, transitions.INSPECT)
    if ticket.status in transitions.FINISHED:
        raise ValidationError(_("The ticket is finished."))
    if not description.strip():
        raise ValidationError({"description": _("Describe the measure.")})
    measure = Measure.objects.create(tenant_id=ticket.tenant_id, ticket=ticket, description=description.strip(),
                                     owner=owner, due_on=due_on)
    _event(ticket, actor, "measure_add", note=description.strip())
    return measure


@transaction.atomic
def measure_set_status(*, actor, measure: Measure, status: str) -> Measure:
    _require(actor, measure.ticket, transitions.ANSWER)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    measure.status = status
    measure.save(update_fields=["status"])
    _event(measure.ticket, actor, "measure_status", note=f"{measure.description[:50]} → {measure.get_status_display()}")
    return measure


@transaction.atomic
def comment_add(*, actor, ticket: RectificationTicket, text: str) -> TicketComment:
    _require(actor, ticket, transitions.ANSWER, transitions.INSPECT)
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    comment = TicketComment.objects.create(tenant_id=ticket.tenant_id, ticket=ticket, author=actor, text=text.strip())
    _event(ticket, actor, "comment")
    return comment


def ticket_attachment_add(*, actor, ticket: RectificationTicket, upload) -> TicketAttachment:
    _require(actor, ticket, transitions.ANSWER, transitions.INSPECT)
    content_type = validate_upload(upload)
    name = upload.name
    with transaction.atomic():
        attachment = TicketAttachment.objects.create(tenant_id=ticket.tenant_id, ticket=ticket, file=upload,
                                                     original_name=name[:200], content_type=content_type,
                                                     size=upload.size, uploaded_by=actor)
        _event(ticket, actor, "attachment", note=name[:200])
    return attachment


@transaction.atomic
def ticket_add_inspector(*, actor, ticket: RectificationTicket, user) -> None:
    """Add an inspector to one ticket (a single-object grant through django-guardian)."""
    from guardian.shortcuts import assign_perm

    _require(actor, ticket, transitions.INSPECT)
    if user.tenant_id != ticket.tenant_id:
        raise ValidationError({"user": _("The user does not exist.")})
    for perm in ("view_rectificationticket", "inspect_rectificationticket"):
        assign_perm(f"inspections.{perm}", user, ticket)
    user.__dict__.pop("_scope_grants", None)
    _event(ticket, actor, "inspector_add", note=user.display_name)


@transaction.atomic
def ticket_set_supervision(*, actor, ticket: RectificationTicket, registered: bool) -> RectificationTicket:
    _require(actor, ticket, transitions.INSPECT)
    ticket.registered_supervision = registered
    ticket.save(update_fields=["registered_supervision", "updated_at"])
    _event(ticket, actor, "supervision_on" if registered else "supervision_off")
    return ticket
