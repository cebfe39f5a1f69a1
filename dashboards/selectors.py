"""The dashboard's figures for an organization's subtree and a period, read from the summary tables.

The number of queries is fixed: the organization and its visible children (1), their subtree
counters (1), and the open rectification tickets grouped by child (1) — whatever the subtree's size;
a branch's heat map of meetings per day adds one more (``meetings_per_day``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache, reduce
from operator import or_

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import rules as activity_rules
from activities.choices import ActivityKind, Period
from activities.models import Meeting
from branches.choices import OrgKind
from branches.models import PATH_SEGMENT_WIDTH, Organization
from branches.rules import add_months
from core.scoping import Action, subtree_prefixes
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
# What each part measures, for the pages and the exports.
WEAK_PART_LABELS = {
    "compliance": _("Requirements not done"),
    "overdue": _("Overdue requirements"),
    "attendance": _("Absence from meetings"),
    "six_month": _("Members 3+ months without organizational life"),
    "term": _("Terms overdue"),
    "tickets": _("Overdue rectification tickets (3 or more count fully)"),
}


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
    def slots_total(self) -> int:
        return sum(self.slots.values())

    @property
    def done_total(self) -> int:
        return sum(self.done.values())

    @property
    def due_total(self) -> int:
        """Slots neither done nor overdue: their period is still running."""
        return self.slots_total - self.done_total - self.overdue_total

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


def period_window(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the month, quarter or year containing ``day``."""
    return activity_rules.period_bounds(period, day)


def under_grants_q(user) -> Q:
    """Organizations inside a subtree one of the user's roles covers: a dashboard needs a role there
    (a plain member sees their own branch's page, not its figures)."""
    prefixes = subtree_prefixes(user, Action.VIEW)
    return reduce(or_, [Q(path__startswith=p) for p in prefixes]) if prefixes else Q(pk__in=[])


def dashboard_organizations(user):
    """Organizations whose dashboard the user may open."""
    return Organization.objects.visible_to(user, Action.VIEW).filter(under_grants_q(user))


def dashboard_home(user) -> Organization | None:
    """The user's topmost organization with a dashboard (the node of their widest grant)."""
    prefixes = subtree_prefixes(user, Action.VIEW)
    return dashboard_organizations(user).filter(path__in=prefixes).order_by("depth", "path").first()


@lru_cache(maxsize=4096)
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



def meetings_per_day(*, organization: Organization, start: date, end: date) -> dict[date, int]:
    """Finalized meetings per local day in the organization's subtree (a branch and its groups), one query."""
    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    rows = (Meeting.objects.filter(tenant_id=organization.tenant_id, organization__path__startswith=organization.path,
                                   finalized_at__isnull=False, starts_at__gte=lo, starts_at__lt=hi)
            .annotate(day=TruncDate("starts_at", tzinfo=tz)).values("day").annotate(n=Count("id"))
            .values_list("day", "n"))
    return dict(rows)


@dataclass
class Report:
    """Everything one dashboard shows (page, API and exports alike) for one organization and period."""

    organization: Organization
    period: str
    start: date
    end: date
    today: date
    totals: Figures
    children: list[Figures]  # worst first: highest weak-and-lax score, then lowest compliance
    heatmap: dict[date, int] | None  # branches and groups only

    @property
    def months(self) -> list[str]:
        """The months of the period up to the current one ("YYYY-MM")."""
        last = min(self.end, self.today) if self.start <= self.today else self.end
        out, cursor = [], self.start.replace(day=1)
        while cursor <= last:
            out.append(f"{cursor:%Y-%m}")
            cursor = add_months(cursor, 1)
        return out

    @property
    def trend(self) -> list[dict]:
        t = self.totals
        return [{"month": m, "meetings": t.months_meetings.get(m, 0), "slots": t.months_slots.get(m, 0),
                 "done": t.months_done.get(m, 0),
                 "rate": (t.months_done.get(m, 0) / t.months_slots[m]) if t.months_slots.get(m) else None}
                for m in self.months]

    @property
    def overdue_children(self) -> list[Figures]:
        """Children with overdue requirements, most overdue first."""
        late = [c for c in self.children if c.overdue_total]
        return sorted(late, key=lambda c: (-c.overdue_total, c.compliance if c.compliance is not None else 1, c.name))

    @property
    def candidates(self) -> list[Figures]:
        return [c for c in self.children if c.is_weak_candidate]

    @property
    def is_branch_level(self) -> bool:
        return self.organization.kind in (OrgKind.BRANCH, OrgKind.GROUP)


def _worst_first(f: Figures):
    return (-f.weak_score, f.compliance if f.compliance is not None else 1, f.name)


def dashboard_report(*, user, organization: Organization, period: str = Period.YEAR, day: date | None = None,
                     today: date | None = None) -> Report:
    """The dashboard of ``organization`` for the period containing ``day`` (this year by default)."""
    today = today or timezone.localdate()
    start, end = period_window(period, day or today)
    totals, children = dashboard(user=user, organization=organization, start=start, end=end, today=today)
    heatmap = None
    if organization.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        heatmap = meetings_per_day(organization=organization, start=start, end=end)
    return Report(organization=organization, period=period, start=start, end=end, today=today, totals=totals,
                  children=sorted(children, key=_worst_first), heatmap=heatmap)
