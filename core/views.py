"""Base classes for pages: the only place pages apply tenant and subtree scoping."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views import generic
from django.views.generic.detail import SingleObjectMixin

from core.scoping import Action, user_grants


class ScopedPageMixin(LoginRequiredMixin):
    """Pages over rows the user may see: out of scope is 404; visible but not writable is 403.

    Views set ``model`` (or ``queryset``) as usual and ``scope_action`` for what the page does.
    """

    scope_action: str = Action.VIEW

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, Action.VIEW)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)  # 404 when not visible
        if self.scope_action != Action.VIEW and not (
            type(obj).objects.visible_to(self.request.user, self.scope_action).filter(pk=obj.pk).exists()
        ):
            raise PermissionDenied
        return obj


class ScopedListView(ScopedPageMixin, generic.ListView):
    """A list filtered by a FilterSet shared with the API (``filterset_class``).

    Filters named in ``scope_filters`` (an organization, a subtree) narrow the list rather than
    refine it: the page keeps them as hidden fields and names the organizations they point at.
    """

    filterset_class = None
    paginate_by = 50
    scope_filters: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is None:
            return qs
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = filterset = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        if filterset is not None:
            from branches.models import Organization

            form = style_form(filterset.form)
            ctx["filter_fields"] = [f for f in form if f.name not in self.scope_filters]
            ctx["scope_fields"] = [f for f in form if f.name in self.scope_filters and f.value()]
            ids = [str(f.value()) for f in ctx["scope_fields"] if str(f.value()).isdigit()]
            ctx["scope_organizations"] = (
                list(Organization.objects.visible_to(self.request.user).filter(pk__in=ids)) if ids else [])
        return ctx


class ScopedDetailView(ScopedPageMixin, generic.DetailView):
    pass


class HomeView(LoginRequiredMixin, generic.TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from accounts.models import ROLE_LABELS
        from branches.selectors import organization_roots

        ctx = super().get_context_data(**kwargs)
        ctx["roots"] = organization_roots(user=self.request.user)
        roles = {g.role for g in user_grants(self.request.user)}
        ctx["role_labels"] = [label for role, label in ROLE_LABELS.items() if role in roles]
        return ctx


def get_scoped_object_or_404(queryset, user, pk, action: str = Action.VIEW):
    """The row ``pk`` of ``queryset`` if ``user`` may see it (else 404) and may ``action`` it (else 403).

    For pages that act on a row named in the URL or query string without being a DetailView of it
    (creating a member in a branch, a child under a parent).
    """
    model = queryset.model
    try:
        obj = queryset.visible_to(user, Action.VIEW).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if action != Action.VIEW and not model.objects.visible_to(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def can_act_on(user, obj, action: str) -> bool:
    """Whether ``user`` may ``action`` this row, for showing or hiding buttons."""
    return type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists()


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def style_form(form):
    """Give every widget its Bootstrap class (forms and filter forms alike)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple | forms.NullBooleanSelect):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class ServiceFormMixin:
    """A form page whose ``perform(form)`` calls a service; its ValidationError becomes form errors.

    ``perform`` returns what the service returned; ``done(result)`` answers the request (a redirect).
    """

    success_message = ""

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class))

    def perform(self, form):
        raise NotImplementedError

    def done(self, result):
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return super().form_invalid(form)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        self.result = result
        return self.done(result)


class ScopedObjectFormView(ServiceFormMixin, ScopedPageMixin, SingleObjectMixin, generic.FormView):
    """A form acting on one visible row (``scope_action`` decides 403): edit, move, remove, record."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


class ScopedFormView(ServiceFormMixin, ScopedPageMixin, generic.FormView):
    """A form that creates rows: ``check_access`` checks where it writes (``get_scoped_object_or_404``)."""

    def check_access(self) -> None:
        """Raise Http404 or PermissionDenied when the user may not use this form at all."""

    def get(self, request, *args, **kwargs):
        self.check_access()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_access()
        return super().post(request, *args, **kwargs)


def child_or_404(queryset, raw_id: str):
    """The row of ``queryset`` (already scoped through its parent) whose id is the query parameter ``raw_id``."""
    row = queryset.filter(pk=int(raw_id)).first() if (raw_id or "").isdigit() else None
    if row is None:
        raise Http404
    return row


def file_response(field, *, filename: str, content_type: str | None = None):
    """Serve a stored evidence file to someone who may see its record; a missing file is 404."""
    from django.http import FileResponse

    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
