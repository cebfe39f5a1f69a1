"""What is due to be reminded for one tenant on one day: a pure read, nothing written.

Each ``Spec`` names a kind, a subject, a period and the people to tell. The period is part of the
reminder's identity, so the same fact on the same period is reminded once, however often the scan
runs; a new period (the next month of an overdue term, the next offset of a deadline) is new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from activities import rules as activity_rules
from activities import selectors as activity_selectors
from activities.choices import ActivityKind, RequirementStatus
from activities.models import Meeting, Plan
from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from branches.rules import add_months
from core.scoping import Role
from inspections.models import RectificationTicket
from inspections.transitions import FINISHED

from .choices import ReminderKind
from .models import ReminderSettings

TERM_OFFSETS_MONTHS = (6, 3, 1)
OVERDUE_LOOKBACK_DAYS = 92
# Kinds that go to the responsible secretary first and to the upper organization if still unresolved.
ESCALATABLE = frozenset({ReminderKind.MEETING_OVERDUE, ReminderKind.PLAN_NOT_SUBMITTED, ReminderKind.TERM_OVERDUE,
                         ReminderKind.NO_ORG_LIFE_3M, ReminderKind.TICKET_OVERDUE})


@dataclass
class Spec:
    kind: str
    subject_type: str
    subject_id: int
    period: str
    organization_id: int
    recipients: list[int]
    title: str
    body: str = ""
    link: str = ""
    escalation_of: tuple | None = field(default=None)

    @property
    def key(self) -> tuple:
        return (self.kind, self.subject_type, self.subject_id, self.period)


class Directory:
    """Who holds which role where in the tenant, loaded once per scan."""

    def __init__(self, tenant_id: int):
        from accounts.models import RoleGrant

        self.by_org: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for user_id, org_id, role in (RoleGrant.objects.filter(tenant_id=tenant_id, user__is_active=True)
                                      .values_list("user_id", "organization_id", "role")):
            self.by_org[org_id][role].append(user_id)

    def _holders(self, org_ids: list[int], roles: tuple[str, ...]) -> list[int]:
        for org_id in org_ids:
            found = sorted({u for role in roles for u in self.by_org.get(org_id, {}).get(role, [])})
            if found:
                return found
        return []

    def responsible(self, org: Organization) -> list[int]:
        """The organization's secretaries; failing those, whoever administers it or the nearest above."""
        chain = [org.pk, *reversed(org.ancestor_ids)]
        return (self._holders(chain, (Role.SECRETARY,))
                or self._holders(chain, (Role.TENANT_ADMIN, Role.REVIEWER)))

    def upper(self, org: Organization) -> list[int]:
        """Reviewers (or tenant administrators) of the nearest organization above that has any."""
        return self._holders(list(reversed(org.ancestor_ids)), (Role.REVIEWER, Role.TENANT_ADMIN))


def settings_for(tenant_id: int) -> ReminderSettings:
    found = ReminderSettings.objects.filter(tenant_id=tenant_id).first()
    return found or ReminderSettings(tenant_id=tenant_id)


def scan(*, tenant_id: int, today: date, config: ReminderSettings | None = None) -> list[Spec]:
    config = config or settings_for(tenant_id)
    directory = Directory(tenant_id)
    orgs = list(Organization.objects.filter(tenant_id=tenant_id, status=OrgStatus.ACTIVE).order_by("path"))
    specs: list[Spec] = []
    specs += theme_day_specs(orgs, directory, today, config)
    specs += requirement_specs(orgs, directory, today, config, tenant_id)
    specs += plan_specs(orgs, directory, today, config, tenant_id)
    specs += term_specs(orgs, directory, today)
    specs += org_life_specs(orgs, directory, today, tenant_id)
    specs += ticket_specs(directory, today, config, tenant_id)
    return [s for s in specs if s.recipients]


def theme_day_specs(orgs, directory, today, config) -> list[Spec]:
    """The alarm clock: N days before the branch's fixed theme Party day, unless it already took place."""
    out = []
    branches = [o for o in orgs if o.kind == OrgKind.BRANCH and o.theme_day]
    held = set(Meeting.objects.filter(organization__in=branches, finalized_at__isnull=False,
                                      kinds__contains=f",{ActivityKind.THEME_DAY},",
                                      starts_at__date__gte=today.replace(day=1))
               .values_list("organization_id", "starts_at__year", "starts_at__month"))
    for org in branches:
        day = today.replace(day=org.theme_day)
        if day < today:
            day = add_months(today.replace(day=1), 1).replace(day=org.theme_day)
        if (org.pk, day.year, day.month) in held or (day - today).days > config.theme_day_days_before:
            continue
        out.append(Spec(ReminderKind.THEME_DAY_COMING, "organization", org.pk, f"{day:%Y-%m}", org.pk,
                        directory.responsible(org),
                        _("Theme Party day on %(day)s: %(org)s") % {"day": f"{day:%m-%d}", "org": org.name},
                        link=f"/activities/org/{org.pk}/calendar/"))
    return out


def requirement_specs(orgs, directory, today, config, tenant_id) -> list[Spec]:
    """Required meetings due within the tenant's notice, and those left overdue by a period that just ended."""
    targets = [o for o in orgs if o.kind in (OrgKind.BRANCH, OrgKind.GROUP, OrgKind.COMMITTEE)]
    statuses = activity_selectors.compliance_for_subtree(
        organizations=targets, tenant_id=tenant_id, start=today - timedelta(days=OVERDUE_LOOKBACK_DAYS), end=today,
        today=today)
    by_id = {o.pk: o for o in targets}
    out = []
    for org_id, rows in statuses.items():
        org = by_id[org_id]
        for s in rows:
            label = str(ActivityKind(s.kind).label)
            if s.status == RequirementStatus.DUE and (s.end - today).days <= config.due_soon_days:
                out.append(Spec(ReminderKind.MEETING_DUE, "organization", org_id, f"{s.kind}:{s.label}", org_id,
                                directory.responsible(org),
                                _("%(activity)s due by %(end)s: %(org)s")
                                % {"activity": label, "end": f"{s.end:%m-%d}", "org": org.name},
                                link=f"/activities/org/{org_id}/compliance/"))
            elif s.status == RequirementStatus.OVERDUE:
                out.append(Spec(ReminderKind.MEETING_OVERDUE, "organization", org_id, f"{s.kind}:{s.label}", org_id,
                                directory.responsible(org),
                                _("%(activity)s overdue for %(period)s: %(org)s")
                                % {"activity": label, "period": s.label, "org": org.name},
                                link=f"/activities/org/{org_id}/compliance/"))
    return out


def plan_specs(orgs, directory, today, config, tenant_id) -> list[Spec]:
    deadline = date(today.year, config.plan_deadline_month, min(config.plan_deadline_day, 28)
                    if config.plan_deadline_month == 2 else config.plan_deadline_day)
    if today <= deadline:
        return []
    done = set(Plan.objects.filter(tenant_id=tenant_id, year=today.year, status__in=["submitted", "filed"])
               .values_list("organization_id", flat=True))
    return [Spec(ReminderKind.PLAN_NOT_SUBMITTED, "organization", o.pk, str(today.year), o.pk,
                 directory.responsible(o),
                 _("The %(year)d annual plan has not been submitted: %(org)s") % {"year": today.year, "org": o.name},
                 link=f"/activities/org/{o.pk}/plan/?year={today.year}")
            for o in orgs if o.kind == OrgKind.BRANCH and o.pk not in done]


def term_specs(orgs, directory, today) -> list[Spec]:
    """6, 3 and 1 months before the term ends, then monthly while overdue; monthly while unknown."""
    out = []
    for org in orgs:
        if org.kind == OrgKind.GROUP:
            continue
        people = sorted(set(directory.responsible(org)) | set(directory.upper(org)))
        link = f"/organizations/{org.pk}/"
        if org.term_end is None:
            out.append(Spec(ReminderKind.TERM_UNKNOWN, "organization", org.pk, f"{today:%Y-%m}", org.pk, people,
                            _("No term is recorded for %(org)s") % {"org": org.name}, link=link))
        elif org.term_end < today:
            out.append(Spec(ReminderKind.TERM_OVERDUE, "organization", org.pk, f"{today:%Y-%m}", org.pk, people,
                            _("The term of %(org)s ended on %(end)s; the election is overdue")
                            % {"org": org.name, "end": org.term_end}, link=link))
        else:
            reached = [m for m in TERM_OFFSETS_MONTHS if today >= add_months(org.term_end, -m)]
            if reached:
                months = min(reached)
                out.append(Spec(ReminderKind.TERM_EXPIRING, "organization", org.pk, f"{org.term_end}:{months}m",
                                org.pk, people,
                                _("The term of %(org)s ends on %(end)s (within %(n)d months)")
                                % {"org": org.name, "end": org.term_end, "n": months}, link=link))
    return out


def org_life_specs(orgs, directory, today, tenant_id) -> list[Spec]:
    """Members 3 months without organizational life (to the secretary), 5 months (to the upper organization)."""
    by_id = {o.pk: o for o in orgs}
    out = []
    cutoff = add_months(today, -3)
    for member in activity_selectors.members_without_org_life_since(cutoff, tenant_id=tenant_id).only(
            "pk", "name", "organization_id", "last_org_life_on", "joined_on", "created_at"):
        org = by_id.get(member.organization_id)
        if org is None:
            continue
        since = activity_selectors.org_life_since(member)
        months = activity_rules.months_between(since, today)
        link = f"/members/{member.pk}/"
        if months >= 3:
            out.append(Spec(ReminderKind.NO_ORG_LIFE_3M, "member", member.pk, f"since:{since}", org.pk,
                            directory.responsible(org),
                            _("%(name)s has had no organizational life for %(n)d months")
                            % {"name": member.name, "n": months}, link=link))
        if months >= 5:
            out.append(Spec(ReminderKind.NO_ORG_LIFE_5M, "member", member.pk, f"since:{since}", org.pk,
                            directory.upper(org),
                            _("%(name)s (%(org)s) has had no organizational life for %(n)d months")
                            % {"name": member.name, "org": org.name, "n": months}, link=link))
    return out


def ticket_specs(directory, today, config, tenant_id) -> list[Spec]:
    """Deadlines near (configured offsets, more of them under registered supervision) and overdue."""
    out = []
    normal = ReminderSettings.days_list(config.ticket_days_before)
    supervised = ReminderSettings.days_list(config.supervised_ticket_days_before)
    tickets = (RectificationTicket.objects.filter(tenant_id=tenant_id).exclude(status__in=FINISHED)
               .select_related("organization"))
    for t in tickets:
        people = [t.responsible_user_id] if t.responsible_user_id else directory.responsible(t.organization)
        days_left = (t.deadline - today).days
        link = f"/inspections/tickets/{t.pk}/"
        if days_left >= 0:
            reached = [d for d in (supervised if t.registered_supervision else normal) if days_left <= d]
            if reached:
                out.append(Spec(ReminderKind.TICKET_DEADLINE, "ticket", t.pk, f"{t.deadline}:{min(reached)}d",
                                t.organization_id, people,
                                _("Rectification %(number)s is due on %(deadline)s") % {
                                    "number": t.number, "deadline": t.deadline}, link=link))
        else:
            # Daily under registered supervision, weekly otherwise.
            iso = today.isocalendar()
            period = f"overdue:{today}" if t.registered_supervision else f"overdue:{iso.year}-W{iso.week:02d}"
            watchers = sorted(set(people) | ({t.filed_by_id} if t.filed_by_id else set()))
            out.append(Spec(ReminderKind.TICKET_OVERDUE, "ticket", t.pk, period, t.organization_id, watchers,
                            _("Rectification %(number)s is overdue since %(deadline)s") % {
                                "number": t.number, "deadline": t.deadline}, link=link))
    return out
