"""Benchmark of the roster import and export, in a throwaway test database.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/import_roster.py [--rows 5000] [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ... (the same, on PostgreSQL)
    ... --no-migrations  (tables straight from the models, when a migration cannot run)

Django's test runner machinery creates the database (``test_<name>``; for SQLite a temporary file, so that
the disk is part of the measurement) and destroys it at the end: the development database is never used.
Each import run starts from an empty roster; the times are wall-clock, median of the runs.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

REGIONS = ("110101", "110102", "110105", "310101")  # present in python-stdnum's region table


def build_world():
    """One tenant: committee > branch (with a group) and a second branch; an admin and a secretary."""
    from accounts.models import RoleGrant, User
    from branches import services as org_services
    from branches.choices import OrgKind
    from branches.models import Tenant
    from core.scoping import Role

    tenant = Tenant.objects.create(name="基准测试区委", slug="bench")
    root = org_services.organization_create(actor=None, tenant=tenant, parent=None, kind=OrgKind.COMMITTEE,
                                            name="基准测试区委", code="BENCH-ROOT")
    branch = org_services.organization_create(actor=None, tenant=tenant, parent=root, kind=OrgKind.BRANCH,
                                              name="第一党支部", code="BENCH-B1")
    group = org_services.organization_create(actor=None, tenant=tenant, parent=branch, kind=OrgKind.GROUP,
                                             name="第一党小组", code="BENCH-B1-G1")
    other = org_services.organization_create(actor=None, tenant=tenant, parent=root, kind=OrgKind.BRANCH,
                                             name="第二党支部", code="BENCH-B2")
    users = {}
    for role, org in ((Role.TENANT_ADMIN, root), (Role.SECRETARY, branch)):
        user = User(username=f"bench_{role}", tenant=tenant)
        user.set_unusable_password()
        user.save()
        RoleGrant.objects.create(tenant=tenant, user=user, organization=org, role=role)
        users[role] = user
    users[Role.TENANT_ADMIN].user_permissions.add(Permission.objects.get(codename="reveal_member_pii"))
    users = {role: User.objects.get(pk=u.pk) for role, u in users.items()}  # fresh permission caches
    return tenant, branch, group, other, users


def roster_file(rows: int, branch, group, other, *, last_row_bad: bool = False) -> bytes:
    from members.idgen import make_national_id
    from members.roster import COLUMNS

    headers = [header for _key, header in COLUMNS]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(headers)
    first_birth = date(1950, 1, 1)
    for i in range(rows):
        birth = first_birth + timedelta(days=i % 18000)
        values = {
            "姓名": f"党员{i:05d}",
            "性别": "男" if i % 2 else "女",
            "民族": "汉族",
            "出生日期": None,
            "身份证号": make_national_id(birth_date=birth, sequence=i // 18000, region=REGIONS[i % len(REGIONS)]),
            "手机号": f"139{i:08d}",
            "学历": ("研究生", "大学本科", "大学专科", "中专及高中", "初中及以下")[i % 5],
            "工作单位": "某某单位",
            "职务": "干部",
            "所在支部编码": branch.code if i % 3 else other.code,
            "党小组编码": group.code if i % 3 == 1 else None,
            "入党日期": date(birth.year + 25, 7, 1),
            "转正日期": date(birth.year + 26, 7, 1) if i % 10 else None,
            "党员状态": "正式党员" if i % 10 else "预备党员",
            "是否流动党员": "是" if i % 50 == 0 else "否",
            "流动去向": "深圳" if i % 50 == 0 else None,
            "是否失联": "否",
        }
        if last_row_bad and i == rows - 1:
            values["性别"] = "?"
        sheet.append([values[h] for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(fn, runs: int, before=None) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-migrations", action="store_true",
                        help="build the tables straight from the models (like pytest --nomigrations)")
    args = parser.parse_args()
    if args.no_migrations:
        from django.apps import apps

        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    logging.getLogger("members.roster").setLevel(logging.WARNING)  # one INFO line per import otherwise
    settings.ROSTER_IMPORT_MAX_ROWS = max(settings.ROSTER_IMPORT_MAX_ROWS, args.rows)
    settings.ROSTER_IMPORT_MAX_BYTES = max(settings.ROSTER_IMPORT_MAX_BYTES, 200 * 1024 * 1024)

    db = settings.DATABASES["default"]
    original_name = db["NAME"]
    tmpdir = None
    if db["ENGINE"].endswith("sqlite3"):
        # A file, not the default in-memory test database: the disk belongs in the measurement.
        tmpdir = tempfile.TemporaryDirectory(prefix="roster-bench-")
        db.setdefault("TEST", {})["NAME"] = str(Path(tmpdir.name) / "bench.sqlite3")
    else:
        # Its own name, so that it never clobbers the test database of a pytest run going on meanwhile.
        db.setdefault("TEST", {})["NAME"] = f"test_roster_bench_{os.getpid()}"

    setup_test_environment()
    try:
        old_config = setup_databases(verbosity=0, interactive=False)
    except BaseException:
        # A migration failed half way: drop the half-built database before giving up.
        if connection.settings_dict["NAME"] != original_name:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()
        if tmpdir:
            tmpdir.cleanup()
        raise
    try:
        return run(args)
    finally:
        teardown_databases(old_config, verbosity=0)
        teardown_test_environment()
        if tmpdir:
            tmpdir.cleanup()


def run(args) -> int:
    from core.scoping import Role
    from members import roster
    from members.models import Member, PIIRevealLog

    test_name = connection.settings_dict["NAME"]
    assert "test" in str(test_name) or "bench" in str(test_name), "refusing to run outside a test database"
    tenant, branch, group, other, users = build_world()
    admin, secretary = users[Role.TENANT_ADMIN], users[Role.SECRETARY]

    started = time.perf_counter()
    content = roster_file(args.rows, branch, group, other)
    build_time = time.perf_counter() - started
    bad_content = roster_file(args.rows, branch, group, other, last_row_bad=True)

    def clear():
        PIIRevealLog.objects.filter(tenant=tenant).delete()
        Member.objects.filter(tenant=tenant).delete()

    results: list[tuple[str, list[float]]] = []

    def do_import():
        result = roster.import_roster(actor=admin, file=io.BytesIO(content))
        assert result.created == args.rows, result.errors[:5]

    results.append(("import (all valid, written)", timed(do_import, args.runs, before=clear)))

    def do_rejected():
        result = roster.import_roster(actor=admin, file=io.BytesIO(bad_content))
        assert result.created == 0 and len(result.errors) == 1, result.errors[:5]

    clear()
    results.append(("import (last row bad, rejected)", timed(do_rejected, args.runs)))

    do_import()  # a full roster to export
    members = Member.objects.filter(tenant=tenant).order_by("organization__path", "name", "id")
    export_sizes = []

    def do_export(actor):
        def export():
            response = roster.export_response(actor=actor, members=members)
            export_sizes.append(len(response.content))
        return export

    results.append(("export, masked (secretary)", timed(do_export(secretary), args.runs)))
    results.append(("export, clear + reveal log (admin)", timed(do_export(admin), args.runs)))
    results.append(("template download (admin)", timed(lambda: roster.template_response(actor=admin), args.runs)))

    vendor = connection.vendor
    print(f"roster benchmark: {args.rows} rows, {vendor} ({connection.settings_dict['NAME']}), "
          f"{args.runs} runs, file {len(content) / 1024:.0f} KiB (built in {build_time:.1f} s)")
    print(f"{'operation':38} {'median s':>9} {'min s':>7} {'max s':>7} {'rows/s':>8}")
    for label, times in results:
        median = statistics.median(times)
        rate = f"{args.rows / median:8.0f}" if not label.startswith("template") else f"{'-':>8}"
        print(f"{label:38} {median:9.2f} {min(times):7.2f} {max(times):7.2f} {rate}")
    exported = Member.objects.filter(tenant=tenant).count()
    print(f"members in roster after the runs: {exported}; reveal log rows: "
          f"{PIIRevealLog.objects.filter(tenant=tenant).count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
