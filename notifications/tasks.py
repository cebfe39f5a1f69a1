"""Thin Celery tasks: each asks the services to do one thing, for one tenant where it applies."""

import logging

from celery import shared_task
from django.utils import timezone

from branches.models import Tenant

from . import services

logger = logging.getLogger(__name__)


@shared_task
def scan_all_tenants():
    """Fan the daily scan out, one task per active tenant."""
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        scan_tenant.delay(tenant_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def scan_tenant(tenant_id: int, day: str | None = None):
    """Write the reminder rows due for one tenant (idempotent), then ask for delivery."""
    from datetime import date

    today = date.fromisoformat(day) if day else timezone.localdate()
    result = services.run_scan(tenant_id=tenant_id, today=today)
    logger.info("tenant %s: %s reminders due, %s new", tenant_id, len(result.specs), result.created)
    request_delivery()
    return result.created


@shared_task(acks_late=True)
def deliver_due():
    """Send pending deliveries; every delivery is claimed first, so parallel or repeated runs send once."""
    return services.deliver_due()


def request_delivery() -> None:
    """Queue a delivery run now; if the broker is down the rows wait for the next scheduled run."""
    try:
        deliver_due.delay()
    except Exception:  # broker unreachable: nothing is lost, beat's next deliver_due picks the rows up
        logger.warning("broker unreachable; pending deliveries wait for the next scheduled run")
