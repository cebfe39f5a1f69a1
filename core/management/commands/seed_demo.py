"""manage.py seed_demo: demo tenants and logins for a newcomer; --scale district for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ROLE_LABELS
from branches.choices import OrgKind
from core import demo


class Command(BaseCommand):
    help = (
        "Create two demo tenants (东城区委, 华星集团党委) with organizations, members, elections, a year and a half "
        "of organizational life (meetings, attendance, plans, reviews, rectification tickets) and one login per "
        "role, plus the platform superuser 'admin'. Idempotent: what exists is kept (the demo accounts get the "
        "password again). --scale district also (re)builds the benchmark tenant 示范区委（压测） with a year of "
        "meetings and attendance, printing the time of each phase."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Delete the demo tenants (their users included) and build them again.")
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD,
                            help="Password of every demo account (default: %(default)s).")
        parser.add_argument("--scale", choices=["district"],
                            help="Also (re)build the district-sized tenant: ~3,400 organizations, ~69,000 members, "
                                 "~120,000 meetings and ~2 million attendance rows.")
        parser.add_argument("--no-history", action="store_true",
                            help="Build tenants without their organizational life (meetings, attendance, plans …).")

    def handle(self, *args, reset: bool, password: str, scale: str | None, no_history: bool = False, **options):
        started = time.monotonic()
        try:
            report = demo.seed(password=password, reset=reset, district=scale == "district", history=not no_history,
                               progress=lambda msg: self.stdout.write(msg))
        except demo.SeedError as exc:
            raise CommandError(str(exc)) from exc
        for row in report.tenants:
            kinds = row.organizations
            state = f"built in {row.seconds:.1f} s" if row.built else "already present, kept"
            self.stdout.write(self.style.SUCCESS(f"{row.tenant.name} ({row.tenant.slug}): {state}"))
            self.stdout.write(
                f"  {sum(kinds.values())} organizations: {kinds.get(OrgKind.COMMITTEE, 0)} committees, "
                f"{kinds.get(OrgKind.GENERAL_BRANCH, 0)} general branches, {kinds.get(OrgKind.BRANCH, 0)} branches, "
                f"{kinds.get(OrgKind.GROUP, 0)} groups; {row.members} members"
            )
            self.stdout.write(f"  {row.meetings:,} meetings, {row.attendance:,} attendance rows")
        self.stdout.write(f"\nLogins (password: {report.password}):")
        admin_note = "platform superuser, Django admin at /admin/"
        if not report.superuser_created:
            admin_note += " (existed already: password unchanged)"
        self.stdout.write(f"  {demo.SUPERUSER_NAME:<14} {admin_note}")
        for login in report.logins:
            self.stdout.write(f"  {login.username:<14} {login.tenant} · {ROLE_LABELS[login.role]} · "
                              f"{login.organization}")
        self.stdout.write(f"\nDone in {time.monotonic() - started:.1f} s.")
