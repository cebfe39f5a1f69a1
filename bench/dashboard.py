"""Benchmark of the dashboard on the district-scale tenant (SPEC §10: ~3,400 organizations, ~69,000 members,
~120,000 meetings and ~2 million attendance rows a year), PostgreSQL only.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/benchdash .venv/bin/python bench/dashboard.py \
        [--runs 30] [--warmup 3] [--period year|quarter|month] [--date YYYY-MM-DD]

Unlike bench/import_roster.py this runs on the database DATABASE_URL names (a scratch one: it may write): the
district tenant (slug "district") is reused when it exists; otherwise ``manage.py seed_demo --scale district``
builds it (about ten minutes on two cores). Its summary tables are rebuilt when empty.

Measured in one run, each N times after the warm-ups, wall-clock around ``client.get`` (Django's test Client:
server time, no network):

(a) GET /api/v1/dashboard/<district root>/ as the district reviewer (session login, as a browser);
(b) the floor: the same headline figures (finalized meetings, attendance expected / present, active members and
    those 3+ / 5+ months without organizational life) as ONE hand-written SQL query over the raw tables of the
    root's subtree;
(c) the framework floor: a bare Django view returning a small JSON body, through the same Client and middleware.

Printed: median and p95 of each, the ratio (a) / (b) of the medians, and the number of queries of one
dashboard request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

SLUG = "district"


def refuse_unless_postgres() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("bench/dashboard.py needs DATABASE_URL (PostgreSQL): the district tenant is no SQLite job.")
    if connection.vendor != "postgresql":
        sys.exit(f"bench/dashboard.py runs on PostgreSQL only, not on {connection.vendor}.")


def district():
    """The district tenant with its root and reviewer, built when missing; its summary tables filled."""
    from django.core.management import call_command

    from accounts.models import RoleGrant
    from activities.models import Meeting
    from branches.models import Organization, Tenant
    from core.scoping import Role
    from dashboards import stats
    from dashboards.models import SubtreeCounter

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        print("No district tenant here: building it (manage.py seed_demo --scale district) …", flush=True)
        started = time.monotonic()
        call_command("seed_demo", scale="district")
        print(f"built in {time.monotonic() - started:.0f} s", flush=True)
        tenant = Tenant.objects.get(slug=SLUG)
    meetings = Meeting.objects.filter(tenant=tenant)
    n_meetings = meetings.count()
    if not n_meetings:
        print("NOTE: the district tenant has no meetings (no history yet): figures are without it.")
    if not SubtreeCounter.objects.filter(tenant=tenant).exists():
        first = meetings.order_by("starts_at").values_list("starts_at", flat=True).first()
        today = timezone.localdate()
        years = range(timezone.localtime(first).year if first else today.year, today.year + 1)
        print(f"Summary tables empty: stats.rebuild_tenant(years={list(years)}) …", flush=True)
        started = time.monotonic()
        stats.rebuild_tenant(tenant.pk, years=years, today=today)
        print(f"rebuilt in {time.monotonic() - started:.0f} s", flush=True)
    root = Organization.objects.get(tenant=tenant, depth=0)
    grant = (RoleGrant.objects.filter(tenant=tenant, organization=root, role=Role.REVIEWER).select_related("user")
             .order_by("pk").first())
    if grant is None:
        sys.exit("The district tenant has no reviewer on its root (seed_demo creates ds_reviewer).")
    return tenant, root, grant.user, n_meetings


def floor_sql(tenant_id: int, root_path: str, start: date, end: date, today: date):
    """The headline figures straight from meetings, attendance and members: one statement."""
    from activities.models import Attendance, Meeting
    from branches.models import Organization
    from branches.rules import add_months
    from members.models import Member

    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, dtime.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), dtime.min, tzinfo=tz)
    # Like the dashboard: counted by month, "3 months" is a stretch that began in the month 3 months ago or before.
    before3 = add_months(add_months(today, -3).replace(day=1), 1)
    before5 = add_months(add_months(today, -5).replace(day=1), 1)
    sql = f"""
        WITH sub AS (
            SELECT id FROM {Organization._meta.db_table} WHERE tenant_id = %(t)s AND path LIKE %(prefix)s
        ), m AS (
            SELECT id FROM {Meeting._meta.db_table}
            WHERE tenant_id = %(t)s AND organization_id IN (SELECT id FROM sub)
              AND finalized_at IS NOT NULL AND starts_at >= %(lo)s AND starts_at < %(hi)s
        ), a AS (
            SELECT count(*) AS expected, count(*) FILTER (WHERE status = 'present') AS present
            FROM {Attendance._meta.db_table} WHERE tenant_id = %(t)s AND meeting_id IN (SELECT id FROM m)
        ), p AS (
            SELECT count(*) AS members,
                   count(*) FILTER (WHERE since < %(before3)s) AS near_3,
                   count(*) FILTER (WHERE since < %(before5)s) AS near_5
            FROM (SELECT coalesce(last_org_life_on,
                                  greatest(joined_on, (created_at AT TIME ZONE %(tz)s)::date)) AS since
                  FROM {Member._meta.db_table}
                  WHERE tenant_id = %(t)s AND is_active AND organization_id IN (SELECT id FROM sub)) s
        )
        SELECT (SELECT count(*) FROM m), a.expected, a.present, p.members, p.near_3, p.near_5 FROM a, p
    """
    params = {"t": tenant_id, "prefix": root_path + "%", "lo": lo, "hi": hi, "before3": before3,
              "before5": before5, "tz": settings.TIME_ZONE}

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    return run


def bare_view(request):
    return JsonResponse({"ok": True, "now": timezone.now().isoformat()})


def install_bare_route() -> str:
    """The application's URLs plus /bench/bare/ (the framework floor), as the root URLconf."""
    module = types.ModuleType("bench_dashboard_urls")
    module.urlpatterns = [path("bench/bare/", bare_view), path("", include(settings.ROOT_URLCONF))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    from django.urls import clear_url_caches

    clear_url_caches()
    return "/bench/bare/"


def measure(call, *, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--period", choices=["month", "quarter", "year"], default="year")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="a day in the period (default today)")
    args = parser.parse_args()
    refuse_unless_postgres()
    setup_test_environment()  # the test Client's host and a local e-mail backend; the database stays this one

    from activities import rules as activity_rules
    from branches.models import Organization
    from dashboards.models import SubtreeCounter
    from members.models import Member

    tenant, root, reviewer, n_meetings = district()
    today = timezone.localdate()
    day = args.date or today
    start, end = activity_rules.period_bounds(args.period, day)
    bare_url = install_bare_route()
    client = Client()
    client.force_login(reviewer)
    url = f"/api/v1/dashboard/{root.pk}/"
    query = {"period": args.period, "date": day.isoformat()}

    def endpoint():
        response = client.get(url, query)
        assert response.status_code == 200, response.content[:300]
        return response

    def bare():
        response = client.get(bare_url)
        assert response.status_code == 200
        return response

    sql = floor_sql(tenant.pk, root.path, start, end, today)

    organizations = Organization.objects.filter(tenant=tenant).count()
    members = Member.objects.filter(tenant=tenant, is_active=True).count()
    counters = SubtreeCounter.objects.filter(tenant=tenant).count()
    print(f"PostgreSQL {connection.pg_version}, database {connection.settings_dict['NAME']}")
    print(f"tenant {tenant.slug}: {organizations} organizations, {members} members, {n_meetings:,} meetings, "
          f"{counters:,} subtree counter rows")
    print(f"root {root.name} (id {root.pk}) as {reviewer.username}; period {args.period} {start} – {end}, "
          f"today {today}; {args.runs} runs after {args.warmup} warm-ups")

    with CaptureQueriesContext(connection) as queries:
        body = endpoint().json()
    totals = body["totals"]
    floor = sql()
    print(f"\nqueries per dashboard request: {len(queries)}  "
          f"(children: {len(body['children'])}; response {len(endpoint().content):,} bytes)")
    print(f"dashboard figures: meetings {totals['meetings']}, attendance {totals['attendance']['present']}/"
          f"{totals['attendance']['expected']}, members {totals['members']}, near_3 {totals['near_3']}, "
          f"near_5 {totals['near_5']}")
    print(f"SQL floor figures: meetings {floor[0]}, attendance {floor[2]}/{floor[1]}, members {floor[3]}, "
          f"near_3 {floor[4]}, near_5 {floor[5]}")

    results = {
        "(a) dashboard API endpoint": measure(endpoint, runs=args.runs, warmup=args.warmup),
        "(b) one SQL query over raw tables": measure(sql, runs=args.runs, warmup=args.warmup),
        "(c) bare Django JSON view": measure(bare, runs=args.runs, warmup=args.warmup),
    }
    print(f"\n{'':36} {'median ms':>10} {'p95 ms':>10}")
    for label, times in results.items():
        print(f"{label:36} {statistics.median(times):10.1f} {p95(times):10.1f}")
    a, b, c = (statistics.median(t) for t in results.values())
    print(f"\nratio endpoint / SQL floor (medians): {a / b:.2f}")
    print(f"endpoint minus framework floor (medians): {a - c:.1f} ms")


if __name__ == "__main__":
    main()
