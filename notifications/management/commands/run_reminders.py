"""Run the reminder scan by hand: ``manage.py run_reminders [--dry-run] [--tenant SLUG] [--date YYYY-MM-DD]``."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from branches.models import Tenant
from notifications import services
from notifications.choices import ReminderKind


class Command(BaseCommand):
    help = "Scan for due reminders; without --dry-run write them and deliver what is due."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent, write nothing")
        parser.add_argument("--tenant", help="tenant slug (default: every active tenant)")
        parser.add_argument("--date", help="scan as of this day (YYYY-MM-DD); default today")
        parser.add_argument("--no-deliver", action="store_true", help="write the reminders but do not send them")

    def handle(self, *args, dry_run=False, tenant=None, date=None, no_deliver=False, **options):
        today = self._day(date)
        tenants = Tenant.objects.filter(is_active=True)
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"no active tenant with slug {tenant!r}")
        labels = dict(ReminderKind.choices)
        for t in tenants.order_by("name"):
            result = services.run_scan(tenant_id=t.pk, today=today, dry_run=dry_run)
            names = dict(User.objects.filter(pk__in={u for s in result.specs for u in s.recipients})
                         .values_list("pk", "username"))
            self.stdout.write(self.style.MIGRATE_HEADING(f"{t.name} ({t.slug}) — {today}: {len(result.specs)} items"))
            for spec in sorted(result.specs, key=lambda s: (s.kind, s.organization_id, s.period)):
                people = ", ".join(names.get(u, str(u)) for u in spec.recipients)
                self.stdout.write(f"  [{labels.get(spec.kind, spec.kind)}] {spec.title} ({spec.period}) → {people}")
            if not dry_run:
                self.stdout.write(f"  new reminders written: {result.created}")
        if dry_run:
            self.stdout.write(self.style.WARNING("dry run: nothing written, nothing sent"))
        elif not no_deliver:
            counts = services.deliver_due()
            self.stdout.write(self.style.SUCCESS(f"delivered: {counts}"))

    @staticmethod
    def _day(value):
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError("--date takes YYYY-MM-DD") from exc
