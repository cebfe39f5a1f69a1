"""Keeping the summary tables current.

Metrics an organization contributes by itself (its *own* counters), bucketed by month ("YYYY-MM") or
by day ("YYYY-MM-DD") where the bucket is a date:

* ``slot:<kind>:<period>`` / ``done:<kind>:<period>`` — requirement slots whose period has started,
  and those done, bucketed by the period's first month (the same engine as the compliance panel);
* ``meetings``, ``att_expected``, ``att_present`` — finalized meetings and their attendance, by month;
* ``life`` — the organization's active members by the month their stretch without organizational
  life began (``activities.selectors.org_life_since``), so "3 months or more" is a sum over buckets;
* ``term`` — 1 in the bucket of the planned term end (a day), or in ``unknown``;
* ``orgs:<kind>`` — 1 while active.

``refresh`` recomputes the own counters of some organizations for some families, and applies the
difference to the subtree counters of each organization and all its ancestors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from activities import selectors as activity_selectors
from activities.models import Attendance, Meeting
from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from members.models import Member

from .models import OwnCounter, SubtreeCounter

ACTIVITY, LIFE, TERM, ORGS = "activity", "life", "term", "orgs"
ALL_FAMILIES = frozenset({ACTIVITY, LIFE, TERM, ORGS})
ACTIVITY_PREFIXES = ("slot:", "done:", "meetings", "att_")


def _family_q(families: set[str], year: int | None) -> Q:
    q = Q(pk__in=[])
    if ACTIVITY in families and year is not None:
        in_year = Q(bucket__startswith=f"{year}-")
        for prefix in ACTIVITY_PREFIXES:
            q |= Q(metric__startswith=prefix) & in_year
    if LIFE in families:
        q |= Q(metric="life")
    if TERM in families:
        q |= Q(metric="term")
    if ORGS in families:
        q |= Q(metric__startswith="orgs:")
    return q


def compute_own(orgs: list[Organization], *, tenant_id: int, families: set[str], year: int | None,
                today: date) -> dict[tuple[int, str, str], int]:
    """The own counters of ``orgs`` for the families (activity for one year), from the raw records."""
    values: dict[tuple[int, str, str], int] = defaultdict(int)
    ids = [o.pk for o in orgs]
    if ACTIVITY in families and year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
        statuses = activity_selectors.compliance_for_subtree(organizations=orgs, tenant_id=tenant_id, start=start,
                                                             end=end, today=today)
        for org_id, rows in statuses.items():
            for s in rows:
                if s.start > today:
                    continue  # a slot counts once its period has begun
                bucket = f"{s.start:%Y-%m}"
                values[(org_id, f"slot:{s.kind}:{s.period}", bucket)] += 1
                if s.status == "done":
                    values[(org_id, f"done:{s.kind}:{s.period}", bucket)] += 1
        finalized = Meeting.objects.filter(tenant_id=tenant_id, organization_id__in=ids, finalized_at__isnull=False,
                                           starts_at__year=year)
        for m in finalized.values("organization_id", "starts_at"):
            values[(m["organization_id"], "meetings", f"{timezone.localtime(m['starts_at']):%Y-%m}")] += 1
        attendance = (Attendance.objects.filter(meeting__in=finalized)
                      .values("meeting__organization_id", "meeting__starts_at")
                      .annotate(n=Count("id"), p=Count("id", filter=Q(status="present"))))
        for row in attendance:
            bucket = f"{timezone.localtime(row['meeting__starts_at']):%Y-%m}"
            values[(row["meeting__organization_id"], "att_expected", bucket)] += row["n"]
            values[(row["meeting__organization_id"], "att_present", bucket)] += row["p"]
    if LIFE in families:
        members = Member.objects.filter(tenant_id=tenant_id, organization_id__in=ids, is_active=True).only(
            "organization_id", "last_org_life_on", "joined_on", "created_at")
        for member in members:
            values[(member.organization_id, "life", f"{activity_selectors.org_life_since(member):%Y-%m}")] += 1
    for org in orgs:
        active = org.status == OrgStatus.ACTIVE
        if TERM in families and active and org.kind != OrgKind.GROUP:
            values[(org.pk, "term", org.term_end.isoformat() if org.term_end else "unknown")] += 1
        if ORGS in families and active:
            values[(org.pk, f"orgs:{org.kind}", "all")] += 1
    return {k: v for k, v in values.items() if v}


@transaction.atomic
def refresh(orgs: Iterable[Organization], *, families: Iterable[str] = ALL_FAMILIES, year: int | None = None,
            today: date | None = None) -> int:
    """Recompute own counters and push the differences up the tree. Returns the number of changed keys."""
    orgs = [o for o in orgs if o is not None]
    if not orgs:
        return 0
    families = set(families)
    today = today or timezone.localdate()
    if ACTIVITY in families and year is None:
        year = today.year
    changed = 0
    for tenant_id in {o.tenant_id for o in orgs}:
        group = [o for o in orgs if o.tenant_id == tenant_id]
        fresh = compute_own(group, tenant_id=tenant_id, families=families, year=year, today=today)
        stored_rows = OwnCounter.objects.filter(organization__in=group).filter(_family_q(families, year))
        stored = {(r.organization_id, r.metric, r.bucket): r for r in stored_rows}
        deltas: dict[tuple[int, str, str], int] = {}
        for key in stored.keys() | fresh.keys():
            old = stored[key].value if key in stored else 0
            new = fresh.get(key, 0)
            if old != new:
                deltas[key] = new - old
        if not deltas:
            continue
        to_delete = [stored[k].pk for k in deltas if k in stored and not fresh.get(k)]
        to_update = [stored[k] for k in deltas if k in stored and fresh.get(k)]
        for row in to_update:
            row.value = fresh[(row.organization_id, row.metric, row.bucket)]
        OwnCounter.objects.filter(pk__in=to_delete).delete()
        OwnCounter.objects.bulk_update(to_update, ["value"], batch_size=1000)
        OwnCounter.objects.bulk_create([OwnCounter(tenant_id=tenant_id, organization_id=k[0], metric=k[1],
                                                   bucket=k[2], value=fresh[k])
                                        for k in deltas if k not in stored], batch_size=1000)
        _push_up(tenant_id, {o.pk: o for o in group}, deltas)
        changed += len(deltas)
    return changed


def _chain(org: Organization) -> list[int]:
    return [*org.ancestor_ids, org.pk]


def _push_up(tenant_id: int, orgs: dict[int, Organization], deltas: dict[tuple[int, str, str], int]) -> None:
    """Add each own delta to the subtree counters of the organization and all its ancestors.

    The affected rows are locked (PostgreSQL) and rewritten in a constant number of statements;
    concurrent refreshes of the same ancestors wait for each other instead of losing an update.
    """
    summed: dict[tuple[int, str, str], int] = defaultdict(int)
    for (org_id, metric, bucket), delta in deltas.items():
        for holder in _chain(orgs[org_id]):
            summed[(holder, metric, bucket)] += delta
    summed = {k: v for k, v in summed.items() if v}
    if not summed:
        return
    SubtreeCounter.objects.bulk_create(
        [SubtreeCounter(tenant_id=tenant_id, organization_id=o, metric=m, bucket=b, value=0) for (o, m, b) in summed],
        ignore_conflicts=True, batch_size=1000)
    holders = {o for o, _m, _b in summed}
    metrics = {m for _o, m, _b in summed}
    rows = (SubtreeCounter.objects.select_for_update()
            .filter(organization_id__in=holders, metric__in=metrics).order_by("pk"))
    changed = []
    for row in rows:
        delta = summed.get((row.organization_id, row.metric, row.bucket))
        if delta:
            row.value += delta
            changed.append(row)
    SubtreeCounter.objects.bulk_update(changed, ["value"], batch_size=1000)


def touch(orgs: Iterable[Organization], *, families: Iterable[str] = ALL_FAMILIES, year: int | None = None) -> None:
    """Refresh these organizations' counters once the current transaction commits.

    The business transaction stays short; a crash in between is repaired by the nightly
    reconciliation (``reconcile``).
    """
    ids = {o.pk for o in orgs if o is not None}
    if not ids:
        return
    families = frozenset(families)

    def run():
        refresh(Organization.objects.filter(pk__in=ids), families=families, year=year)

    transaction.on_commit(run)


@transaction.atomic
def rebuild_subtrees(org_ids: Iterable[int]) -> None:
    """Recompute the subtree counters of some organizations from the own counters below them (after a move)."""
    for org in Organization.objects.filter(pk__in=list(org_ids)):
        SubtreeCounter.objects.filter(organization=org).delete()
        sums = (OwnCounter.objects.filter(tenant_id=org.tenant_id, organization__path__startswith=org.path)
                .values("metric", "bucket").annotate(total=Sum("value")))
        SubtreeCounter.objects.bulk_create([
            SubtreeCounter(tenant_id=org.tenant_id, organization=org, metric=s["metric"], bucket=s["bucket"],
                           value=s["total"]) for s in sums if s["total"]], batch_size=1000)


def rebuild_tenant(tenant_id: int, *, years: Iterable[int], today: date | None = None) -> None:
    """Recompute every own counter of a tenant, then every subtree counter (for bulk-loaded data)."""
    today = today or timezone.localdate()
    orgs = list(Organization.objects.filter(tenant_id=tenant_id))
    with transaction.atomic():
        OwnCounter.objects.filter(tenant_id=tenant_id).delete()
        SubtreeCounter.objects.filter(tenant_id=tenant_id).delete()
        rows: dict[tuple[int, str, str], int] = {}
        years = sorted(set(years))
        rows.update(compute_own(orgs, tenant_id=tenant_id, families={LIFE, TERM, ORGS}, year=None, today=today))
        for year in years:
            rows.update(compute_own(orgs, tenant_id=tenant_id, families={ACTIVITY}, year=year, today=today))
        OwnCounter.objects.bulk_create([OwnCounter(tenant_id=tenant_id, organization_id=o, metric=m, bucket=b,
                                                   value=v) for (o, m, b), v in rows.items()], batch_size=5000)
        by_org = {o.pk: o for o in orgs}
        summed: dict[tuple[int, str, str], int] = defaultdict(int)
        for (org_id, metric, bucket), value in rows.items():
            for holder in _chain(by_org[org_id]):
                summed[(holder, metric, bucket)] += value
        SubtreeCounter.objects.bulk_create([SubtreeCounter(tenant_id=tenant_id, organization_id=o, metric=m,
                                                           bucket=b, value=v) for (o, m, b), v in summed.items()],
                                           batch_size=5000)


def reconcile(tenant_id: int, *, today: date | None = None) -> int:
    """Nightly: new periods bring new slots (a new month's theme Party day …) and any missed refresh is
    repaired. Recomputes the current year and every other family for every organization of the tenant."""
    today = today or timezone.localdate()
    orgs = list(Organization.objects.filter(tenant_id=tenant_id))
    return refresh(orgs, families=ALL_FAMILIES, year=today.year, today=today)

