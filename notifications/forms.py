"""Forms of the reminder pages: the tenant's reminder settings and a user's channel preferences.

The forms only shape input; ``services.settings_save`` and ``services.preference_save`` write.
"""

from __future__ import annotations

import calendar
import re

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ReminderKind
from .models import ReminderSettings, UserPreference

DAYS_LIST = re.compile(r"^\s*\d{1,3}\s*(?:[,，]\s*\d{1,3}\s*)*$")
# Each channel switch and the address it needs (e-mail goes through the platform's own mail server).
CHANNEL_URLS = (("sms_enabled", "sms_url"), ("wecom_enabled", "wecom_url"), ("dingtalk_enabled", "dingtalk_url"))
# How the settings page groups the fields.
SETTINGS_SECTIONS = (
    (_("When to remind"), ("theme_day_days_before", "due_soon_days", "plan_deadline_month", "plan_deadline_day",
                           "escalation_days")),
    (_("Rectification deadlines"), ("ticket_days_before", "supervised_ticket_days_before")),
    (_("Quiet hours"), ("quiet_start", "quiet_end")),
    (_("Channels"), ("email_enabled", "sms_enabled", "sms_url", "wecom_enabled", "wecom_url", "dingtalk_enabled",
                     "dingtalk_url")),
)


def settings_formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a webhook typed without its scheme
    return db_field.formfield(**kwargs)


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        formfield_callback = settings_formfield
        model = ReminderSettings
        fields = [name for _title, names in SETTINGS_SECTIONS for name in names]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ticket_days_before": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "7,3,1"}),
            "supervised_ticket_days_before": forms.TextInput(attrs={"inputmode": "numeric",
                                                                   "placeholder": "14,7,5,3,2,1"}),
            "sms_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "wecom_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "dingtalk_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "theme_day_days_before": _("The alarm clock: how many days before a branch's fixed theme Party day "
                                       "its secretary is reminded."),
            "due_soon_days": _("Remind of a required meeting not yet held this many days before its period ends."),
            "escalation_days": _("An item still unresolved this many days after the reminder goes to the upper "
                                 "organization."),
            "ticket_days_before": _("Days before a rectification deadline, separated by commas, e.g. 7,3,1."),
            "supervised_ticket_days_before": _("The same for tickets under registered supervision."),
            "quiet_start": _("Nothing but the inbox is sent between these times; it goes out when they end."),
            "email_enabled": _("Each user can still turn e-mail off for themselves."),
            "sms_url": _("The gateway receives each message as JSON."),
            "wecom_url": _("The webhook address of the group robot, with its key."),
            "dingtalk_url": _("The webhook address of the group robot, with its access token."),
        }

    def __init__(self, *args, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_deadline_month"].widget.attrs.update(min=1, max=12)
        self.fields["plan_deadline_day"].widget.attrs.update(min=1, max=31)
        if not editable:
            for field in self.fields.values():
                field.disabled = True

    def clean_days(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        if not DAYS_LIST.match(value or ""):
            raise forms.ValidationError(_("List whole days, separated by commas, e.g. 7,3,1."), code="days_list")
        return ",".join(str(d) for d in ReminderSettings.days_list(value))

    def clean_ticket_days_before(self) -> str:
        return self.clean_days("ticket_days_before")

    def clean_supervised_ticket_days_before(self) -> str:
        return self.clean_days("supervised_ticket_days_before")

    def clean_plan_deadline_month(self) -> int:
        month = self.cleaned_data["plan_deadline_month"]
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Enter a month from 1 to 12."), code="month")
        return month

    def clean(self):
        data = super().clean()
        month, day = data.get("plan_deadline_month"), data.get("plan_deadline_day")
        if month and day is not None:
            # February is read as the 28th at the latest, so 29 is accepted there.
            last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
            if not 1 <= day <= last:
                self.add_error("plan_deadline_day", _("This month has no day %(day)d.") % {"day": day})
        if data.get("quiet_start") is not None and data.get("quiet_start") == data.get("quiet_end"):
            self.add_error("quiet_end", _("Quiet hours must end at another time than they start."))
        for switch, url in CHANNEL_URLS:
            if data.get(switch) and not data.get(url) and url not in self.errors:
                self.add_error(url, _("Enter the address to switch this channel on."))
        return data

    def sections(self):
        """(title, rows) per group for the template; a row is a list of bound fields shown side by side
        (a channel's switch next to its address)."""
        urls = dict(CHANNEL_URLS)
        out = []
        for title, names in SETTINGS_SECTIONS:
            if "email_enabled" in names:
                rows = [[self[name], *([self[urls[name]]] if name in urls else [])]
                        for name in names if name.endswith("_enabled")]
            else:
                rows = [[self[name] for name in names]]
            out.append((title, rows))
        return out


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = UserPreference
        fields = ["email", "sms"]


class InboxFilterForm(forms.Form):
    """The inbox's filter: unread or all, and one kind."""

    show = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("", _("All")), ("unread", _("Unread"))])
    kind = forms.ChoiceField(label=_("kind"), required=False,
                             choices=[("", _("Any kind")), *ReminderKind.choices])
