"""Exactly once with a real Celery worker on Redis and PostgreSQL.

The same scan is sent twice, once more under the same task id (a redelivery), once through a task
that fails and is retried, and delivery is requested several times in parallel (two worker
processes). The number of e-mails the worker wrote equals the number of e-mail delivery rows, and
every delivery key appears once.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.scoping import Role
from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Reminder

ROOT = Path(__file__).resolve().parents[2]
needs_services = pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL): the worker must share the test database",
)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "CELERY_QUEUE": queue,
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir),
           "DB_CONN_MAX_AGE": "0"}
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--concurrency=2",
         "--include=tests.notifications.worker_tasks", "--loglevel=INFO", f"--hostname={queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    from config.celery import app

    deadline = time.time() + 60
    while time.time() < deadline:
        replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1) or []
        if replies:
            break
        if process.poll() is not None:
            pytest.fail("worker exited: " + (tmp_path / "worker.log").read_text()[-3000:])
    else:
        process.terminate()
        pytest.fail("worker did not start: " + (tmp_path / "worker.log").read_text()[-3000:])
    yield queue, mail_dir, tmp_path
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _wait_until_delivered(timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        open_rows = Delivery.objects.exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED,
                                                         DeliveryStatus.SKIPPED]).count()
        if Reminder.objects.exists() and open_rows == 0:
            return
        time.sleep(0.5)
    pytest.fail(f"deliveries still open: {list(Delivery.objects.exclude(status='sent').values('status', 'channel'))}")


@needs_services
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_reminder_once(world_a, worker):
    from notifications.tasks import deliver_due, scan_tenant
    from tests.notifications.worker_tasks import flaky_scan

    queue, mail_dir, tmp = worker
    for role in (Role.SECRETARY, Role.REVIEWER, Role.TENANT_ADMIN):
        user = world_a.user(role)
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    day = "2026-04-01"
    task_id = str(uuid.uuid4())
    scan_tenant.apply_async((world_a.tenant.pk, day), queue=queue)
    scan_tenant.apply_async((world_a.tenant.pk, day), queue=queue)
    scan_tenant.apply_async((world_a.tenant.pk, day), queue=queue, task_id=task_id)
    scan_tenant.apply_async((world_a.tenant.pk, day), queue=queue, task_id=task_id)  # redelivered
    flaky_scan.apply_async((world_a.tenant.pk, day, str(tmp / "flaky-marker")), queue=queue)
    for _ in range(4):
        deliver_due.apply_async(queue=queue)
    time.sleep(2)
    _wait_until_delivered()
    deliver_due.apply_async(queue=queue)  # one more run after everything: it must send nothing new
    time.sleep(3)

    assert (tmp / "flaky-marker").exists()  # the forced failure happened and the retry ran
    email_rows = Delivery.objects.filter(channel=Channel.EMAIL)
    assert email_rows.count() > 0 and not email_rows.exclude(status=DeliveryStatus.SENT).exists()
    sent = "".join(p.read_text() for p in mail_dir.iterdir())
    message_ids = re.findall(r"^Message-ID: <([0-9a-f-]+)@partylife>", sent, flags=re.MULTILINE)
    assert len(message_ids) == email_rows.count()
    assert sorted(message_ids) == sorted(str(k) for k in email_rows.values_list("key", flat=True))
    # One reminder per (kind, subject, period, recipient), however many scans ran.
    keys = list(Reminder.objects.values_list("kind", "subject_type", "subject_id", "period", "recipient_id"))
    assert len(keys) == len(set(keys))
