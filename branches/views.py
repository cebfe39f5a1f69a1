from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import Action
from core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, can_act_on, style_form
from members.models import CommitteeMembership, Member

from . import rules, selectors, services
from .choices import CommitteePost, OrgKind, OrgStatus
from .filters import OrganizationFilter
from .forms import ElectionForm, ElectionPostFormSet, OrganizationCreateForm, OrganizationForm, OrganizationMoveForm
from .models import Election, Organization

# A node lists at most this many children inline; the rest are one click away as a paged list.
CHILDREN_SHOWN = 200

# Committee posts in rank order (secretary first), as the choices list them.
POST_ORDER = {post: index for index, post in enumerate(CommitteePost.values)}

TERM_BADGES = {
    "unknown": (_("Term unknown"), "secondary"),
    "active": (_("In term"), "success"),
    "expiring": (_("Term ending soon"), "warning"),
    "overdue": (_("Term overdue"), "danger"),
}


def with_counts(queryset):
    """Annotate what a tree node shows: how many children and active members it has."""
    return queryset.annotate(
        child_count=Count("children", distinct=True),
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
    )


def creatable_kinds(user, parent: Organization) -> list[str]:
    """Kinds of child this user may create under ``parent``: any allowed kind with ADMIN on it;
    a Party group under a branch with CHANGE (a secretary organizes their own branch's groups)."""
    allowed = [kind for kind in OrgKind.values if rules.placement_allowed(kind, parent.kind)]
    if parent.status != OrgStatus.ACTIVE:
        return []
    if can_act_on(user, parent, Action.ADMIN):
        return allowed
    if parent.kind == OrgKind.BRANCH and can_act_on(user, parent, Action.CHANGE):
        return [OrgKind.GROUP]
    return []


def can_edit(user, org: Organization) -> bool:
    return can_act_on(user, org, Action.ADMIN) or (org.kind == OrgKind.GROUP and can_act_on(user, org, Action.CHANGE))


class OrganizationTreeView(ScopedListView):
    """The roots of the user's tree, expanded lazily node by node; with a search, a flat result list."""

    model = Organization
    queryset = Organization.objects.select_related("parent")
    filterset_class = OrganizationFilter
    template_name = "branches/tree.html"
    context_object_name = "results"

    def is_search(self) -> bool:
        return any(self.request.GET.get(name) for name in OrganizationFilter.base_filters)

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.order_by("path") if self.is_search() else qs.none()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["searching"] = self.is_search()
        ctx["kinds"] = OrgKind.choices
        if not ctx["searching"]:
            roots = selectors.organization_roots(user=user)
            ctx["roots"] = with_counts(
                Organization.objects.visible_to(user, Action.VIEW).filter(pk__in=[r.pk for r in roots])
            ).order_by("path")
        return ctx


class OrganizationChildrenView(ScopedDetailView):
    """The children of one node as an HTML fragment, loaded when a tree node is expanded."""

    model = Organization
    template_name = "branches/_children.html"
    context_object_name = "organization"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        children = list(selectors.organization_children(user=self.request.user, organization=self.object)
                        [:CHILDREN_SHOWN + 1])
        ctx["children"], ctx["children_more"] = children[:CHILDREN_SHOWN], len(children) > CHILDREN_SHOWN
        return ctx


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "branches/detail.html"
    context_object_name = "organization"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        ctx["ancestors"] = selectors.organization_ancestors(user=user, organization=org)
        children = list(selectors.organization_children(user=user, organization=org)[:CHILDREN_SHOWN + 1])
        ctx["children"], ctx["children_more"] = children[:CHILDREN_SHOWN], len(children) > CHILDREN_SHOWN
        ctx["warnings"] = selectors.organization_warnings(organization=org)
        term_status = selectors.organization_term_status(organization=org, today=timezone.localdate())
        ctx["term_status"] = term_status
        ctx["term_badge"] = TERM_BADGES.get(term_status)
        committee = (CommitteeMembership.objects.visible_to(user, Action.VIEW)
                     .filter(organization=org, ended_on__isnull=True).select_related("member"))
        ctx["committee"] = sorted(committee, key=lambda p: (POST_ORDER.get(p.post, len(POST_ORDER)), p.pk))
        ctx["elections"] = Election.objects.visible_to(user, Action.VIEW).filter(organization=org)[:10]
        members = Member.objects.visible_to(user, Action.VIEW).filter(is_active=True)
        if org.kind in (OrgKind.BRANCH, OrgKind.GROUP):
            field = "organization" if org.kind == OrgKind.BRANCH else "group"
            ctx["member_count"] = members.filter(**{field: org}).count()
            ctx["members_url"] = f"{reverse('members:list')}?{field}={org.pk}"
        else:
            ctx["member_count"] = members.filter(organization__path__startswith=org.path).count()
            ctx["members_url"] = f"{reverse('members:list')}?within={org.pk}"
        ctx["can_edit"] = can_edit(user, org)
        ctx["can_create_child"] = bool(creatable_kinds(user, org))
        ctx["can_move"] = org.parent_id is not None and can_act_on(user, org, Action.ADMIN)
        ctx["can_record_election"] = org.kind != OrgKind.GROUP and can_act_on(user, org, Action.CHANGE)
        return ctx


class OrganizationFormView(ScopedObjectFormView):
    """Base of the organization forms: the organization in the URL is the page's object."""

    model = Organization
    context_object_name = "organization"
    template_name = "branches/form.html"
    title = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        ctx["ancestors"] = selectors.organization_ancestors(user=self.request.user, organization=self.object)
        return ctx

    def get_success_url(self):
        target = self.result if isinstance(self.result, Organization) else self.object
        return reverse("branches:detail", args=[target.pk])


class OrganizationCreateView(OrganizationFormView):
    """A new organization under the one in the URL (the parent)."""

    scope_action = Action.CHANGE
    form_class = OrganizationCreateForm
    title = _("New subordinate organization")
    success_message = _("The organization has been created.")

    def get_object(self, queryset=None):
        parent = super().get_object(queryset)
        self.kinds = creatable_kinds(self.request.user, parent)
        if not self.kinds:
            raise PermissionDenied
        return parent

    def get_form_kwargs(self):
        parent = self.object
        return super().get_form_kwargs() | {
            "kinds": self.kinds,
            "instance": Organization(tenant_id=parent.tenant_id, parent=parent, category=parent.category),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        if data["kind"] not in self.kinds:  # the choices already say so; never trust them alone
            raise PermissionDenied
        return services.organization_create(
            actor=self.request.user, tenant=self.object.tenant, parent=self.object,
            kind=data.pop("kind"), name=data.pop("name"), code=data.pop("code"), **data,
        )


class OrganizationEditView(OrganizationFormView):
    scope_action = Action.CHANGE
    form_class = OrganizationForm
    title = _("Edit organization")
    success_message = _("The organization has been saved.")

    def get_object(self, queryset=None):
        org = super().get_object(queryset)
        if not can_edit(self.request.user, org):
            raise PermissionDenied
        return org

    def get_form_kwargs(self):
        # The form validates a copy: the service compares new values with the stored ones.
        return super().get_form_kwargs() | {"instance": Organization.objects.get(pk=self.object.pk)}

    def perform(self, form):
        return services.organization_update(actor=self.request.user, organization=self.object, **form.cleaned_data)


class OrganizationMoveView(OrganizationFormView):
    scope_action = Action.ADMIN
    form_class = OrganizationMoveForm
    title = _("Move organization")
    success_message = _("The organization has been moved.")

    def get_form_kwargs(self):
        org = self.object
        parent_kinds = [k for k in rules.ALLOWED_PARENTS.get(org.kind, ()) if k]
        parents = (
            Organization.objects.visible_to(self.request.user, Action.ADMIN)
            .filter(kind__in=parent_kinds, status=OrgStatus.ACTIVE)
            .exclude(path__startswith=org.path)
            .order_by("path")
        )
        return super().get_form_kwargs() | {"parents": parents, "initial": {"parent": org.parent_id}}

    def perform(self, form):
        return services.organization_move(actor=self.request.user, organization=self.object,
                                          new_parent=form.cleaned_data["parent"])


class ElectionRecordView(OrganizationFormView):
    """Record an election (换届): the day held, who approved it and the new committee."""

    scope_action = Action.CHANGE
    form_class = ElectionForm
    template_name = "branches/election_form.html"
    title = _("Record an election")
    success_message = _("The election has been recorded.")

    def get_formset(self):
        members = (Member.objects.visible_to(self.request.user, Action.CHANGE)
                   .filter(organization=self.object, is_active=True).order_by("name"))
        formset = ElectionPostFormSet(self.request.POST or None, prefix="posts", form_kwargs={"members": members})
        for form in formset.forms:
            style_form(form)
        return formset

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["formset"] = getattr(self, "formset", None) or self.get_formset()
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form, self.formset = self.get_form(), self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, form):
        return services.election_record(actor=self.request.user, organization=self.object,
                                        posts=self.formset.posts, **form.cleaned_data)

    def get_success_url(self):
        return reverse("branches:detail", args=[self.object.pk])
