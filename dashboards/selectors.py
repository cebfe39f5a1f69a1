"""The dashboard's figures for an organization's subtree and a period, read from the summary tables.

The number of queries is fixed: the organization and its visible children (1), their subtree
counters (1), and the open rectification tickets grouped by child (1) — whatever the subtree's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr

from activities import rules as activity_rules
from activities.choices import ActivityKind
from branches.choices import OrgKind
from branches.models import PATH_SEGMENT_WIDTH, Organization
from branches.rules import add_months
from core.scoping import Action
from inspections.models import RectificationTicket
from inspections.transitions import FINISHED

from .models import SubtreeCounter

# The activities a dashboard shows a compliance rate for (三会一课, theme Party day, 组织生活会, 民主评议).
DASHBOARD_KINDS = [ActivityKind.GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING,
                   ActivityKind.PARTY_LECTURE, ActivityKind.THEME_DAY, ActivityKind.ORG_LIFE_MEETING,
                   ActivityKind.DEMOCRATIC_REVIEW]

# The weak-and-lax (软弱涣散) score: 0 (sound) to 100, a weighted sum of shortfalls, each part shown.
WEAK_WEIGHTS = {"compliance": 40, "overdue": 20, "attendance": 15, "six_month": 10, "term": 10, "tickets": 5}
WEAK_THRESHOLD = 40


@dataclass
class Figures:
    """One organization's subtree for the period."""

    id: int
    name: str
    kind: str
    path: str
    slots: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overdue: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    meetings: int = 0
    att_expected: int = 0
    att_present: int = 0
    months_meetings: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    months_slots: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    months_done: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    members: int = 0
    near_3: int = 0
    near_5: int = 0
    branches: int = 0
    term_overdue: int = 0
    term_expiring: int = 0
    term_unknown: int = 0
    tickets_open: int = 0
    tickets_overdue: int = 0
    tickets_supervised: int = 0
    tickets_by_status: dict[str, int] = field(default_factory=dict)

    @property
    def compliance(self) -> float | None:
        total = sum(self.slots.values())
        return sum(self.done.values()) / total if total else None

    def compliance_of(self, kind: str) -> float | None:
        return self.done[kind] / self.slots[kind] if self.slots.get(kind) else None

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def attendance(self) -> float | None:
        return self.att_present / self.att_expected if self.att_expected else None

    @property
    def weak_parts(self) -> dict[str, float]:
        """Each part of the score, already weighted; their sum is the score."""
        slots = sum(self.slots.values())
        parts = {
            "compliance": (1 - (self.compliance if self.compliance is not None else 1)),
            "overdue": (self.overdue_total / slots) if slots else 0,
            "attendance": (1 - self.attendance) if self.attendance is not None else 0,
            "six_month": (self.near_3 / self.members) if self.members else 0,
            "term": (self.term_overdue / self.branches) if self.branches else 0,
            "tickets": min(1.0, self.tickets_overdue / 3),
        }
        return {k: round(WEAK_WEIGHTS[k] * v, 1) for k, v in parts.items()}

    @property
    def weak_score(self) -> float:
        return round(sum(self.weak_parts.values()), 1)

    @property
    def is_weak_candidate(self) -> bool:
        return self.weak_score >= WEAK_THRESHOLD


def _period_end(period: str, start_month: str) -> date:
    return activity_rules.period_bounds(period, date.fromisoformat(f"{start_month}-01"))[1]


def dashboard(*, user, organization: Organization, start: date, end: date,
              today: date) -> tuple[Figures, list[Figures]]:
    """Figures for the organization's whole subtree and for each visible child's subtree."""
    children = list(Organization.objects.visible_to(user, Action.VIEW)
                    .filter(parent=organization, status="active").order_by("kind", "code"))
    nodes = [organization, *children]
    figures = {o.pk: Figures(o.pk, o.name, o.kind, o.path) for o in nodes}
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    cut3, cut5 = f"{add_months(today, -3):%Y-%m}", f"{add_months(today, -5):%Y-%m}"
    expiring_by = add_months(today, 6).isoformat()
    rows = SubtreeCounter.objects.filter(organization_id__in=figures).filter(
        Q(bucket__gte=first, bucket__lte=last) & (Q(metric__startswith="slot:") | Q(metric__startswith="done:")
                                                  | Q(metric__in=["meetings", "att_expected", "att_present"]))
        | Q(metric__in=["life", "term"]) | Q(metric=f"orgs:{OrgKind.BRANCH}")
    ).values_list("organization_id", "metric", "bucket", "value")
    for org_id, metric, bucket, value in rows:
        f = figures[org_id]
        if metric.startswith(("slot:", "done:")):
            what, kind, period = metric.split(":")
            if what == "slot":
                f.slots[kind] += value
                f.months_slots[bucket] += value
                if _period_end(period, bucket) < today:
                    f.overdue[kind] += value
            else:
                f.done[kind] += value
                f.months_done[bucket] += value
                if _period_end(period, bucket) < today:
                    f.overdue[kind] -= value
        elif metric == "meetings":
            f.meetings += value
            f.months_meetings[bucket] += value
        elif metric == "att_expected":
            f.att_expected += value
        elif metric == "att_present":
            f.att_present += value
        elif metric == "life":
            f.members += value
            if bucket <= cut3:
                f.near_3 += value
            if bucket <= cut5:
                f.near_5 += value
        elif metric == "term":
            if bucket == "unknown":
                f.term_unknown += value
            elif bucket < today.isoformat():
                f.term_overdue += value
            elif bucket <= expiring_by:
                f.term_expiring += value
        elif metric.startswith("orgs:"):
            f.branches += value
    _tickets(organization, children, figures, today)
    return figures[organization.pk], [figures[c.pk] for c in children]


def _tickets(organization, children, figures, today) -> None:
    """Open rectification tickets of the subtree, grouped by the child they fall under (one query)."""
    width = len(organization.path) + PATH_SEGMENT_WIDTH + 1
    child_paths = {c.path: c.pk for c in children}
    rows = (RectificationTicket.objects.filter(tenant_id=organization.tenant_id,
                                               organization__path__startswith=organization.path)
            .annotate(prefix=Substr("organization__path", 1, width))
            .values("prefix", "status")
            .annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=today) & ~Q(status__in=FINISHED)),
                      supervised=Count("id", filter=Q(registered_supervision=True) & ~Q(status__in=FINISHED))))
    total = figures[organization.pk]
    for row in rows:
        targets = [total]
        if row["prefix"] in child_paths:
            targets.append(figures[child_paths[row["prefix"]]])
        for f in targets:
            f.tickets_by_status[row["status"]] = f.tickets_by_status.get(row["status"], 0) + row["n"]
            if row["status"] not in FINISHED:
                f.tickets_open += row["n"]
            f.tickets_overdue += row["late"]
            f.tickets_supervised += row["supervised"]
