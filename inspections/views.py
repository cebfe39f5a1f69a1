"""Pages for inspections, visits and the rectification ledger (整改台账).

The pages only shape input and output: every write is a call to ``inspections.services`` (which
refuses what the transition table or the role does not allow), every read of substance a selector.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.choices import ActivityKind, RequirementStatus
from branches.choices import CommitteePost, OrgKind
from branches.models import Organization
from core.scoping import Action
from core.views import (
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedObjectFormView,
    can_act_on,
    child_or_404,
    file_response,
    style_form,
)
from members.models import CommitteeMembership

from . import exports, selectors, services, transitions
from .choices import ItemResult, Severity, TicketAction, TicketStatus
from .filters import InspectionFilter, TicketFilter
from .forms import (
    AttachmentForm,
    CheckForm,
    CheckItemAddForm,
    CommentForm,
    FileFromItemForm,
    InspectionForm,
    InspectorForm,
    MeasureAddForm,
    MeasureFormSet,
    MeasureStatusForm,
    SupervisionForm,
    TicketForm,
    TransitionForm,
    default_deadline,
    inspectable_organizations,
)
from .models import ChecklistTemplate, Inspection, RectificationTicket, Visit

# What the history shows for each recorded event; transitions use the action's own label.
EVENT_LABELS = {
    "file": gettext_lazy("Filed"),
    "measure_add": gettext_lazy("Measure added"),
    "measure_status": gettext_lazy("Measure status changed"),
    "comment": gettext_lazy("Comment added"),
    "attachment": gettext_lazy("Evidence attached"),
    "inspector_add": gettext_lazy("Inspector added"),
    "supervision_on": gettext_lazy("Registered supervision set"),
    "supervision_off": gettext_lazy("Registered supervision lifted"),
    **dict(TicketAction.choices),
}
# Button style per transition: the answering side moves forward, the inspector accepts, returns or reopens.
ACTION_STYLES = {
    TicketAction.ACKNOWLEDGE: "primary", TicketAction.START: "primary", TicketAction.SUBMIT: "primary",
    TicketAction.ACCEPT: "success", TicketAction.CLOSE: "success", TicketAction.RETURN: "outline-danger",
    TicketAction.REOPEN: "outline-warning",
}
# The organization select of the ledger filter lists at most this many nodes (groups left out).
WITHIN_CHOICES = 500


def can_inspect_somewhere(user) -> bool:
    return inspectable_organizations(user).exists()


def previous_quarter(today: date) -> tuple[date, date]:
    """The last full quarter before ``today``: the usual period under review."""
    first_month = (today.month - 1) // 3 * 3 + 1
    end = date(today.year, first_month, 1) - timedelta(days=1)
    start = date(end.year, (end.month - 1) // 3 * 3 + 1, 1)
    return start, end


def with_query(request, **changes) -> str:
    """The current query string with some parameters replaced (None drops one, a list repeats it);
    the page number is always dropped."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if isinstance(value, list):
            query.setlist(key, value)
        elif value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def flash_form_errors(request, form) -> None:
    """A POST-only form's errors as messages on the page it returns to, each naming its field."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            if field is not None and field.label:
                error = _("%(field)s: %(error)s") % {"field": capfirst(field.label), "error": error}
            messages.error(request, error)


# --- inspections -------------------------------------------------------------------------

class InspectionListView(ScopedListView):
    """Inspections organized by units the user can see, newest first."""

    model = Inspection
    queryset = Inspection.objects.select_related("organization").annotate(
        visit_count=Count("visits", distinct=True),
        failed_count=Count("visits__items", filter=Q(visits__items__result=ItemResult.FAILED), distinct=True),
        ticket_count=Count("visits__items__ticket", distinct=True),
    ).order_by("-starts_on", "-id")
    filterset_class = InspectionFilter
    scope_filters = ("within",)
    template_name = "inspections/list.html"
    context_object_name = "inspections"
    paginate_by = 30

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = can_inspect_somewhere(self.request.user)
        return ctx


class InspectionCreateView(ScopedFormView):
    """Plan an inspection: organizing unit, team, dates, period under review, targets and checklist."""

    scope_action = Action.INSPECT
    form_class = InspectionForm
    template_name = "inspections/inspection_form.html"
    success_message = gettext_lazy("The inspection has been created.")

    def check_access(self):
        if not can_inspect_somewhere(self.request.user):
            raise PermissionDenied
        # The default checklist and categories, so the form can offer them on a tenant's first visit.
        services.ensure_tenant_defaults(tenant_id=self.request.user.tenant_id)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        today = timezone.localdate()
        review_from, review_to = previous_quarter(today)
        first_org = inspectable_organizations(self.request.user).values_list("pk", flat=True).first()
        template = ChecklistTemplate.objects.filter(tenant_id=self.request.user.tenant_id).first()
        return {"kind": "supervision", "starts_on": today, "ends_on": today + timedelta(days=14),
                "review_from": review_from, "review_to": review_to, "organization": first_org,
                "template": template.pk if template else None}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        chosen = {str(v) for v in (form["targets"].value() or [])}
        orgs = list(form.fields["targets"].queryset)
        base = min((o.depth for o in orgs), default=0)
        ctx["target_options"] = [(o, str(o.pk) in chosen, o.depth - base) for o in orgs]
        team = {str(v) for v in (form["team"].value() or [])}
        ctx["team_options"] = [(u, str(u.pk) in team) for u in form.fields["team"].queryset]
        return ctx

    def perform(self, form):
        return services.inspection_create(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return reverse("inspections:detail", args=[self.result.pk])


class InspectionDetailView(ScopedDetailView):
    """One inspection with the progress of each visit."""

    model = Inspection
    queryset = Inspection.objects.select_related("organization", "created_by").prefetch_related("team")
    template_name = "inspections/detail.html"
    context_object_name = "inspection"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visits = list(
            Visit.objects.visible_to(user, Action.VIEW).filter(inspection=self.object).select_related("target")
            .annotate(total=Count("items", distinct=True),
                      checked=Count("items", filter=~Q(items__result=ItemResult.PENDING), distinct=True),
                      failed=Count("items", filter=Q(items__result=ItemResult.FAILED), distinct=True),
                      tickets=Count("items__ticket", distinct=True))
            .order_by("target__path"))
        for visit in visits:
            visit.percent = round(100 * visit.checked / visit.total) if visit.total else 0
        ctx["visits"] = visits
        ctx["totals"] = {key: sum(getattr(v, key) for v in visits) for key in ("total", "checked", "failed",
                                                                                "tickets")}
        ctx["can_inspect"] = can_act_on(user, self.object, Action.INSPECT)
        return ctx


# --- visits ------------------------------------------------------------------------------

def current_secretary(organization: Organization) -> str:
    """The name of the organization's secretary, if a committee is recorded: the usual responsible person."""
    post = (CommitteeMembership.objects.filter(tenant_id=organization.tenant_id, organization=organization,
                                               post=CommitteePost.SECRETARY, ended_on__isnull=True)
            .select_related("member").first())
    return post.member.name if post else ""


class VisitDetailView(ScopedDetailView):
    """A visit: its checklist (record each item, file a ticket from a failed one) and the target's facts."""

    model = Visit
    queryset = Visit.objects.select_related("inspection", "inspection__organization", "target")
    template_name = "inspections/visit.html"
    context_object_name = "visit"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visit, user = self.object, self.request.user
        can_inspect = can_act_on(user, visit, Action.INSPECT)
        items = list(visit.items.select_related("ticket", "checked_by"))
        person = current_secretary(visit.target) if can_inspect else ""
        for item in items:
            item.has_ticket = getattr(item, "ticket", None) is not None
            if can_inspect:
                item.check_form = CheckForm(initial={"item": item.pk, "result": item.result, "note": item.note},
                                            auto_id=f"id_item{item.pk}_%s")
                if item.result == ItemResult.FAILED and not item.has_ticket:
                    item.file_form = style_form(FileFromItemForm(
                        initial={"item": item.pk, "deadline": default_deadline(), "responsible_person": person},
                        auto_id=f"id_file{item.pk}_%s"))
        ctx["items"] = items
        ctx["progress"] = {
            "total": len(items),
            "checked": sum(1 for i in items if i.result != ItemResult.PENDING),
            "failed": sum(1 for i in items if i.result == ItemResult.FAILED),
            "tickets": sum(1 for i in items if i.has_ticket),
        }
        ctx["can_inspect"] = can_inspect
        ctx["inspection_visible"] = Inspection.objects.visible_to(user, Action.VIEW).filter(
            pk=visit.inspection_id).exists()
        if can_inspect:
            ctx["add_form"] = style_form(CheckItemAddForm(tenant_id=visit.tenant_id))
        ctx["facts"] = self.facts(visit)
        return ctx

    def facts(self, visit: Visit) -> dict:
        facts = selectors.visit_facts(visit=visit)
        kinds = dict(ActivityKind.choices)
        org_ids = {s.org_id for s in facts["requirements"]}
        names = dict(Organization.objects.filter(tenant_id=visit.tenant_id, pk__in=org_ids)
                     .values_list("pk", "name"))
        requirements = [
            {"kind": kinds.get(s.kind, s.kind), "period": s.label, "organization": names.get(s.org_id, ""),
             "held": s.held, "required": s.required, "status": s.status,
             "status_label": RequirementStatus(s.status).label if s.status in RequirementStatus.values else s.status}
            for s in facts["requirements"]]
        rate = facts["attendance_rate"]
        return {**facts, "requirements": requirements,
                "overdue_rows": [r for r in requirements if r["status"] == RequirementStatus.OVERDUE],
                "attendance_percent": None if rate is None else round(rate * 100)}


class VisitActionView(ScopedObjectFormView):
    """Base of the visit's POST actions: the inspector's side only (403 otherwise, 404 out of scope)."""

    model = Visit
    scope_action = Action.INSPECT
    http_method_names = ["post"]
    anchor = ""

    def get_success_url(self):
        return reverse("inspections:visit", args=[self.object.pk]) + self.anchor

    def form_invalid(self, form):
        flash_form_errors(self.request, form)
        return redirect(self.get_success_url())

    def item(self, item_id):
        item = self.object.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": _("The item is not on this visit's checklist.")})
        return item


class VisitCheckView(VisitActionView):
    """Record one item: passed, failed (with a note) or not applicable, with optional evidence."""

    form_class = CheckForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        item_id = self.request.POST.get("item", "")
        self.anchor = f"#item-{item_id}" if item_id.isdigit() else ""
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.check_item_record(actor=self.request.user, item=self.item(data["item"]),
                                          result=data["result"], note=data["note"],
                                          evidence=data.get("evidence") or None)

    def done(self, result):
        messages.success(self.request, _("“%(text)s”: %(result)s.") % {"text": result.text,
                                                                          "result": result.get_result_display()})
        return super().done(result)


class VisitAddItemView(VisitActionView):
    """An ad-hoc checklist item for this visit."""

    form_class = CheckItemAddForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"tenant_id": self.object.tenant_id}

    def perform(self, form):
        item = services.check_item_add(actor=self.request.user, visit=self.object, **form.cleaned_data)
        self.anchor = f"#item-{item.pk}"
        return item


class VisitFileTicketView(ScopedObjectFormView):
    """A failed item becomes a rectification ticket in one step (services.ticket_from_item)."""

    model = Visit
    scope_action = Action.INSPECT
    form_class = FileFromItemForm
    template_name = "inspections/file_ticket.html"
    context_object_name = "visit"

    def get_object(self, queryset=None):
        visit = super().get_object(queryset)
        item_id = self.request.POST.get("item") if self.request.method == "POST" else self.request.GET.get("item")
        self.check_item = visit.items.filter(pk=item_id).first() if str(item_id or "").isdigit() else None
        if self.check_item is None:
            raise Http404
        return visit

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        ticket = RectificationTicket.objects.filter(check_item=self.check_item).first()
        if ticket is not None:
            messages.info(request, _("A ticket was already filed for this item."))
            return redirect("inspections:ticket", ticket.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"item": self.check_item.pk, "deadline": default_deadline(),
                "responsible_person": current_secretary(self.object.target)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"item": self.check_item}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("item")
        return services.ticket_from_item(actor=self.request.user, item=self.check_item, **data)

    def done(self, result):
        messages.success(self.request, _("Ticket %(number)s has been filed.") % {"number": result.number})
        return redirect("inspections:ticket", result.pk)


class VisitEvidenceView(ScopedDetailView):
    """The evidence file of one checklist item (``?item=``), for those who may see the visit."""

    model = Visit

    def get(self, request, *args, **kwargs):
        item = child_or_404(self.get_object().items.exclude(evidence=""), request.GET.get("item", ""))
        return file_response(item.evidence, filename=item.evidence.name.rsplit("/", 1)[-1])


# --- the ledger --------------------------------------------------------------------------

class LedgerView(ScopedListView):
    """The rectification ledger (整改台账): counts by status, filters shared with the API and the export."""

    model = RectificationTicket
    filterset_class = TicketFilter
    template_name = "inspections/ledger.html"
    context_object_name = "tickets"
    paginate_by = 30

    def filtered(self, data):
        filterset = TicketFilter(data or None, queryset=selectors.ledger(user=self.request.user),
                                 request=self.request)
        return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset)

    def get_queryset(self):
        self.filterset, qs = self.filtered(self.request.GET)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        today = timezone.localdate()
        # The counts follow every filter but the status, so each one says what its link will show.
        without_status = request.GET.copy()
        without_status.pop("status", None)
        without_status.pop("page", None)
        counts = selectors.ledger_counts(self.filtered(without_status)[1], today=today)
        chosen = request.GET.getlist("status")
        ctx["counts"] = counts
        ctx["status_links"] = [
            {"value": value, "label": label, "count": counts["by_status"][value], "active": chosen == [value],
             "url": with_query(request, status=value)}
            for value, label in TicketStatus.choices]
        ctx["all_url"] = with_query(request, status=None)
        ctx["overdue_url"] = with_query(request, overdue="true", status=None)
        # The supervision count leaves finished tickets out (selectors.ledger_counts); so does its link.
        open_statuses = [s for s in TicketStatus.values if s not in transitions.FINISHED]
        ctx["supervision_url"] = with_query(request, registered_supervision="true", status=open_statuses)
        for ticket in ctx["tickets"]:
            ticket.overdue = ticket.is_overdue(today)
        ctx["values"] = {name: request.GET.get(name, "") for name in TicketFilter.base_filters}
        ctx["values"]["status"] = chosen[0] if len(chosen) == 1 else ""
        ctx["all_statuses"] = not chosen
        ctx["errors"] = self.filterset.errors if self.filterset.is_bound else {}
        orgs = list(Organization.objects.visible_to(user, Action.VIEW).exclude(kind=OrgKind.GROUP)
                    .order_by("path")[:WITHIN_CHOICES])
        within = ctx["values"]["within"]
        if within.isdigit() and all(str(o.pk) != within for o in orgs):
            orgs += list(Organization.objects.visible_to(user, Action.VIEW).filter(pk=within))
        base = min((o.depth for o in orgs), default=0)
        ctx["within_options"] = [(o, "\u3000" * (o.depth - base)) for o in orgs]
        ctx["status_choices"] = TicketStatus.choices
        ctx["severity_choices"] = Severity.choices
        ctx["category_choices"] = selectors.categories(tenant_id=user.tenant_id) if user.tenant_id else []
        ctx["can_file"] = can_inspect_somewhere(user)
        ctx["filtered"] = any(v for k, v in request.GET.items() if k != "page")
        ctx["ledger_nav"] = True
        return ctx


class LedgerExportView(LedgerView):
    """The filtered ledger as Excel in the customary columns."""

    def get(self, request, *args, **kwargs):
        return exports.ledger_response(self.get_queryset())


class TicketCreateView(ScopedFormView):
    """File a ticket directly, with its measures (services.ticket_file)."""

    scope_action = Action.INSPECT
    form_class = TicketForm
    template_name = "inspections/ticket_form.html"
    success_message = gettext_lazy("The ticket has been filed.")

    def check_access(self):
        if not can_inspect_somewhere(self.request.user):
            raise PermissionDenied
        services.ensure_tenant_defaults(tenant_id=self.request.user.tenant_id)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        initial = {"deadline": default_deadline()}
        org = self.request.GET.get("organization", "")
        if org.isdigit() and inspectable_organizations(self.request.user).filter(pk=org).exists():
            initial["organization"] = int(org)
        return initial

    def get_formset(self):
        formset = MeasureFormSet(self.request.POST or None, prefix="measures")
        for form in formset.forms:
            style_form(form)
        return formset

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["formset"] = getattr(self, "formset", None) or self.get_formset()
        ctx["ledger_nav"] = True
        return ctx

    def post(self, request, *args, **kwargs):
        self.check_access()
        form, self.formset = self.get_form(), self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, form):
        return services.ticket_file(actor=self.request.user, measures=self.formset.entries, **form.cleaned_data)

    def get_success_url(self):
        return reverse("inspections:ticket", args=[self.result.pk])


# --- one ticket --------------------------------------------------------------------------

def ticket_sides(user, ticket) -> dict[str, bool]:
    """Which sides of the life cycle the user holds on this ticket (the same test the services make)."""
    return {transitions.ANSWER: can_act_on(user, ticket, Action.CHANGE),
            transitions.INSPECT: can_act_on(user, ticket, Action.INSPECT)}


def available_actions(user, ticket) -> list[dict]:
    """The transitions this user may make right now: the table's actions from the state, on the user's side."""
    sides = ticket_sides(user, ticket)
    result = []
    for action in transitions.actions_from(ticket.status):
        _new_status, side = transitions.next_state(ticket.status, action)
        if sides[side]:
            result.append({"action": action, "label": TicketAction(action).label,
                           "needs_reason": action in transitions.NEEDS_REASON,
                           "needs_completion": action == TicketAction.SUBMIT,
                           "style": ACTION_STYLES.get(action, "primary")})
    return result


class TicketDetailView(ScopedDetailView):
    """A ticket with measures, comments, evidence, history, and only the buttons the user may use now."""

    model = RectificationTicket
    queryset = RectificationTicket.objects.select_related(
        "organization", "category", "filed_by", "responsible_user", "check_item__visit__target",
        "check_item__visit__inspection").prefetch_related("measures", "comments__author", "events__actor",
                                                           "attachments")
    template_name = "inspections/ticket.html"
    context_object_name = "ticket"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ticket, user = self.object, self.request.user
        sides = ticket_sides(user, ticket)
        answer, inspect = sides[transitions.ANSWER], sides[transitions.INSPECT]
        finished = ticket.status in transitions.FINISHED
        statuses = dict(TicketStatus.choices)
        events = list(ticket.events.all())
        for event in events:
            event.label = EVENT_LABELS.get(event.action, event.action)
            event.from_label = statuses.get(event.from_status, "")
            event.to_label = statuses.get(event.to_status, "")
        ctx.update({
            "events": events,
            "overdue": ticket.is_overdue(timezone.localdate()),
            "actions": available_actions(user, ticket),
            "can_answer": answer,
            "can_inspect": inspect,
            "can_add_measure": (answer or inspect) and not finished,
            "can_set_measure_status": answer,
            "can_comment": answer or inspect,
            "measure_form": style_form(MeasureAddForm(auto_id="id_measure_%s")),
            "measure_status_choices": MeasureStatusForm.base_fields["status"].choices,
            "comment_form": style_form(CommentForm(auto_id="id_comment_%s")),
            "attachment_form": style_form(AttachmentForm(auto_id="id_attachment_%s")),
            "ledger_nav": True,
        })
        if inspect:
            ctx["inspector_form"] = style_form(InspectorForm(user=user, auto_id="id_inspector_%s"))
        item = ticket.check_item
        if item is not None and Visit.objects.visible_to(user, Action.VIEW).filter(pk=item.visit_id).exists():
            ctx["finding"] = item
        return ctx


class TicketActionView(ScopedObjectFormView):
    """Base of the ticket's POST actions. The service decides who may act; a refusal changes nothing
    and answers 403 with the ticket page and the reason; invalid input comes back as messages."""

    model = RectificationTicket
    http_method_names = ["post"]
    anchor = ""

    def get_success_url(self):
        return reverse("inspections:ticket", args=[self.object.pk]) + self.anchor

    def form_invalid(self, form):
        flash_form_errors(self.request, form)
        return redirect(self.get_success_url())

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as exc:
            messages.error(self.request, str(exc) or _("You cannot change this ticket."))
            page = TicketDetailView()
            page.setup(self.request, pk=self.object.pk)
            page.object = page.get_object()
            return page.render_to_response(page.get_context_data(object=page.object), status=403)


class TicketTransitionView(TicketActionView):
    form_class = TransitionForm

    def perform(self, form):
        data = form.cleaned_data
        completion = data["completion"] if data["action"] == TicketAction.SUBMIT else None
        return services.ticket_transition(actor=self.request.user, ticket=self.object, action=data["action"],
                                          reason=data["reason"], completion=completion)

    def done(self, result):
        messages.success(self.request, _("“%(action)s” done: the ticket is now %(status)s.") % {
            "action": TicketAction(self.result_action).label, "status": result.get_status_display()})
        return redirect(self.get_success_url())

    def form_valid(self, form):
        self.result_action = form.cleaned_data["action"]
        return super().form_valid(form)


class TicketMeasureAddView(TicketActionView):
    form_class = MeasureAddForm
    anchor = "#measures"
    success_message = gettext_lazy("The measure has been added.")

    def perform(self, form):
        return services.measure_add(actor=self.request.user, ticket=self.object, **form.cleaned_data)


class TicketMeasureStatusView(TicketActionView):
    form_class = MeasureStatusForm
    anchor = "#measures"
    success_message = gettext_lazy("The measure's status has been saved.")

    def perform(self, form):
        measure = self.object.measures.filter(pk=form.cleaned_data["measure"]).first()
        if measure is None:
            raise ValidationError({"measure": _("The measure does not belong to this ticket.")})
        return services.measure_set_status(actor=self.request.user, measure=measure,
                                           status=form.cleaned_data["status"])


class TicketCommentView(TicketActionView):
    form_class = CommentForm
    anchor = "#comments"
    success_message = gettext_lazy("The comment has been added.")

    def perform(self, form):
        return services.comment_add(actor=self.request.user, ticket=self.object, text=form.cleaned_data["text"])


class TicketAttachmentAddView(TicketActionView):
    form_class = AttachmentForm
    anchor = "#evidence"
    success_message = gettext_lazy("The evidence has been attached.")

    def perform(self, form):
        return services.ticket_attachment_add(actor=self.request.user, ticket=self.object,
                                              upload=form.cleaned_data["file"])


class TicketInspectorAddView(TicketActionView):
    form_class = InspectorForm
    success_message = gettext_lazy("The inspector has been added to this ticket.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form):
        return services.ticket_add_inspector(actor=self.request.user, ticket=self.object,
                                             user=form.cleaned_data["user"])


class TicketSupervisionView(TicketActionView):
    """Set or lift registered supervision (挂号督办)."""

    form_class = SupervisionForm

    def perform(self, form):
        return services.ticket_set_supervision(actor=self.request.user, ticket=self.object,
                                               registered=form.cleaned_data["registered"])

    def done(self, result):
        messages.success(self.request, _("Registered supervision is set.") if result.registered_supervision
                         else _("Registered supervision has been lifted."))
        return redirect(self.get_success_url())


class TicketNoticeView(ScopedDetailView):
    """The rectification notice (整改通知书) as a printable PDF."""

    model = RectificationTicket
    queryset = RectificationTicket.objects.select_related("organization", "category").prefetch_related("measures")

    def get(self, request, *args, **kwargs):
        return exports.notice_response(self.get_object())


class TicketAttachmentView(ScopedDetailView):
    """One evidence file of the ticket (``?id=``), for those who may see the ticket."""

    model = RectificationTicket

    def get(self, request, *args, **kwargs):
        attachment = child_or_404(self.get_object().attachments.all(), request.GET.get("id", ""))
        return file_response(attachment.file, filename=attachment.original_name,
                             content_type=attachment.content_type)
