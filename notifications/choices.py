from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    THEME_DAY_COMING = "theme_day_coming", _("Theme Party day coming")
    MEETING_DUE = "meeting_due", _("Required meeting due soon")
    MEETING_OVERDUE = "meeting_overdue", _("Required meeting overdue")
    PLAN_NOT_SUBMITTED = "plan_not_submitted", _("Annual plan not submitted")
    TERM_EXPIRING = "term_expiring", _("Term expiring")
    TERM_OVERDUE = "term_overdue", _("Term overdue")
    TERM_UNKNOWN = "term_unknown", _("Term unknown")
    NO_ORG_LIFE_3M = "no_org_life_3m", _("Member without organizational life for 3 months")
    NO_ORG_LIFE_5M = "no_org_life_5m", _("Member without organizational life for 5 months")
    TICKET_DEADLINE = "ticket_deadline", _("Rectification deadline near")
    TICKET_OVERDUE = "ticket_overdue", _("Rectification overdue")
    ESCALATION = "escalation", _("Escalated: still unresolved")


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("Enterprise WeChat robot")
    DINGTALK = "dingtalk", _("DingTalk robot")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
