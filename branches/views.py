from django.utils import timezone
from django.views import generic

from core.views import ScopedDetailView, ScopedPageMixin

from . import selectors
from .models import Organization


class OrganizationTreeView(ScopedPageMixin, generic.TemplateView):
    template_name = "branches/tree.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["roots"] = selectors.organization_roots(user=self.request.user)
        return ctx


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "branches/detail.html"
    context_object_name = "organization"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        ctx["ancestors"] = selectors.organization_ancestors(user=user, organization=org)
        ctx["children"] = selectors.organization_children(user=user, organization=org)
        ctx["warnings"] = selectors.organization_warnings(organization=org)
        ctx["term_status"] = selectors.organization_term_status(organization=org, today=timezone.localdate())
        return ctx


class OrganizationChildrenView(ScopedDetailView):
    """The children of one node as an HTML fragment, loaded when a tree node is expanded."""

    model = Organization
    template_name = "branches/_children.html"
    context_object_name = "organization"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = selectors.organization_children(user=self.request.user, organization=self.object)
        return ctx
