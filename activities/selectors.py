"""Reads for organizational life: rules in force, expected attendees, compliance, calendars."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from members.choices import MemberStatus
from members.models import CommitteeMembership, Member

from . import rules
from .choices import ActivityKind, Expected
from .models import ActivityRule, Appraisal, Attendance, MakeUp, Meeting, Talk


def tenant_rules(*, tenant_id: int) -> list[rules.Rule]:
    """Every rule version of the tenant, plus the national default for kinds it never set."""
    rows = ActivityRule.objects.filter(tenant_id=tenant_id).order_by("kind", "valid_from")
    return rules.rules_in_force([
        rules.Rule(r.kind, r.period, r.min_count, frozenset(r.applies_to), r.expected, r.required,
                   r.valid_from, r.valid_to)
        for r in rows
    ])


def rule_on(*, tenant_id: int, kind: str, day: date) -> rules.Rule | None:
    for rule in tenant_rules(tenant_id=tenant_id):
        if rule.kind == kind and rule.covers(day):
            return rule
    return None


def current_committee(*, organization: Organization, on: date | None = None):
    qs = CommitteeMembership.objects.filter(tenant_id=organization.tenant_id, organization=organization)
    if on is None:
        return qs.filter(ended_on__isnull=True)
    return qs.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def committee_sizes(org_ids: Iterable[int], *, tenant_id: int) -> dict[int, int]:
    rows = (CommitteeMembership.objects.filter(tenant_id=tenant_id, organization_id__in=list(org_ids),
                                               ended_on__isnull=True)
            .values("organization_id").annotate(n=Count("member_id", distinct=True)))
    return {r["organization_id"]: r["n"] for r in rows}


def branch_of(organization: Organization) -> Organization:
    """The branch whose roster a meeting draws on: the group's parent for a group."""
    return organization.parent if organization.kind == OrgKind.GROUP and organization.parent else organization


def expected_attendees(*, organization: Organization, kinds: Iterable[str]) -> list[Member]:
    """Who is expected, from the kinds: all members, the committee, or the group's members."""
    kinds = set(kinds)
    expectations = {r.expected for r in tenant_rules(tenant_id=organization.tenant_id) if r.kind in kinds}
    committee = Q(pk__in=current_committee(organization=organization).values("member_id"))
    roster = {
        OrgKind.BRANCH: Q(organization=organization),
        OrgKind.GROUP: Q(group=organization),
    }.get(organization.kind, committee)
    q = Q(pk__in=[])
    if Expected.ALL_MEMBERS in expectations:
        q |= Q(organization=branch_of(organization)) if organization.kind == OrgKind.GROUP else roster
    if Expected.GROUP_MEMBERS in expectations:
        q |= roster
    if Expected.COMMITTEE in expectations:
        q |= committee
    if not expectations:
        q = roster
    return list(Member.objects.filter(tenant_id=organization.tenant_id, is_active=True).filter(q)
                .order_by("name", "id"))


def eligible_attendees(*, organization: Organization):
    """Members who may appear on a meeting's attendance list (its roster, subtree and committee)."""
    branch = branch_of(organization)
    return Member.objects.filter(tenant_id=organization.tenant_id, is_active=True).filter(
        Q(organization__path__startswith=branch.path)
        | Q(pk__in=current_committee(organization=organization).values("member_id"))
    )


def gatherings(*, tenant_id: int, org_ids: Iterable[int], start: date, end: date) -> list[rules.Gathering]:
    """Finalized meetings and recorded talks of the organizations, as rule evidence."""
    tz = timezone.get_current_timezone()
    from datetime import datetime, time, timedelta

    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    ids = list(org_ids)
    out = [
        rules.Gathering(m["id"], m["organization_id"], timezone.localtime(m["starts_at"]).date(),
                        frozenset(k for k in m["kinds"].split(",") if k))
        for m in Meeting.objects.filter(tenant_id=tenant_id, organization_id__in=ids, finalized_at__isnull=False,
                                        starts_at__gte=lo, starts_at__lt=hi)
        .values("id", "organization_id", "starts_at", "kinds")
    ]
    out += [
        rules.Gathering(-t["id"], t["organization_id"], t["talked_on"], frozenset({ActivityKind.HEART_TALK}),
                        t["pair_kind"])
        for t in Talk.objects.filter(tenant_id=tenant_id, organization_id__in=ids, talked_on__gte=start,
                                     talked_on__lte=end).values("id", "organization_id", "talked_on", "pair_kind")
    ]
    return out


def compliance_for(*, organization: Organization, start: date, end: date, today: date) -> dict[int, list[rules.Status]]:
    """Statuses for the organization and, for a branch, each of its groups; keyed by organization id."""
    orgs = [organization]
    if organization.kind == OrgKind.BRANCH:
        orgs += list(organization.children.filter(kind=OrgKind.GROUP, status=OrgStatus.ACTIVE).order_by("code"))
    return _evaluate_many(orgs, tenant_id=organization.tenant_id, start=start, end=end, today=today)


def compliance_for_subtree(*, organizations: list[Organization], tenant_id: int, start: date, end: date,
                           today: date) -> dict[int, list[rules.Status]]:
    """The same for many organizations at once: three queries whatever their number."""
    return _evaluate_many(organizations, tenant_id=tenant_id, start=start, end=end, today=today)


def _evaluate_many(orgs: list[Organization], *, tenant_id: int, start: date, end: date,
                   today: date) -> dict[int, list[rules.Status]]:
    tenant_rule_list = tenant_rules(tenant_id=tenant_id)
    sizes = committee_sizes((o.pk for o in orgs), tenant_id=tenant_id)
    # Evidence from the start of the earliest period that the window touches (a quarter that began
    # before ``start`` is judged on all its meetings), to the end of the latest.
    periods = {r.period for r in tenant_rule_list}
    evidence_from = min(rules.period_bounds(p, start)[0] for p in periods)
    evidence_to = max(rules.period_bounds(p, end)[1] for p in periods)
    by_org: dict[int, list[rules.Gathering]] = defaultdict(list)
    for g in gatherings(tenant_id=tenant_id, org_ids=[o.pk for o in orgs], start=evidence_from, end=evidence_to):
        by_org[g.org_id].append(g)
    return {
        o.pk: rules.evaluate(org=rules.OrgFacts(o.pk, o.kind, sizes.get(o.pk, 0), organization_since(o)),
                             rules=tenant_rule_list, gatherings=by_org[o.pk], start=start, end=end, today=today)
        for o in orgs
    }


def organization_since(org: Organization) -> date:
    """From when requirements apply: the date established, or else the day it was entered here."""
    return org.established_on or timezone.localtime(org.created_at).date()


def meeting_quorum(meeting: Meeting) -> dict | None:
    """For a general meeting: members with a vote, how many of them were present, and whether it is met."""
    if ActivityKind.GENERAL_MEETING not in meeting.kind_list:
        return None
    present = meeting.attendances.filter(has_vote=True, status="present").count()
    voting = meeting.voting_members
    if voting is None:
        voting = Member.objects.filter(tenant_id=meeting.tenant_id, organization=branch_of(meeting.organization),
                                       is_active=True, status=MemberStatus.FULL).count()
    return {"voting_members": voting, "voting_present": present,
            "met": rules.quorum_met(voting_members=voting, voting_present=present)}


def last_org_life(member_ids: Iterable[int], *, tenant_id: int) -> dict[int, date]:
    """Latest day each member took part: present at a finalized meeting, or made one up."""
    ids = list(member_ids)
    result: dict[int, date] = {}
    for row in (Attendance.objects.filter(tenant_id=tenant_id, member_id__in=ids, status="present",
                                          meeting__finalized_at__isnull=False)
                .values("member_id").annotate(last=Max("meeting__starts_at"))):
        result[row["member_id"]] = timezone.localtime(row["last"]).date()
    for row in (MakeUp.objects.filter(tenant_id=tenant_id, attendance__member_id__in=ids)
                .values("attendance__member_id").annotate(last=Max("made_up_on"))):
        mid = row["attendance__member_id"]
        result[mid] = max(result.get(mid, row["last"]), row["last"])
    return result


def org_life_since(member: Member) -> date:
    """The day the current stretch without organizational life began.

    The last recorded one; without any, the later of joining and entering the roster here — the
    product cannot know about life before it started recording, so it does not count against anyone.
    """
    if member.last_org_life_on:
        return member.last_org_life_on
    on_roster = timezone.localtime(member.created_at).date()
    return max(d for d in (member.joined_on, on_roster) if d is not None)


def months_without_org_life(member: Member, *, today: date) -> int:
    """Consecutive whole months without organizational life."""
    return rules.months_between(org_life_since(member), today)


def members_near_six_month_line(*, organization: Organization, today: date, months: int = 3):
    """Active members of the subtree whose last organizational life is ``months`` or more ago."""
    from branches.rules import add_months

    cutoff = add_months(today, -months)
    return (members_without_org_life_since(cutoff, tenant_id=organization.tenant_id)
            .filter(organization__path__startswith=organization.path)
            .select_related("organization").order_by("last_org_life_on", "name"))


def members_without_org_life_since(cutoff: date, *, tenant_id: int | None):
    """Active members whose stretch without organizational life began on or before ``cutoff``."""
    from datetime import datetime, time, timedelta

    end_of_cutoff = datetime.combine(cutoff + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    members = Member.objects.filter(is_active=True)
    if tenant_id is not None:
        members = members.filter(tenant_id=tenant_id)
    return members.filter(
        Q(last_org_life_on__lte=cutoff)
        | Q(last_org_life_on__isnull=True, created_at__lt=end_of_cutoff)
        & (Q(joined_on__isnull=True) | Q(joined_on__lte=cutoff)))


def appraisal_summary(*, organization: Organization, year: int) -> dict:
    rows = Appraisal.objects.filter(tenant_id=organization.tenant_id, organization=organization, year=year)
    counts = dict(rows.exclude(grade="").values_list("grade").annotate(n=Count("id")))
    graded = sum(counts.values())
    return {"counts": counts, "graded": graded,
            "excellent_exceeded": rules.excellent_share_exceeded(excellent=counts.get("excellent", 0), graded=graded)}


def talk_coverage(*, organization: Organization, year: int) -> dict:
    sizes = committee_sizes([organization.pk], tenant_id=organization.tenant_id)
    needed = rules.required_pairs(rules.OrgFacts(organization.pk, organization.kind, sizes.get(organization.pk, 0)))
    covered = set(Talk.objects.filter(tenant_id=organization.tenant_id, organization=organization,
                                      talked_on__year=year).values_list("pair_kind", flat=True))
    return {"needed": needed, "covered": sorted(covered & set(needed)),
            "missing": [p for p in needed if p not in covered]}
