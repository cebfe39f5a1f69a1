"""The organization department's dashboard (组织部看板): pages and exports over ``selectors.dashboard_report``.

Every number on the page links to the list behind it; drilling goes committee → its children → branch →
members. Out of scope is 404 (``ScopedPageMixin``); a dashboard also needs a role on the subtree
(``selectors.under_grants_q``), so a plain member's own branch answers 404 here too.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import generic

from activities import rules as activity_rules
from activities.choices import Period
from branches.choices import OrgKind
from branches.models import Organization
from branches.selectors import organization_ancestors
from core.views import ScopedDetailView
from inspections.choices import TicketStatus
from inspections.transitions import FINISHED

from . import exports, selectors
from .selectors import DASHBOARD_KINDS, WEAK_PART_LABELS, WEAK_THRESHOLD, WEAK_WEIGHTS, Figures, Report

# Children shown in the ranking chart: the lowest compliance rates.
RANKING_SIZE = 20
# The ledger's status colours (static/css/app.css .status-*).
TICKET_COLORS = {TicketStatus.FILED: "#6c757d", TicketStatus.ACKNOWLEDGED: "#0dcaf0",
                 TicketStatus.RECTIFYING: "#ffc107", TicketStatus.SUBMITTED: "#0d6efd",
                 TicketStatus.ACCEPTED: "#198754", TicketStatus.CLOSED: "#212529"}
OPEN_STATUSES = [s.value for s in TicketStatus if s not in FINISHED]


def period_params(request, today: date) -> tuple[str, date]:
    """``?period=&date=`` for pages: anything unreadable falls back to this year (the API answers 400)."""
    period = request.GET.get("period")
    if period not in Period.values:
        period = Period.YEAR
    try:
        day = date.fromisoformat(request.GET.get("date") or "")
    except ValueError:
        day = today
    if not 2000 <= day.year <= 2100:
        day = today
    return period, day


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


class Links:
    """The list behind each number, for one organization and the report's period."""

    def __init__(self, report: Report):
        self.period = {"period": report.period, "date": report.start.isoformat()}
        self.start, self.end = report.start, report.end

    def dashboard(self, pk: int) -> str:
        return f"{reverse('dashboards:dashboard', args=[pk])}?{urlencode(self.period)}"

    def compliance(self, pk: int, kind: str) -> str:
        """Committees and general branches drill into their own dashboard, branches and groups into their
        compliance panel (what was required, what was held)."""
        if kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH):
            return self.dashboard(pk)
        return self.compliance_panel(pk)

    def compliance_panel(self, pk: int) -> str:
        """What was required and held, for the organization and (for a committee) its subtree, worst first."""
        return f"{reverse('activities:compliance', args=[pk])}?{urlencode(self.period)}"

    def meetings(self, pk: int) -> str:
        query = {"within": pk, "date_from": self.start.isoformat(), "date_to": self.end.isoformat(),
                 "finalized": "true"}
        return f"{reverse('activities:meetings')}?{urlencode(query)}"

    def members(self, pk: int, months: int | None = None) -> str:
        query = {"within": pk, **({"no_org_life_months": months} if months else {})}
        return f"{reverse('members:list')}?{urlencode(query)}"

    def organization(self, pk: int) -> str:
        return reverse("branches:detail", args=[pk])

    def tickets(self, pk: int, **extra) -> str:
        return f"{reverse('inspections:ledger')}?{urlencode({'within': pk, **extra}, doseq=True)}"

    def of(self, f: Figures) -> dict:
        return {
            "dashboard": self.dashboard(f.id), "compliance": self.compliance(f.id, f.kind),
            "compliance_panel": self.compliance_panel(f.id),
            "meetings": self.meetings(f.id), "members": self.members(f.id),
            "near_3": self.members(f.id, 3), "near_5": self.members(f.id, 5),
            "organization": self.organization(f.id),
            "tickets_open": self.tickets(f.id, status=OPEN_STATUSES),
            "tickets_overdue": self.tickets(f.id, overdue="true"),
            "tickets_supervised": self.tickets(f.id, registered_supervision="true", status=OPEN_STATUSES),
        }


def figure_row(f: Figures, links: Links) -> dict:
    return {
        "f": f, "links": links.of(f), "kind_label": OrgKind(f.kind).label if f.kind in OrgKind.values else f.kind,
        "compliance": percent(f.compliance), "attendance": percent(f.attendance),
        "parts": [{"key": k, "label": WEAK_PART_LABELS[k], "value": v, "weight": WEAK_WEIGHTS[k]}
                  for k, v in f.weak_parts.items()],
    }


def chart_data(report: Report, links: Links) -> dict:
    """What static/js/dashboard.js draws, with every label already translated."""
    t = report.totals
    trend = report.trend
    ranked = sorted((c for c in report.children if c.compliance is not None),
                    key=lambda c: (c.compliance, -c.overdue_total, c.name))[:RANKING_SIZE]
    data = {
        "labels": {
            "meetings": _("Finalized meetings"), "compliance": _("Compliance rate (%)"),
            "rate": _("Compliance rate"), "requirements": _("Requirements"), "tickets": _("Rectification tickets"),
            "day_meetings": _("meetings"), "none": _("Nothing to show for this period."),
        },
        "trend": {"months": [row["month"] for row in trend], "meetings": [row["meetings"] for row in trend],
                  "rate": [percent(row["rate"]) for row in trend]},
        # Worst at the top of a horizontal bar chart: ECharts draws the first category at the bottom.
        "ranking": {"names": [c.name for c in reversed(ranked)],
                    "rates": [percent(c.compliance) for c in reversed(ranked)],
                    "urls": [links.compliance(c.id, c.kind) for c in reversed(ranked)]},
        "requirements": [{"name": _("Done"), "value": t.done_total, "color": "#198754"},
                         {"name": _("Due"), "value": t.due_total, "color": "#ffc107"},
                         {"name": _("Overdue"), "value": t.overdue_total, "color": "#dc3545"}],
        "tickets": [{"name": str(s.label), "value": t.tickets_by_status.get(s.value, 0), "color": TICKET_COLORS[s]}
                    for s in TicketStatus],
        "heatmap": None,
    }
    if report.heatmap is not None:
        data["heatmap"] = {"range": [report.start.isoformat(), report.end.isoformat()],
                           "days": [[d.isoformat(), n] for d, n in sorted(report.heatmap.items())],
                           "max": max(report.heatmap.values(), default=0),
                           # The day's meetings: the list with date_from and date_to set to the day.
                           "url": f"{reverse('activities:meetings')}?"
                                  f"{urlencode({'within': report.organization.pk, 'finalized': 'true'})}"}
    return data


class DashboardIndexView(LoginRequiredMixin, generic.View):
    """``/dashboard/``: the dashboard of the user's topmost organization."""

    def get(self, request, *args, **kwargs):
        home = selectors.dashboard_home(request.user)
        if home is None:
            raise PermissionDenied
        return redirect("dashboards:dashboard", home.pk)


class DashboardMixin:
    """One organization (the URL's ``pk``) under one of the user's roles, and its report for the period."""

    model = Organization
    context_object_name = "organization"

    def get_queryset(self):
        return super().get_queryset().filter(selectors.under_grants_q(self.request.user))

    def report(self) -> Report:
        today = timezone.localdate()
        period, day = period_params(self.request, today)
        return selectors.dashboard_report(user=self.request.user, organization=self.object, period=period,
                                          day=day, today=today)


class DashboardView(DashboardMixin, ScopedDetailView):
    template_name = "dashboards/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.report()
        links = Links(report)
        t = report.totals
        rows = [figure_row(c, links) for c in report.children]
        ctx.update(
            report=report, totals=t, total=figure_row(t, links), rows=rows,
            candidates=[r for r in rows if r["f"].is_weak_candidate],
            overdue_rows=[figure_row(c, links) for c in report.overdue_children],
            kinds=[{"kind": k, "label": k.label, "done": t.done.get(k, 0), "slots": t.slots.get(k, 0),
                    "overdue": t.overdue.get(k, 0), "rate": percent(t.compliance_of(k))} for k in DASHBOARD_KINDS],
            ancestors=organization_ancestors(user=self.request.user, organization=self.object),
            periods=Period.choices, period=report.period,
            period_label=activity_rules.period_label(report.period, report.start),
            prev_date=report.start - timedelta(days=1), next_date=report.end + timedelta(days=1),
            export_query=urlencode(links.period),
            weak_weights=[{"label": WEAK_PART_LABELS[k], "weight": w} for k, w in WEAK_WEIGHTS.items()],
            weak_threshold=WEAK_THRESHOLD, charts=chart_data(report, links),
        )
        return ctx


class DashboardExportXlsxView(DashboardMixin, ScopedDetailView):
    """The dashboard's tables as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return exports.xlsx_response(self.report())


class DashboardExportPdfView(DashboardMixin, ScopedDetailView):
    """The dashboard as a printable A4 report with its charts."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return exports.pdf_response(self.report())
