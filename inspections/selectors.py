"""Reads for inspections and the rectification ledger (整改台账)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from activities import selectors as activity_selectors
from activities.models import Meeting
from core.scoping import Action

from .choices import TicketStatus
from .models import RectificationTicket, TicketCategory, Visit
from .transitions import FINISHED


def overdue_q(today: date) -> Q:
    return Q(deadline__lt=today) & ~Q(status__in=FINISHED)


def ledger(*, user, today: date | None = None):
    """Tickets the user may see, with what the ledger shows, ordered like the paper ledger."""
    return (RectificationTicket.objects.visible_to(user, Action.VIEW)
            .select_related("organization", "category")
            .prefetch_related("measures")
            .order_by("filed_at", "id"))


def ledger_counts(queryset, *, today: date) -> dict:
    """Counts by status, plus overdue and registered supervision, for the head of the ledger."""
    by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "total": sum(by_status.values()),
        "by_status": {s.value: by_status.get(s.value, 0) for s in TicketStatus},
        "overdue": queryset.filter(overdue_q(today)).count(),
        "registered_supervision": queryset.filter(registered_supervision=True).exclude(status__in=FINISHED).count(),
    }


def categories(*, tenant_id: int):
    return TicketCategory.objects.filter(tenant_id=tenant_id, is_active=True).order_by("position", "id")


def visit_facts(*, visit: Visit, today: date | None = None) -> dict:
    """The target's own records for the period under review, so the inspector checks against facts."""
    inspection = visit.inspection
    start, end = inspection.review_from, inspection.review_to
    today = today or timezone.localdate()
    meetings = (Meeting.objects.filter(tenant_id=visit.tenant_id, organization__path__startswith=visit.target.path,
                                       starts_at__date__gte=start, starts_at__date__lte=end)
                .select_related("organization").order_by("starts_at"))
    statuses = activity_selectors.compliance_for(organization=visit.target, start=start, end=end, today=today)
    rows = [s for values in statuses.values() for s in values]
    attendance = {"expected": 0, "present": 0}
    for m in meetings.filter(finalized_at__isnull=False).annotate(
            n=Count("attendances"), p=Count("attendances", filter=Q(attendances__status="present"))):
        attendance["expected"] += m.n
        attendance["present"] += m.p
    return {
        "meetings": list(meetings[:200]),
        "finalized": meetings.filter(finalized_at__isnull=False).count(),
        "drafts": meetings.filter(finalized_at__isnull=True).count(),
        "requirements": rows,
        "overdue": [s for s in rows if s.status == "overdue"],
        "attendance_rate": (attendance["present"] / attendance["expected"]) if attendance["expected"] else None,
    }
