"""Writes for reminders: rows first (one per subject, period and recipient), then claimed deliveries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User

from . import channels, scan
from .choices import Channel, DeliveryStatus, ReminderKind
from .models import Delivery, Reminder, ReminderSettings, UserPreference

logger = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5


@dataclass
class ScanResult:
    specs: list[scan.Spec]
    created: int


def escalations(*, tenant_id: int, specs: list[scan.Spec], now: datetime, config: ReminderSettings) -> list[scan.Spec]:
    """Items still unresolved ``escalation_days`` after the responsible person was reminded go upward."""
    live = {(s.kind, s.subject_type, s.subject_id): s for s in specs if s.kind in scan.ESCALATABLE}
    if not live:
        return []
    cutoff = now - timedelta(days=config.escalation_days)
    directory = scan.Directory(tenant_id)
    out, seen = [], set()
    rows = (Reminder.objects.filter(tenant_id=tenant_id, kind__in=scan.ESCALATABLE, created_at__lte=cutoff)
            .select_related("organization").order_by("created_at"))
    for r in rows:
        key = (r.kind, r.subject_type, r.subject_id)
        if key not in live or (key, r.period) in seen:
            continue
        seen.add((key, r.period))
        upper = [u for u in directory.upper(r.organization) if u != r.recipient_id]
        out.append(scan.Spec(ReminderKind.ESCALATION, r.subject_type, r.subject_id, f"{r.kind}:{r.period}",
                             r.organization_id, upper, f"【督办】{r.title}", body=live[key].title, link=r.link,
                             escalation_of=(r.pk,)))
    return out


def _quiet_until(now: datetime, config: ReminderSettings) -> datetime | None:
    local = timezone.localtime(now)
    start, end, t = config.quiet_start, config.quiet_end, local.time()
    quiet = (start <= t or t < end) if start > end else (start <= t < end)
    if not quiet:
        return None
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return wake if wake > local else wake + timedelta(days=1)


def _channels_for(user: User, config: ReminderSettings, pref: UserPreference | None) -> list[str]:
    wanted = [Channel.INBOX]
    pref = pref or UserPreference(user=user)
    if config.email_enabled and pref.email and user.email:
        wanted.append(Channel.EMAIL)
    if config.sms_enabled and pref.sms:
        wanted.append(Channel.SMS)
    return wanted


def materialize(*, tenant_id: int, specs: list[scan.Spec], now: datetime, config: ReminderSettings) -> int:
    """Write one reminder row per (kind, subject, period, recipient) and its deliveries; existing rows stay."""
    wanted = {(s.key, uid): s for s in specs for uid in s.recipients}
    if not wanted:
        return 0
    existing = set(Reminder.objects.filter(
        tenant_id=tenant_id, kind__in={s.kind for s in specs}, subject_id__in={s.subject_id for s in specs},
    ).values_list("kind", "subject_type", "subject_id", "period", "recipient_id"))
    new = [(key, uid, s) for (key, uid), s in wanted.items() if (*key, uid) not in existing]
    if not new:
        return 0
    users = User.objects.in_bulk({uid for _key, uid, _s in new})
    prefs = {p.user_id: p for p in UserPreference.objects.filter(user_id__in=users)}
    quiet = _quiet_until(now, config)
    with transaction.atomic():
        Reminder.objects.bulk_create([
            Reminder(tenant_id=tenant_id, kind=s.kind, subject_type=s.subject_type, subject_id=s.subject_id,
                     period=s.period, recipient_id=uid, organization_id=s.organization_id, title=s.title[:200],
                     body=s.body, link=s.link, escalates_id=s.escalation_of[0] if s.escalation_of else None)
            for _key, uid, s in new if uid in users
        ], ignore_conflicts=True, batch_size=1000)
        # Read back what exists now without deliveries: ours, or a concurrent scan's (the unique
        # constraints make the two agree).
        fresh = (Reminder.objects.filter(tenant_id=tenant_id, deliveries__isnull=True,
                                         kind__in={s.kind for _k, _u, s in new},
                                         subject_id__in={s.subject_id for _k, _u, s in new})
                 .select_related("recipient"))
        deliveries, robot_specs = [], set()
        for r in fresh:
            for channel in _channels_for(r.recipient, config, prefs.get(r.recipient_id)):
                inbox = channel == Channel.INBOX
                deliveries.append(Delivery(tenant_id=tenant_id, reminder=r, channel=channel,
                                           status=DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING,
                                           sent_at=now if inbox else None, not_before=None if inbox else quiet))
            # A group robot posts each item once, not once per recipient.
            spec_key = (r.kind, r.subject_type, r.subject_id, r.period)
            if spec_key not in robot_specs:
                robot_specs.add(spec_key)
                for channel, enabled in ((Channel.WECOM, config.wecom_enabled),
                                         (Channel.DINGTALK, config.dingtalk_enabled)):
                    if enabled:
                        deliveries.append(Delivery(tenant_id=tenant_id, reminder=r, channel=channel,
                                                   not_before=quiet))
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return len(new)


def run_scan(*, tenant_id: int, today: date, now: datetime | None = None, dry_run: bool = False) -> ScanResult:
    now = now or timezone.now()
    config = scan.settings_for(tenant_id)
    specs = scan.scan(tenant_id=tenant_id, today=today, config=config)
    specs += escalations(tenant_id=tenant_id, specs=specs, now=now, config=config)
    specs = [s for s in specs if s.recipients]
    if dry_run:
        return ScanResult(specs, 0)
    return ScanResult(specs, materialize(tenant_id=tenant_id, specs=specs, now=now, config=config))


def _claim(delivery_id: int, seen_status: str, seen_claimed_at, now: datetime) -> bool:
    """Take the delivery if nobody else did since we looked (one conditional UPDATE)."""
    return Delivery.objects.filter(pk=delivery_id, status=seen_status, claimed_at=seen_claimed_at).update(
        status=DeliveryStatus.SENDING, claimed_at=now) == 1


def due_deliveries(now: datetime):
    """Pending deliveries whose time has come, and claims abandoned by a worker that died."""
    return (Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, not_before__isnull=True)
        | Q(status=DeliveryStatus.PENDING, not_before__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE))
        .order_by("id"))


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due. Safe to run in parallel and again: each delivery is claimed before it is sent."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    configs: dict[int, ReminderSettings] = {}
    for delivery_id, status, claimed_at in due_deliveries(now).values_list("id", "status", "claimed_at")[:limit]:
        if not _claim(delivery_id, status, claimed_at, now):
            continue  # another worker has it
        delivery = (Delivery.objects.select_related("reminder__recipient", "reminder__recipient__member")
                    .get(pk=delivery_id))
        config = configs.setdefault(delivery.tenant_id, scan.settings_for(delivery.tenant_id))
        sender = channels.SENDERS.get(delivery.channel)
        attempts = delivery.attempts + 1
        if sender is None:
            Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SKIPPED, attempts=attempts,
                                                           error="no such channel")
            counts["skipped"] += 1
            continue
        try:
            sender(delivery, config)
        except channels.DeliveryError as exc:
            final = attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery_id).update(
                status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING, attempts=attempts,
                claimed_at=None, error=str(exc)[:300], not_before=now + timedelta(minutes=5 * attempts))
            counts["failed" if final else "retry"] += 1
            logger.warning("delivery %s via %s failed (attempt %s)", delivery_id, delivery.channel, attempts)
            continue
        Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                       attempts=attempts, error="")
        counts["sent"] += 1
    return counts


def mark_read(*, user, reminder_ids=None) -> int:
    qs = Reminder.objects.filter(recipient=user, read_at__isnull=True)
    if reminder_ids is not None:
        qs = qs.filter(pk__in=list(reminder_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def settings_save(*, actor, tenant_id: int, **fields) -> ReminderSettings:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    config, _created = ReminderSettings.objects.select_for_update().get_or_create(tenant_id=tenant_id)
    for name, value in fields.items():
        setattr(config, name, value)
    for name in ("ticket_days_before", "supervised_ticket_days_before"):
        if not ReminderSettings.days_list(getattr(config, name)):
            raise ValidationError({name: _("List whole days, separated by commas, e.g. 7,3,1.")})
    config.full_clean(exclude=["tenant"])
    config.save()
    return config


def preference_save(*, user, **fields) -> UserPreference:
    pref, _created = UserPreference.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(pref, name, value)
    pref.save()
    return pref
