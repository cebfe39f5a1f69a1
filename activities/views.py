"""Pages for organizational life (组织生活): calendar, meetings, compliance, plans, reviews, talks, rules.

Every page goes through the base classes of core/views.py (scoping, 404 out of scope, 403 for what the
user may see but not do) and every write through activities/services.py, like the API.
"""

from __future__ import annotations

import calendar as calendar_lib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from branches.selectors import organization_ancestors, organization_roots
from core.scoping import Action, subtree_prefixes
from core.views import (
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedObjectFormView,
    ScopedPageMixin,
    add_service_errors,
    can_act_on,
    child_or_404,
    file_response,
    get_scoped_object_or_404,
    style_form,
)
from members.models import Member

from . import rules, selectors, services
from .choices import (
    ActivityKind,
    AttendanceStatus,
    Grade,
    PairKind,
    Period,
    PlanStatus,
    RequirementStatus,
    ReviewDecision,
)
from .filters import MeetingFilter
from .forms import (
    DATETIME_FORMAT,
    AppraisalForm,
    AttachmentForm,
    ConfirmForm,
    CorrectionForm,
    MakeUpForm,
    MeetingForm,
    PlanDecisionForm,
    PlanForm,
    PlanItemFormSet,
    ReviewDecisionForm,
    RuleVersionForm,
    TalkForm,
    attendance_checklist,
    attendee_pool,
    checklist_context,
    meeting_kinds_for,
    posted_attendance,
)
from .models import ActivityRule, Appraisal, Attendance, Meeting, Plan, Talk

STATUS_CSS = {
    RequirementStatus.DONE: "success",
    RequirementStatus.DUE: "warning",
    RequirementStatus.OVERDUE: "danger",
    RequirementStatus.UPCOMING: "secondary",
}
REVIEW_CSS = {ReviewDecision.SUBMITTED: "info", ReviewDecision.APPROVED: "success", ReviewDecision.RETURNED: "danger"}
PLAN_CSS = {PlanStatus.DRAFT: "secondary", PlanStatus.SUBMITTED: "info", PlanStatus.FILED: "success",
            PlanStatus.RETURNED: "danger"}
# Requirements list the month's first, then the quarter's and the year's.
PERIOD_ORDER = {Period.MONTH: 0, Period.QUARTER: 1, Period.YEAR: 2}
# Organizations listed per page in a subtree's compliance overview.
SUBTREE_PAGE_SIZE = 50
# Root organizations on the home page that get a compliance summary (a reviewer may have many roots).
HOME_SUMMARIES = 5
# Kinds whose organizations hold their own plans, reviews and talks.
BRANCH_PAGES = (OrgKind.BRANCH,)


# --- small helpers ---------------------------------------------------------------------------------

def year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def date_param(value: str | None, default: date) -> date:
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if 2000 <= day.year <= 2100 else default


def month_param(value: str | None, default: date) -> date:
    """The first day of the month ``YYYY-MM`` (or of the default's month)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else default.replace(day=1)
    except ValueError:
        return default.replace(day=1)


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes from the start of ``start`` to the start of the day after ``end`` (local time)."""
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)


def styled(form):
    """Bootstrap classes on every widget; checkbox groups and radios as form-check inputs."""
    style_form(form)
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
            field.widget.attrs["class"] = "form-check-input"
    return form


def error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def requirement_rows(statuses, *, user) -> list[dict]:
    """Statuses as table rows: labels, colours, evidence meetings (with topic and day) and missing pairs."""
    meeting_ids = {i for s in statuses for i in s.evidence if i > 0}
    meetings = {m.pk: m for m in Meeting.objects.visible_to(user).filter(pk__in=meeting_ids)
                .only("pk", "topic", "starts_at")} if meeting_ids else {}
    rows = []
    for s in sorted(statuses, key=lambda s: (PERIOD_ORDER.get(s.period, 9), s.start, s.kind)):
        rows.append({
            "kind": s.kind, "label": ActivityKind(s.kind).label, "period": s.period,
            "period_label": s.label, "start": s.start, "end": s.end, "required": s.required, "held": s.held,
            "status": s.status, "status_label": RequirementStatus(s.status).label, "css": STATUS_CSS[s.status],
            "meetings": [meetings[i] for i in s.evidence if i in meetings],
            "talks": sum(1 for i in s.evidence if i < 0),
            "missing_pairs": [PairKind(p).label for p in s.missing_pairs],
        })
    return rows


def compliance_blocks(organization, statuses: dict[int, list], *, user) -> list[dict]:
    """One block per organization of a ``compliance_for`` result: the organization first, then its groups."""
    orgs = {o.pk: o for o in Organization.objects.visible_to(user).filter(pk__in=list(statuses))}
    order = [organization.pk, *sorted((k for k in statuses if k != organization.pk),
                                      key=lambda k: orgs[k].code if k in orgs else "")]
    blocks = []
    for pk in order:
        if pk not in orgs:
            continue
        blocks.append({"organization": orgs[pk], "rows": requirement_rows(statuses[pk], user=user),
                       "summary": rules.summarize(statuses[pk])})
    return blocks


def home_summary(organization, *, today: date) -> dict:
    """This month's and this quarter's requirements of a branch (or group), for the home page."""
    q_start, q_end = rules.period_bounds(Period.QUARTER, today)
    m_start, _m_end = rules.period_bounds(Period.MONTH, today)
    statuses = selectors.compliance_for(organization=organization, start=q_start, end=q_end, today=today)
    own = statuses.get(organization.pk, [])
    month = [s for s in own if s.period == Period.MONTH and s.start == m_start]
    quarter = [s for s in own if s.period == Period.QUARTER]
    return {"month": [_badge(s) for s in month], "quarter": [_badge(s) for s in quarter],
            "month_label": rules.period_label(Period.MONTH, m_start),
            "quarter_label": rules.period_label(Period.QUARTER, q_start)}


def _badge(s) -> dict:
    return {"kind": s.kind, "label": ActivityKind(s.kind).label, "status": s.status, "held": s.held,
            "required": s.required, "status_label": RequirementStatus(s.status).label, "css": STATUS_CSS[s.status]}


# --- base classes of this app's pages ---------------------------------------------------------------

class OrganizationPageMixin:
    """A page about one organization (the URL's ``pk``): breadcrumbs, tabs and what the user may do there."""

    model = Organization
    context_object_name = "organization"
    tab = ""
    page_title = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        ctx.update(
            ancestors=organization_ancestors(user=user, organization=org),
            tab=self.tab, page_title=self.page_title, today=timezone.localdate(),
            can_change=org.status == OrgStatus.ACTIVE and can_act_on(user, org, Action.CHANGE),
            can_review=can_act_on(user, org, Action.REVIEW),
            has_branch_pages=org.kind in BRANCH_PAGES,
        )
        return ctx


class OrganizationFormPage(OrganizationPageMixin, ScopedObjectFormView):
    """Readable by whoever sees the organization; posting its form needs ``write_action`` on it (else 403)."""

    write_action = Action.CHANGE

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.request.method == "POST" and not can_act_on(self.request.user, obj, self.write_action):
            raise PermissionDenied
        return obj


class ObjectActionView(ScopedPageMixin, SingleObjectMixin, generic.View):
    """A button: POST only, one service call on the row in the URL, then back with a message."""

    http_method_names = ["post"]
    scope_action = Action.CHANGE
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.perform()
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return redirect(self.get_success_url())


# --- home -----------------------------------------------------------------------------------------

class HomeView(ScopedListView):
    """The user's organizations with this month's and quarter's requirements; a picker for reviewers."""

    model = Organization
    template_name = "activities/home.html"
    context_object_name = "results"
    paginate_by = 20

    def get_queryset(self):
        qs = super().get_queryset()
        q = (self.request.GET.get("q") or "").strip()
        if not q:
            return qs.none()
        return (qs.filter(status=OrgStatus.ACTIVE)
                .filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
                .order_by("path"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        q = (self.request.GET.get("q") or "").strip()
        roots = organization_roots(user=user)
        picked = self.request.GET.get("org")
        if picked:
            chosen = get_scoped_object_or_404(Organization.objects.all(), user, picked)
            roots = [chosen, *[r for r in roots if r.pk != chosen.pk]]
        cards = []
        for index, org in enumerate(roots):
            summary = None
            if index < HOME_SUMMARIES and org.kind in (OrgKind.BRANCH, OrgKind.GROUP) \
                    and org.status == OrgStatus.ACTIVE:
                summary = home_summary(org, today=today)
            cards.append({"organization": org, "summary": summary,
                          "can_change": org.status == OrgStatus.ACTIVE and can_act_on(user, org, Action.CHANGE)})
        ctx.update(cards=cards, q=q, today=today, is_admin=bool(subtree_prefixes(user, Action.ADMIN)),
                   show_picker=bool(q) or any(c["organization"].kind not in (OrgKind.BRANCH, OrgKind.GROUP)
                                              for c in cards))
        return ctx


# --- calendar --------------------------------------------------------------------------------------

class CalendarView(OrganizationPageMixin, ScopedDetailView):
    """A month: the meetings on their days and the month's requirements (due, overdue, done)."""

    template_name = "activities/calendar.html"
    tab = "calendar"
    page_title = _("Calendar")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user, today = self.object, self.request.user, ctx["today"]
        first = month_param(self.request.GET.get("month"), today)
        last = first.replace(day=calendar_lib.monthrange(first.year, first.month)[1])
        org_ids = [org.pk]
        if org.kind == OrgKind.BRANCH:
            org_ids += list(Organization.objects.visible_to(user).filter(parent=org, kind=OrgKind.GROUP)
                            .values_list("pk", flat=True))
        lo, hi = day_range(first, last)
        meetings = (Meeting.objects.visible_to(user).filter(organization_id__in=org_ids, starts_at__gte=lo,
                                                            starts_at__lt=hi)
                    .select_related("organization").order_by("starts_at", "id"))
        by_day = defaultdict(list)
        for meeting in meetings:
            by_day[meeting.day].append(meeting)
        weeks = calendar_lib.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        ctx["weeks"] = [[{"date": d, "in_month": d.month == first.month, "is_today": d == today,
                          "meetings": by_day.get(d, []) if d.month == first.month else []} for d in week]
                        for week in weeks]
        ctx["weekdays"] = [WEEKDAYS_ABBR[i] for i in range(7)]
        ctx["month"] = first
        ctx["month_param"] = f"{first:%Y-%m}"
        ctx["prev_month"] = f"{first - timedelta(days=1):%Y-%m}"
        ctx["next_month"] = f"{last + timedelta(days=1):%Y-%m}"
        ctx["this_month"] = f"{today:%Y-%m}"
        ctx["meeting_count"] = len(meetings)
        statuses = selectors.compliance_for(organization=org, start=first, end=last, today=today)
        ctx["blocks"] = compliance_blocks(org, statuses, user=user)
        return ctx


# --- meetings ------------------------------------------------------------------------------------------

class MeetingListView(ScopedListView):
    """Meeting records the user may see, filtered with the API's filter set."""

    model = Meeting
    queryset = Meeting.objects.select_related("organization")
    filterset_class = MeetingFilter
    template_name = "activities/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 30
    scope_filters = ("organization", "within")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, scope = self.request.user, ctx["scope_organizations"]
        ctx["log_for"] = next((o for o in scope if o.status == OrgStatus.ACTIVE
                               and can_act_on(user, o, Action.CHANGE)), None)
        return ctx


class MeetingFormMixin:
    """The meeting form with its attendance checklist (defaulting to the expected attendees)."""

    form_class = MeetingForm
    template_name = "activities/meeting_form.html"

    def get_organization(self) -> Organization:
        raise NotImplementedError

    def get_form(self, form_class=None):
        return styled(super().get_form(form_class))

    def get_form_kwargs(self):
        org = self.get_organization()
        self.pool = attendee_pool(organization=org, user=self.request.user)
        return super().get_form_kwargs() | {"organization": org, "pool": self.pool,
                                            "creating": self.creating}

    def checklist(self, form) -> dict:
        org = self.get_organization()
        allowed = set(meeting_kinds_for(org))
        if form.is_bound:
            kinds = [k for k in form.data.getlist("kinds") if k in allowed]
            included, states = posted_attendance(form.data)
        else:
            kinds = [k for k in (form.initial.get("kinds") or []) if k in allowed]
            included, states = self.initial_attendance()
        return checklist_context(attendance_checklist(organization=org, kinds=kinds, pool=self.pool,
                                                      included=included, states=states))

    def initial_attendance(self):
        return None, {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.get_organization()
        ctx["meeting_organization"] = org
        ctx["checklist"] = self.checklist(ctx["form"])
        ctx["statuses"] = AttendanceStatus.choices
        ctx["ancestors"] = organization_ancestors(user=self.request.user, organization=org)
        return ctx


class MeetingCreateView(MeetingFormMixin, ScopedObjectFormView):
    """Log a meeting of the organization in the URL; a double submit (same key) creates one meeting."""

    model = Organization
    context_object_name = "organization"
    scope_action = Action.CHANGE
    creating = True
    success_message = _("The meeting has been recorded as a draft.")

    def get_organization(self):
        return self.object

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kinds": [kind]} if kind in meeting_kinds_for(self.object) else {}

    def perform(self, form):
        meeting = services.meeting_record(
            actor=self.request.user, organization=self.object, attendance=form.attendance_entries,
            submission_key=form.cleaned_data.get("submission_key"), **form.service_fields())
        if meeting.organization_id != self.object.pk:  # a key reused across organizations: never show it
            raise ValidationError(_("This form has already been used; reload the page."))
        return meeting

    def get_success_url(self):
        return reverse("activities:meeting_detail", args=[self.result.pk])


class AttendanceChecklistView(ScopedDetailView):
    """The attendance checklist as a fragment, re-rendered (htmx) when the ticked kinds change."""

    model = Organization
    context_object_name = "organization"
    scope_action = Action.CHANGE
    template_name = "activities/_attendance.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.object
        allowed = set(meeting_kinds_for(org))
        kinds = [k for k in self.request.GET.getlist("kinds") if k in allowed]
        _included, states = posted_attendance(self.request.GET)
        pool = attendee_pool(organization=org, user=self.request.user)
        ctx["checklist"] = checklist_context(attendance_checklist(organization=org, kinds=kinds, pool=pool,
                                                                  states=states))
        ctx["statuses"] = AttendanceStatus.choices
        return ctx


class MeetingObjectMixin:
    model = Meeting
    queryset = Meeting.objects.select_related("organization", "host", "recorder", "created_by", "finalized_by")
    context_object_name = "meeting"

    def detail_url(self) -> str:
        return reverse("activities:meeting_detail", args=[self.object.pk])


class FinalizedRedirectMixin:
    """A finalized record's edit and delete pages answer with the reason and go back to the record."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.object = self.get_object()
        if self.object.is_final:
            messages.error(request, _("This record is finalized and cannot be changed; append a correction "
                                      "instead."))
            return redirect("activities:meeting_detail", self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class MeetingEditView(MeetingObjectMixin, FinalizedRedirectMixin, MeetingFormMixin, ScopedObjectFormView):
    scope_action = Action.CHANGE
    creating = False
    success_message = _("The meeting has been saved.")

    def get_organization(self):
        return self.object.organization

    def get_initial(self):
        m = self.object
        local = timezone.localtime
        return {"kinds": m.kind_list, "starts_at": local(m.starts_at).strftime(DATETIME_FORMAT),
                "ends_at": local(m.ends_at).strftime(DATETIME_FORMAT) if m.ends_at else None,
                "place": m.place, "topic": m.topic, "host": m.host_id, "recorder": m.recorder_id,
                "lecturer": m.lecturer, "agenda": m.agenda, "minutes": m.minutes, "decisions": m.decisions}

    def initial_attendance(self):
        rows = list(self.object.attendances.all())
        return {a.member_id for a in rows}, {a.member_id: (a.status, a.leave_reason) for a in rows}

    def perform(self, form):
        return services.meeting_update(actor=self.request.user, meeting=self.object,
                                       attendance=form.attendance_entries, **form.service_fields())

    def get_success_url(self):
        return self.detail_url()


class MeetingDeleteView(MeetingObjectMixin, FinalizedRedirectMixin, ScopedObjectFormView):
    scope_action = Action.CHANGE
    form_class = ConfirmForm
    template_name = "activities/meeting_confirm_delete.html"
    success_message = _("The draft has been deleted.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ancestors"] = organization_ancestors(user=self.request.user, organization=self.object.organization)
        return ctx

    def perform(self, form):
        self.organization_id = self.object.organization_id
        return services.meeting_delete(actor=self.request.user, meeting=self.object)

    def get_success_url(self):
        return f"{reverse('activities:meetings')}?{urlencode({'organization': self.organization_id})}"


class MeetingDetailView(MeetingObjectMixin, ScopedDetailView):
    """The record: fields, attendance with counts and quorum, attachments, corrections, review."""

    template_name = "activities/meeting_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        attendances = list(meeting.attendances.select_related("member", "make_up").order_by("member__name", "id"))
        counts = {s: 0 for s in AttendanceStatus.values}
        for a in attendances:
            counts[a.status] += 1
        can_change = meeting.organization.status == OrgStatus.ACTIVE and can_act_on(user, meeting, Action.CHANGE)
        state = services.review_state(meeting)
        makeup_candidates = [a for a in attendances if a.status != AttendanceStatus.PRESENT
                             and not hasattr(a, "make_up")]
        ctx.update(
            attendances=attendances, counts=counts, total=len(attendances),
            quorum=selectors.meeting_quorum(meeting),
            attachments=list(meeting.attachments.all()),
            corrections=list(meeting.corrections.select_related("author")),
            reviews=[{"step": r, "css": REVIEW_CSS.get(r.decision, "secondary")}
                     for r in meeting.reviews.select_related("actor")],
            review_state=state, review_state_label=ReviewDecision(state).label if state else "",
            review_css=REVIEW_CSS.get(state, "secondary"),
            can_change=can_change, can_review=can_act_on(user, meeting, Action.REVIEW),
            can_submit=can_change and meeting.is_final and state in (None, ReviewDecision.RETURNED),
            makeup_candidates=makeup_candidates,
            ancestors=organization_ancestors(user=user, organization=meeting.organization),
        )
        ctx.setdefault("upload_form", styled(AttachmentForm()))
        ctx.setdefault("correction_form", styled(CorrectionForm()))
        ctx.setdefault("makeup_form", styled(MakeUpForm(attendances=makeup_candidates,
                                                        initial={"made_up_on": timezone.localdate()})))
        ctx.setdefault("review_form", styled(ReviewDecisionForm()))
        return ctx


class MeetingButtonView(MeetingObjectMixin, ObjectActionView):
    def get_success_url(self):
        return self.detail_url()


class MeetingFinalizeView(MeetingButtonView):
    success_message = _("The record is finalized (定稿).")

    def perform(self):
        services.meeting_finalize(actor=self.request.user, meeting=self.object)


class MeetingSubmitView(MeetingButtonView):
    success_message = _("The record has been submitted for review.")

    def perform(self):
        services.meeting_submit_for_review(actor=self.request.user, meeting=self.object)


class MeetingFormActionView(MeetingDetailView):
    """A form on the record page (upload, correction, make-up, review): errors show on the page itself."""

    http_method_names = ["post"]
    scope_action = Action.CHANGE
    form_class = None
    form_name = ""
    success_message = ""

    def make_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def perform(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.make_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(self.detail_url())
        styled(form)
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs["class"] += " is-invalid"
        return self.render_to_response(self.get_context_data(**{self.form_name: form, "open_form": self.form_name}))


class AttachmentAddView(MeetingFormActionView):
    form_class = AttachmentForm
    form_name = "upload_form"
    success_message = _("The file has been attached.")

    def perform(self, form):
        services.attachment_add(actor=self.request.user, meeting=self.object, upload=form.cleaned_data["file"])


class CorrectionAddView(MeetingFormActionView):
    form_class = CorrectionForm
    form_name = "correction_form"
    success_message = _("The correction has been appended.")

    def perform(self, form):
        services.correction_add(actor=self.request.user, meeting=self.object, text=form.cleaned_data["text"])


class MakeUpView(MeetingFormActionView):
    form_class = MakeUpForm
    form_name = "makeup_form"
    success_message = _("The make-up has been recorded.")

    def make_form(self):
        rows = self.object.attendances.select_related("member").exclude(status=AttendanceStatus.PRESENT)
        return MakeUpForm(self.request.POST, attendances=rows)

    def perform(self, form):
        attendance = (Attendance.objects.select_related("meeting")
                      .get(meeting=self.object, pk=form.cleaned_data["attendance"]))
        services.makeup_record(actor=self.request.user, attendance=attendance,
                               made_up_on=form.cleaned_data["made_up_on"], note=form.cleaned_data["note"])


class MeetingReviewView(MeetingFormActionView):
    scope_action = Action.REVIEW
    form_class = ReviewDecisionForm
    form_name = "review_form"

    def make_form(self):
        return ReviewDecisionForm(self.request.POST)

    def perform(self, form):
        step = services.meeting_review_decide(actor=self.request.user, meeting=self.object,
                                              decision=form.cleaned_data["decision"],
                                              reason=form.cleaned_data["reason"])
        self.success_message = (_("The record has been approved.") if step.decision == ReviewDecision.APPROVED
                                else _("The record has been returned."))


class AttachmentFileView(MeetingObjectMixin, ScopedDetailView):
    """One attachment of a visible meeting (``?id=``), served inline with its checked content type."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        attachment = child_or_404(self.object.attachments.all(), request.GET.get("id", ""))
        return file_response(attachment.file, filename=attachment.original_name,
                             content_type=attachment.content_type)


# --- compliance ---------------------------------------------------------------------------------------

class ComplianceView(OrganizationPageMixin, ScopedDetailView):
    """Requirement × period with status, held / required and evidence; for a committee, its subtree."""

    template_name = "activities/compliance.html"
    tab = "compliance"
    page_title = _("Compliance")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user, today = self.object, self.request.user, ctx["today"]
        period = self.request.GET.get("period")
        period = period if period in Period.values else Period.MONTH
        start, end = rules.period_bounds(period, date_param(self.request.GET.get("date"), today))
        prev_start = rules.period_bounds(period, start - timedelta(days=1))[0]
        next_start = rules.period_bounds(period, end + timedelta(days=1))[0]
        ctx.update(period=period, periods=Period.choices, start=start, end=end,
                   period_label=rules.period_label(period, start), prev_date=prev_start, next_date=next_start,
                   is_subtree=org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH))
        statuses = selectors.compliance_for(organization=org, start=start, end=end, today=today)
        ctx["blocks"] = [b for b in compliance_blocks(org, statuses, user=user)
                         if b["rows"] or b["organization"].pk == org.pk]
        if ctx["is_subtree"]:
            ctx.update(self.subtree(org, start=start, end=end, today=today))
        return ctx

    def subtree(self, org, *, start, end, today) -> dict:
        """Every branch and group below, worst first (overdue, then due), a page at a time."""
        user = self.request.user
        orgs = list(Organization.objects.visible_to(user).filter(
            tenant_id=org.tenant_id, path__startswith=org.path, kind__in=[OrgKind.BRANCH, OrgKind.GROUP],
            status=OrgStatus.ACTIVE).order_by("path"))
        statuses = selectors.compliance_for_subtree(organizations=orgs, tenant_id=org.tenant_id, start=start,
                                                    end=end, today=today)
        rows = [{"organization": o, "summary": rules.summarize(statuses[o.pk])} for o in orgs]
        rows.sort(key=lambda r: (-r["summary"][RequirementStatus.OVERDUE], -r["summary"][RequirementStatus.DUE],
                                 r["organization"].path))
        totals = rules.summarize(s for o in orgs for s in statuses[o.pk])
        page = Paginator(rows, SUBTREE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {"subtree_page": page, "subtree_totals": totals, "subtree_count": len(rows),
                "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
                "querystring": query.urlencode()}


# --- annual plan -----------------------------------------------------------------------------------

class PlanView(OrganizationFormPage):
    """The year's plan: items edited while draft or returned, then submitted; the upper organization decides."""

    form_class = PlanForm
    template_name = "activities/plan.html"
    tab = "plan"
    page_title = _("Annual plan")
    success_message = _("The plan has been saved.")

    def get_year(self) -> int:
        return year_param(self.request, timezone.localdate().year)

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = (Plan.objects.visible_to(self.request.user).filter(organization=self.object,
                                                                              year=self.get_year())
                          .select_related("decided_by").prefetch_related("items").first())
        return self._plan

    def editable(self) -> bool:
        plan = self.get_plan()
        return (self.object.kind == OrgKind.BRANCH and self.object.status == OrgStatus.ACTIVE
                and can_act_on(self.request.user, self.object, Action.CHANGE)
                and (plan is None or plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)))

    def get_initial(self):
        plan = self.get_plan()
        return {"summary": plan.summary} if plan else {}

    def get_formset(self):
        if not hasattr(self, "_formset"):
            plan = self.get_plan()
            initial = [{"month": i.month, "kinds": i.kinds, "topic": i.topic, "planned_on": i.planned_on}
                       for i in plan.items.all()] if plan else []
            formset = PlanItemFormSet(self.request.POST if self.request.method == "POST" else None,
                                      initial=initial, prefix="items")
            for index, f in enumerate(formset.forms):
                styled(f)
                f.is_stored = index < formset.initial_form_count()  # only stored rows can be removed
            self.empty_item_form = styled(formset.empty_form)
            self._formset = formset
        return self._formset

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, year = self.get_plan(), self.get_year()
        ctx.update(plan=plan, year=year, years=[year - 1, year + 1], editable=self.editable(),
                   formset=self.get_formset(), empty_item_form=self.empty_item_form,
                   plan_css=PLAN_CSS.get(plan.status) if plan else "",
                   decision_form=styled(PlanDecisionForm()),
                   plan_items=[{"month": i.month, "topic": i.topic, "planned_on": i.planned_on,
                                "kind_labels": [ActivityKind(k).label for k in i.kinds if k in ActivityKind.values]}
                               for i in plan.items.all()] if plan else [],
                   can_submit=bool(plan) and self.editable() and plan.items.exists(),
                   can_decide=bool(plan) and plan.status == PlanStatus.SUBMITTED
                   and can_act_on(self.request.user, plan, Action.REVIEW))
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.editable():
            messages.error(request, _("A submitted or filed plan cannot be changed."))
            return redirect(self.get_success_url())
        form, formset = self.get_form(), self.get_formset()
        if form.is_valid() and formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, form):
        return services.plan_save(actor=self.request.user, organization=self.object, year=self.get_year(),
                                  summary=form.cleaned_data["summary"], items=self.get_formset().entries)

    def get_success_url(self):
        return f"{reverse('activities:plan', args=[self.object.pk])}?year={self.get_year()}"


class PlanButtonView(ObjectActionView):
    model = Plan

    def get_success_url(self):
        return f"{reverse('activities:plan', args=[self.object.organization_id])}?year={self.object.year}"


class PlanSubmitView(PlanButtonView):
    success_message = _("The plan has been submitted to the upper organization.")

    def perform(self):
        services.plan_submit(actor=self.request.user, plan=self.object)


class PlanDecideView(PlanButtonView):
    scope_action = Action.REVIEW

    def perform(self):
        plan = services.plan_decide(actor=self.request.user, plan=self.object,
                                    decision=self.request.POST.get("decision", ""),
                                    reason=self.request.POST.get("reason", ""))
        self.success_message = (_("The plan has been filed.") if plan.status == PlanStatus.FILED
                                else _("The plan has been returned."))


# --- democratic review -------------------------------------------------------------------------------

class ReviewsView(OrganizationPageMixin, ScopedDetailView):
    """The branch's members with their grade for the year, and the one-third warning for 优秀."""

    template_name = "activities/reviews.html"
    tab = "reviews"
    page_title = _("Democratic review")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        year = year_param(self.request, ctx["today"].year)
        members = list(Member.objects.visible_to(user).filter(organization=org, is_active=True)
                       .order_by("name", "id"))
        appraisals = {a.member_id: a for a in Appraisal.objects.visible_to(user).filter(
            member__in=[m.pk for m in members], year=year)}
        summary = selectors.appraisal_summary(organization=org, year=year)
        ctx.update(year=year, years=[year - 1, year + 1], summary=summary,
                   rows=[{"member": m, "appraisal": appraisals.get(m.pk)} for m in members],
                   grades=[(value, label, summary["counts"].get(value, 0)) for value, label in Grade.choices],
                   ungraded=len(members) - sum(1 for a in appraisals.values() if a.grade))
        return ctx


class AppraisalEditView(ScopedObjectFormView):
    """One member's democratic review for a year."""

    model = Member
    queryset = Member.objects.select_related("organization")
    context_object_name = "member"
    scope_action = Action.CHANGE
    form_class = AppraisalForm
    template_name = "activities/appraisal_form.html"
    success_message = _("The democratic review has been saved.")

    def get_year(self) -> int:
        return year_param(self.request, timezone.localdate().year)

    def get_initial(self):
        year = self.get_year()
        appraisal = Appraisal.objects.filter(tenant_id=self.object.tenant_id, member=self.object, year=year).first()
        initial = {"year": year}
        if appraisal:
            for name in AppraisalForm.base_fields:
                if name != "year":
                    initial[name] = getattr(appraisal, name)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["year"] = self.get_year()
        ctx["organization"] = self.object.organization
        ctx["ancestors"] = organization_ancestors(user=self.request.user, organization=self.object.organization)
        return ctx

    def perform(self, form):
        return services.appraisal_save(actor=self.request.user, member=self.object, year=form.cleaned_data["year"],
                                       **form.service_fields())

    def get_success_url(self):
        return f"{reverse('activities:reviews', args=[self.object.organization_id])}?year={self.result.year}"


# --- heart-to-heart talks ------------------------------------------------------------------------------

class TalksView(OrganizationFormPage):
    """The year's talks, coverage of the three pairs, and a form to record one."""

    form_class = TalkForm
    template_name = "activities/talks.html"
    tab = "talks"
    page_title = _("Heart-to-heart talks")
    success_message = _("The talk has been recorded.")

    def get_year(self) -> int:
        return year_param(self.request, timezone.localdate().year)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"pool": attendee_pool(organization=self.object, user=self.request.user)}

    def get_initial(self):
        return {"talked_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, year = self.object, self.get_year()
        coverage = selectors.talk_coverage(organization=org, year=year)
        ctx.update(year=year, years=[year - 1, year + 1],
                   talks=Talk.objects.visible_to(self.request.user).filter(organization=org, talked_on__year=year)
                   .select_related("initiator", "partner"),
                   coverage=[{"kind": p, "label": PairKind(p).label, "covered": p in coverage["covered"]}
                             for p in coverage["needed"]],
                   can_record=ctx["can_change"] and org.kind == OrgKind.BRANCH)
        return ctx

    def perform(self, form):
        return services.talk_record(actor=self.request.user, organization=self.object, **form.cleaned_data)

    def get_success_url(self):
        return f"{reverse('activities:talks', args=[self.object.pk])}?year={self.result.talked_on.year}"


# --- rule settings --------------------------------------------------------------------------------------

class RulesView(ScopedFormView):
    """The tenant's rules in force (national defaults marked) and a new version; tenant admins only."""

    form_class = RuleVersionForm
    template_name = "activities/rules.html"
    success_message = _("The new rule version has been saved.")

    def check_access(self):
        if not self.request.user.tenant_id or not subtree_prefixes(self.request.user, Action.ADMIN):
            raise PermissionDenied

    def get_form(self, form_class=None):
        return styled(super().get_form(form_class))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        stored = {(r.kind, r.valid_from): r for r in ActivityRule.objects.visible_to(user)
                  .select_related("created_by")}
        kind_labels, org_labels = dict(ActivityKind.choices), dict(OrgKind.choices)
        rows = []
        for rule in sorted(selectors.tenant_rules(tenant_id=user.tenant_id),
                           key=lambda r: (list(ActivityKind.values).index(r.kind), r.valid_from or date.min)):
            row = stored.get((rule.kind, rule.valid_from))
            rows.append({
                "rule": rule, "label": kind_labels.get(rule.kind, rule.kind),
                "period_label": Period(rule.period).label,
                "applies_to": [org_labels.get(k, k) for k in OrgKind.values if k in rule.applies_to],
                "national": rule.valid_from is None or rule.valid_from == date(1900, 1, 1),
                "in_force": rule.covers(rules.period_bounds(rule.period, today)[0]),
                "stored": row,
            })
        ctx["rules"] = rows
        return ctx

    def perform(self, form):
        return services.rule_version_set(actor=self.request.user, tenant=self.request.user.tenant,
                                         **form.cleaned_data)

    def get_success_url(self):
        return reverse("activities:rules")
