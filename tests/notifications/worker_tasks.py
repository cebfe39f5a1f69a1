"""A task loaded only into the test worker: the reminder scan, made to fail once and be retried."""

from pathlib import Path

from celery import shared_task

from notifications import services


@shared_task(bind=True, max_retries=3)
def flaky_scan(self, tenant_id: int, day: str, marker: str):
    from datetime import date

    first = Path(marker)
    if not first.exists():
        first.write_text("failed once")
        raise self.retry(countdown=0, exc=RuntimeError("forced failure before the scan"))
    result = services.run_scan(tenant_id=tenant_id, today=date.fromisoformat(day))
    services.deliver_due()
    return result.created
