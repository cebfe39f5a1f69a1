from __future__ import annotations

import uuid
from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import TenantModel

from .choices import Channel, DeliveryStatus, ReminderKind


class ReminderSettings(TenantModel):
    """A tenant's reminder offsets, channels and quiet hours."""

    theme_day_days_before = models.PositiveSmallIntegerField(_("theme Party day: days before"), default=3)
    due_soon_days = models.PositiveSmallIntegerField(_("meeting due: days before the period ends"), default=7)
    plan_deadline_month = models.PositiveSmallIntegerField(_("annual plan due: month"), default=1)
    plan_deadline_day = models.PositiveSmallIntegerField(_("annual plan due: day"), default=31)
    escalation_days = models.PositiveSmallIntegerField(_("escalate after (days)"), default=14)
    ticket_days_before = models.CharField(_("ticket deadline: days before"), max_length=50, default="7,3,1")
    supervised_ticket_days_before = models.CharField(_("registered supervision: days before"), max_length=50,
                                                     default="14,7,5,3,2,1")
    quiet_start = models.TimeField(_("quiet hours from"), default=time(22, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=time(7, 0))
    email_enabled = models.BooleanField(_("e-mail"), default=True)
    sms_enabled = models.BooleanField(_("SMS"), default=False)
    sms_url = models.URLField(_("SMS gateway URL"), blank=True)
    wecom_enabled = models.BooleanField(_("Enterprise WeChat robot"), default=False)
    wecom_url = models.URLField(_("Enterprise WeChat robot webhook"), blank=True)
    dingtalk_enabled = models.BooleanField(_("DingTalk robot"), default=False)
    dingtalk_url = models.URLField(_("DingTalk robot webhook"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = None

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="reminder_settings_once")]

    @staticmethod
    def days_list(value: str) -> list[int]:
        return sorted({int(v) for v in value.replace("，", ",").split(",") if v.strip().isdigit()}, reverse=True)


class UserPreference(models.Model):
    """Which personal channels a user wants besides the inbox (the inbox always gets everything).

    Group robots post each item once to the organization's group chat, for all; they are the
    tenant administrator's setting, not a personal one.
    """

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="notification_preference")
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Reminder(TenantModel):
    """One reminder to one person about one subject for one period — written before anything is sent."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    period = models.CharField(_("period"), max_length=40)
    recipient = models.ForeignKey("accounts.User", verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="reminders")
    organization = models.ForeignKey("branches.Organization", verbose_name=_("organization"),
                                     on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    escalates = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "subject_type", "subject_id", "recipient", "period"],
                                    name="reminder_once"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="reminder_inbox")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        return Q(recipient_id=user.pk)


class Delivery(TenantModel):
    """One channel's delivery of a reminder; a worker claims it before sending, so it goes out once."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    # Sent along (Message-ID, Idempotency-Key) so a receiver can drop a repeat after a crash mid-send.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    scope_path = "reminder__organization__path"

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["reminder", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "not_before"], name="delivery_queue")]
