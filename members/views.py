from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from branches.choices import OrgKind
from branches.models import Organization
from core.scoping import Action
from core.views import (
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedObjectFormView,
    ScopedPageMixin,
    can_act_on,
    get_scoped_object_or_404,
)

from . import roster, services
from .choices import RevealChannel
from .filters import MemberFilter
from .forms import MemberForm, MemberRemoveForm, RosterImportForm
from .models import Member

# Filters that narrow the list to one organization: carried as hidden fields and shown as a label.


def writable_branches(user):
    return Organization.objects.visible_to(user, Action.CHANGE).filter(kind=OrgKind.BRANCH)


class MemberListView(ScopedListView):
    """The roster of the user's subtree, filtered with the filter set the API and the export share."""

    model = Member
    queryset = Member.objects.select_related("organization", "group")
    filterset_class = MemberFilter
    scope_filters = ("organization", "within", "group")
    template_name = "members/list.html"
    context_object_name = "members"
    paginate_by = 30

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET.get("is_active"):
            # Members taken off the roster show only when asked for.
            qs = qs.filter(is_active=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = writable_branches(self.request.user).exists()
        return ctx


class MemberExportView(MemberListView):
    """The filtered list as an .xlsx in the import layout."""

    def get(self, request, *args, **kwargs):
        return roster.export_response(actor=request.user, members=self.get_queryset())


class MemberTemplateView(ScopedPageMixin, generic.View):
    """The empty import template."""

    def get(self, request, *args, **kwargs):
        return roster.template_response(actor=request.user)


class MemberDetailView(ScopedDetailView):
    model = Member
    queryset = Member.objects.select_related("organization", "group")
    template_name = "members/detail.html"
    context_object_name = "member"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member, user = self.object, self.request.user
        ctx["can_reveal"] = services.can_reveal(user)
        ctx["can_change"] = member.is_active and can_act_on(user, member, Action.CHANGE)
        ctx["committee_posts"] = member.committee_posts.filter(ended_on__isnull=True).select_related("organization")
        return ctx


class MemberRevealView(MemberDetailView):
    """POST only: the detail page with the national ID and phone in the clear; every reveal is logged."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 when out of scope, before anything else
        if not services.can_reveal(request.user):
            raise PermissionDenied
        revealed = services.member_reveal(actor=request.user, member=self.object, channel=RevealChannel.PAGE)
        response = self.render_to_response(self.get_context_data(object=self.object, revealed=revealed))
        response["Cache-Control"] = "no-store"
        return response


class MemberCreateView(ScopedFormView):
    scope_action = Action.CHANGE
    form_class = MemberForm
    template_name = "members/form.html"
    success_message = _("The member has been added.")

    def check_access(self):
        organization = self.request.GET.get("organization")
        if organization:
            self.organization = get_scoped_object_or_404(
                Organization.objects.filter(kind=OrgKind.BRANCH), self.request.user, organization, Action.CHANGE)
        elif not writable_branches(self.request.user).exists():
            raise PermissionDenied

    def get_initial(self):
        org = getattr(self, "organization", None)
        return {"organization": org.pk} if org else {}

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user,
                                            "instance": Member(tenant_id=self.request.user.tenant_id)}

    def perform(self, form):
        return services.member_create(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return reverse("members:detail", args=[self.result.pk])


class MemberEditView(ScopedObjectFormView):
    model = Member
    scope_action = Action.CHANGE
    form_class = MemberForm
    template_name = "members/form.html"
    context_object_name = "member"
    success_message = _("The member has been saved.")

    def get_form_kwargs(self):
        # The form validates a copy; the service compares with, then writes, the stored record.
        copy = Member.objects.get(pk=self.object.pk)
        return super().get_form_kwargs() | {"user": self.request.user, "instance": copy}

    def perform(self, form):
        return services.member_update(actor=self.request.user, member=self.object, **form.service_fields())

    def get_success_url(self):
        return reverse("members:detail", args=[self.object.pk])


class MemberRemoveView(ScopedObjectFormView):
    model = Member
    scope_action = Action.CHANGE
    form_class = MemberRemoveForm
    template_name = "members/confirm_remove.html"
    context_object_name = "member"
    success_message = _("The member has been taken off the roster.")

    def perform(self, form):
        return services.member_remove(actor=self.request.user, member=self.object)

    def get_success_url(self):
        return reverse("members:list")


class RosterImportView(ScopedFormView):
    """Upload an .xlsx roster; all rows are written or none, with a row-by-row error report."""

    scope_action = Action.CHANGE
    form_class = RosterImportForm
    template_name = "members/import.html"

    def check_access(self):
        if not writable_branches(self.request.user).exists():
            raise PermissionDenied

    def perform(self, form):
        return roster.import_roster(actor=self.request.user, file=form.cleaned_data["file"])

    def done(self, result):
        if result.errors:
            return self.render_to_response(self.get_context_data(result=result))
        messages.success(self.request, result.summary)
        return redirect("members:list")
