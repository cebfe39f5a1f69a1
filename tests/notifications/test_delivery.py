"""Delivery: rows before sending, one claim per delivery, quiet hours, retries, HTTP channels, escalation."""

import json
import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from core.scoping import Role
from members.models import Member
from notifications import services
from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Reminder, ReminderSettings
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 4, 1)
NOON = datetime(2026, 4, 1, 12, 0, tzinfo=SH)


@pytest.fixture
def emails(world_a):
    for role in (Role.SECRETARY, Role.REVIEWER, Role.TENANT_ADMIN):
        user = world_a.user(role)
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return world_a


def scan_now(world, now=NOON, day=DAY):
    return services.run_scan(tenant_id=world.tenant.pk, today=day, now=now)


def test_scan_twice_writes_once(emails):
    first = scan_now(emails)
    reminders, deliveries = Reminder.objects.count(), Delivery.objects.count()
    assert first.created == reminders > 0
    second = scan_now(emails)
    assert second.created == 0
    assert (Reminder.objects.count(), Delivery.objects.count()) == (reminders, deliveries)


def test_inbox_is_immediate_and_email_is_sent_once(emails):
    scan_now(emails)
    assert not Delivery.objects.filter(channel=Channel.INBOX).exclude(status=DeliveryStatus.SENT).exists()
    pending = Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.PENDING).count()
    assert pending > 0
    counts = services.deliver_due(now=NOON)
    assert counts["sent"] == pending == len(mail.outbox)
    assert services.deliver_due(now=NOON)["sent"] == 0
    assert len(mail.outbox) == pending
    keys = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert len(keys) == pending  # one message per delivery


def test_parallel_workers_never_send_twice(emails):
    scan_now(emails)
    due = list(services.due_deliveries(NOON).values_list("id", "status", "claimed_at"))
    won = [services._claim(i, s, c, NOON) for i, s, c in due]
    lost = [services._claim(i, s, c, NOON) for i, s, c in due]  # a second worker that saw the same rows
    assert all(won) and not any(lost)


def test_killed_worker_claim_is_taken_over_with_the_same_key(emails):
    scan_now(emails)
    delivery = Delivery.objects.filter(channel=Channel.EMAIL).first()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=NOON - timedelta(hours=1))
    Delivery.objects.exclude(pk=delivery.pk).update(status=DeliveryStatus.SENT)
    assert services.deliver_due(now=NOON)["sent"] == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{delivery.key}@partylife>"
    fresh_claim = Delivery.objects.filter(pk=delivery.pk)
    fresh_claim.update(status=DeliveryStatus.SENDING, claimed_at=NOON - timedelta(minutes=2))
    assert services.deliver_due(now=NOON)["sent"] == 0  # a live claim is left alone


def test_quiet_hours_hold_external_channels(emails):
    night = datetime(2026, 4, 1, 23, 0, tzinfo=SH)
    scan_now(emails, now=night)
    email = Delivery.objects.filter(channel=Channel.EMAIL).first()
    assert email.not_before == datetime(2026, 4, 2, 7, 0, tzinfo=SH)
    assert Delivery.objects.filter(channel=Channel.INBOX, status=DeliveryStatus.SENT).exists()
    assert services.deliver_due(now=night + timedelta(hours=3))["sent"] == 0
    assert services.deliver_due(now=datetime(2026, 4, 2, 7, 1, tzinfo=SH))["sent"] > 0


def test_preference_turns_email_off(emails):
    services.preference_save(user=emails.user(Role.SECRETARY), email=False)
    scan_now(emails)
    secretary = emails.user(Role.SECRETARY)
    assert not Delivery.objects.filter(reminder__recipient=secretary, channel=Channel.EMAIL).exists()
    assert Delivery.objects.filter(reminder__recipient=secretary, channel=Channel.INBOX).exists()


class Receiver(BaseHTTPRequestHandler):
    """A stand-in for the SMS gateway and the group robots, on 127.0.0.1."""

    requests: list = []
    answer: dict = {"errcode": 0}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.requests.append((self.path, dict(self.headers), json.loads(body)))
        payload = json.dumps(Receiver.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.requests, Receiver.answer = [], {"errcode": 0}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def configure(world, **fields):
    return services.settings_save(actor=None, tenant_id=world.tenant.pk, email_enabled=False, **fields)


def test_robot_posts_each_item_once_with_idempotency_key(world_a, receiver):
    configure(world_a, wecom_enabled=True, wecom_url=f"{receiver}/wecom")
    scan_now(world_a)
    robots = Delivery.objects.filter(channel=Channel.WECOM)
    items = Reminder.objects.values("kind", "subject_type", "subject_id", "period").distinct().count()
    assert robots.count() == items  # once per item, not once per recipient
    services.deliver_due(now=NOON)
    assert len(Receiver.requests) == items
    path, headers, body = Receiver.requests[0]
    assert path == "/wecom" and body["msgtype"] == "text" and body["text"]["content"]
    assert headers["Idempotency-Key"] in {str(k) for k in robots.values_list("key", flat=True)}
    assert not robots.exclude(status=DeliveryStatus.SENT).exists()


def test_sms_goes_to_the_members_phone(world_a, receiver):
    secretary = world_a.user(Role.SECRETARY)
    Member.objects.filter(pk=world_a.members[1].pk).update(user=secretary)
    configure(world_a, sms_enabled=True, sms_url=f"{receiver}/sms")
    services.preference_save(user=secretary, sms=True)
    scan_now(world_a)
    services.deliver_due(now=NOON)
    phones = {body["to"] for _path, _headers, body in Receiver.requests}
    assert phones == {world_a.members[1].phone}


def test_refused_robot_message_is_retried_then_failed(world_a, receiver):
    configure(world_a, dingtalk_enabled=True, dingtalk_url=f"{receiver}/ding")
    Receiver.answer = {"errcode": 310000, "errmsg": "keywords not in content"}
    scan_now(world_a)
    delivery = Delivery.objects.filter(channel=Channel.DINGTALK).first()
    Delivery.objects.filter(channel=Channel.DINGTALK).exclude(pk=delivery.pk).delete()
    now = NOON
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        services.deliver_due(now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        now = delivery.not_before or now
    assert delivery.status == DeliveryStatus.FAILED and "310000" in delivery.error


def test_unreachable_gateway_keeps_the_row_pending(world_a):
    configure(world_a, wecom_enabled=True, wecom_url="http://127.0.0.1:9/robot")  # nothing listens on port 9
    scan_now(world_a)
    counts = services.deliver_due(now=NOON)
    assert counts["sent"] == 0 and counts["retry"] > 0
    assert Delivery.objects.filter(channel=Channel.WECOM, status=DeliveryStatus.PENDING, attempts=1).exists()


def test_escalation_after_the_configured_days(world_a):
    services.settings_save(actor=None, tenant_id=world_a.tenant.pk, escalation_days=14)
    upper = UserFactory(tenant=world_a.tenant, username="a_upper_reviewer")
    grant(upper, world_a.general_branch, Role.REVIEWER)
    with time_machine.travel(datetime(2026, 4, 1, 8, tzinfo=SH), tick=False):
        scan_now(world_a, now=datetime(2026, 4, 1, 8, tzinfo=SH))
    assert not Reminder.objects.filter(kind="escalation").exists()
    later = datetime(2026, 4, 16, 8, tzinfo=SH)
    with time_machine.travel(later, tick=False):
        services.run_scan(tenant_id=world_a.tenant.pk, today=date(2026, 4, 16), now=later)
    escalated = Reminder.objects.filter(kind="escalation", organization=world_a.branch)
    assert escalated.exists()
    assert set(escalated.values_list("recipient_id", flat=True)) == {upper.pk}
    assert all(r.escalates_id for r in escalated)


def test_settings_validation(world_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.settings_save(actor=None, tenant_id=world_a.tenant.pk, ticket_days_before="soon")
    assert not ReminderSettings.objects.filter(tenant=world_a.tenant).exists()  # nothing half-written


def test_broker_outage_loses_nothing(emails, settings, caplog):
    """With the broker unreachable the request to deliver fails quietly; the rows wait and go out later."""
    from config.celery import app
    from notifications import tasks

    scan_now(emails)
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).count()
    previous = app.conf.broker_url, app.conf.broker_transport_options, app.conf.broker_connection_timeout
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    app.conf.broker_transport_options = {"max_retries": 0}
    app.conf.broker_connection_timeout = 1
    def fresh_pool():
        # Let the next use look its connection pool up again for the current broker URL (kombu keeps
        # one pool per URL, so the good one stays open for the tests that follow).
        app._pool = None
        app.amqp._producer_pool = None

    try:
        fresh_pool()
        with caplog.at_level("WARNING", logger="notifications.tasks"):
            tasks.request_delivery()  # must not raise
        assert "broker unreachable" in caplog.text  # the publish really failed
    finally:
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.broker_connection_timeout = previous
        fresh_pool()
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == pending
    assert services.deliver_due(now=NOON)["sent"] == pending  # the broker is back: the next run sends them
