"""Pages for reminders: the caller's own inbox, the tenant's reminder settings, each user's channels.

The inbox is strictly the caller's own reminders (nobody reads another's inbox: anything else is
404); every write goes through ``notifications.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import generic

from core.scoping import Action, subtree_prefixes
from core.views import ServiceFormMixin, style_form

from . import scan, services
from .choices import ReminderKind
from .forms import InboxFilterForm, PreferenceForm, ReminderSettingsForm
from .models import Reminder, UserPreference


def own_reminders(user):
    """The reminders addressed to ``user`` in their own tenant: the only rows these pages touch."""
    return Reminder.objects.filter(recipient=user, tenant_id=user.tenant_id)


def safe_link(request, link: str) -> str | None:
    """``link`` when it is a path inside this site, else None (a reminder never sends anyone away)."""
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return link
    return None


def can_admin_settings(user) -> bool:
    return bool(user.tenant_id) and bool(subtree_prefixes(user, Action.ADMIN))


class InboxView(LoginRequiredMixin, generic.ListView):
    """The caller's reminders, newest first; unread ones bold; filter unread/all and by kind."""

    model = Reminder
    template_name = "notifications/inbox.html"
    context_object_name = "reminders"
    paginate_by = 20

    def get_queryset(self):
        self.filter_form = InboxFilterForm(self.request.GET)
        values = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        self.show, self.kind = values.get("show", ""), values.get("kind", "")
        qs = own_reminders(self.request.user).select_related("organization")
        if self.show == "unread":
            qs = qs.filter(read_at__isnull=True)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        counts = own_reminders(self.request.user).aggregate(
            total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
        labels = dict(ReminderKind.choices)
        for reminder in ctx["reminders"]:
            reminder.kind_label = labels.get(reminder.kind, reminder.kind)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            counts=counts, show=self.show, kind=self.kind, filter_form=style_form(self.filter_form),
            querystring=query.urlencode(), filtered=bool(self.show or self.kind),
            here=self.request.get_full_path(),
            show_links=[
                {"value": "", "label": _("All"), "count": counts["total"], "url": self._url(show=None)},
                {"value": "unread", "label": _("Unread"), "count": counts["unread"], "url": self._url(show="unread")},
            ],
        )
        return ctx

    def _url(self, **changes) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        for key, value in changes.items():
            query.pop(key, None)
            if value:
                query[key] = value
        encoded = query.urlencode()
        return f"{reverse('notifications:inbox')}?{encoded}" if encoded else reverse("notifications:inbox")


class ReminderOpenView(LoginRequiredMixin, generic.View):
    """Open one of the caller's reminders: mark it read, then go where it points (another's is 404)."""

    model = Reminder

    def get(self, request, pk):
        reminder = get_object_or_404(own_reminders(request.user), pk=pk)
        services.mark_read(user=request.user, reminder_ids=[reminder.pk])
        link = safe_link(request, reminder.link)
        if link is None:
            messages.info(request, reminder.title)
            return redirect("notifications:inbox")
        return redirect(link)


def back_to_inbox(request):
    """Where a POST from the inbox returns: the ``next`` it carried (an inbox URL), else the inbox."""
    target = request.POST.get("next", "")
    inbox = reverse("notifications:inbox")
    if target.startswith(inbox) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(inbox)


class ReminderReadView(LoginRequiredMixin, generic.View):
    """Mark one of the caller's reminders read without opening it (POST)."""

    model = Reminder

    def post(self, request, pk):
        reminder = get_object_or_404(own_reminders(request.user), pk=pk)
        services.mark_read(user=request.user, reminder_ids=[reminder.pk])
        return back_to_inbox(request)


class ReadAllView(LoginRequiredMixin, generic.View):
    """Mark all of the caller's reminders read (POST)."""

    model = Reminder

    def post(self, request):
        count = services.mark_read(user=request.user)
        if count:
            messages.success(request, ngettext("%(count)d reminder marked as read.",
                                               "%(count)d reminders marked as read.", count) % {"count": count})
        return back_to_inbox(request)


class ReminderSettingsView(LoginRequiredMixin, ServiceFormMixin, generic.FormView):
    """The tenant's reminder settings: tenant administrators change them, everyone else reads them."""

    form_class = ReminderSettingsForm
    template_name = "notifications/settings.html"
    success_message = gettext_lazy("The reminder settings have been saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.tenant_id:
                raise Http404
            self.editable = can_admin_settings(request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.editable:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": scan.settings_for(self.request.user.tenant_id),
                                            "editable": self.editable}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["editable"] = self.editable
        return ctx

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.settings_save(actor=self.request.user, tenant_id=self.request.user.tenant_id, **fields)

    def get_success_url(self):
        return reverse("notifications:settings")


class PreferenceView(LoginRequiredMixin, ServiceFormMixin, generic.FormView):
    """The caller's own channels besides the inbox (which always receives everything)."""

    form_class = PreferenceForm
    template_name = "notifications/preferences.html"
    success_message = gettext_lazy("Your notification preferences have been saved.")

    def get_form_kwargs(self):
        user = self.request.user
        pref = UserPreference.objects.filter(user=user).first() or UserPreference(user=user)
        return super().get_form_kwargs() | {"instance": pref}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        config = scan.settings_for(user.tenant_id) if user.tenant_id else None
        # Why a switch may have no effect: the tenant has the channel off, or the user has no address.
        notes = {
            "email": (_("Your organization does not send reminders by e-mail.") if config and not config.email_enabled
                      else _("Your account has no e-mail address.") if not user.email else ""),
            "sms": _("Your organization does not send reminders by SMS.") if config and not config.sms_enabled else "",
        }
        ctx["rows"] = [(ctx["form"][name], notes.get(name, "")) for name in ctx["form"].fields]
        return ctx

    def perform(self, form):
        return services.preference_save(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("notifications:preferences")
