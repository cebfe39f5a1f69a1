"""Base classes for pages: the only place pages apply tenant and subtree scoping."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views import generic

from core.scoping import Action


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
    """A list filtered by a FilterSet shared with the API (``filterset_class``)."""

    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is None:
            return qs
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx


class ScopedDetailView(ScopedPageMixin, generic.DetailView):
    pass


class HomeView(LoginRequiredMixin, generic.TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from branches.selectors import organization_roots

        ctx = super().get_context_data(**kwargs)
        ctx["roots"] = organization_roots(user=self.request.user)
        return ctx
