"""Reads on the organization tree."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from core.scoping import Action

from . import rules
from .choices import OrgKind
from .models import Organization


def organization_children(*, user, organization: Organization):
    """Direct children the user may see, with how many children and active members each has."""
    return (
        Organization.objects.visible_to(user, Action.VIEW)
        .filter(parent=organization)
        .annotate(child_count=Count("children", distinct=True),
                  member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
        .order_by("kind", "code")
    )


def organization_roots(*, user):
    """The topmost nodes the user may see (their grant nodes, or the tenant roots)."""
    visible = Organization.objects.visible_to(user, Action.VIEW)
    nodes = list(visible.order_by("depth", "path")[:200])
    roots: list[Organization] = []
    for node in nodes:
        if not any(node.path.startswith(root.path) for root in roots):
            roots.append(node)
    return roots


def organization_subtree(*, user, organization: Organization):
    return Organization.objects.visible_to(user, Action.VIEW).subtree_of(organization)


def organization_ancestors(*, user, organization: Organization):
    """The visible ancestors, top first (for breadcrumbs)."""
    ids = organization.ancestor_ids
    by_id = {o.pk: o for o in Organization.objects.visible_to(user, Action.VIEW).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def organization_warnings(*, organization: Organization) -> list[rules.Warning]:
    """Structural warnings (member counts, committee size) for a branch or general branch."""
    if organization.kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        return []
    from members.choices import MemberStatus
    from members.models import CommitteeMembership, Member

    counts = Member.objects.filter(tenant_id=organization.tenant_id, organization=organization,
                                   is_active=True).aggregate(
        all=Count("pk"), full=Count("pk", filter=Q(status=MemberStatus.FULL)))
    committee = CommitteeMembership.objects.filter(
        tenant_id=organization.tenant_id, organization=organization, ended_on__isnull=True
    ).values("member").distinct().count()
    return rules.structure_warnings(kind=organization.kind, full_members=counts["full"],
                                    all_members=counts["all"], committee_size=committee)


def organization_term_status(*, organization: Organization, today: date) -> str:
    if organization.kind == OrgKind.GROUP:
        return "not_applicable"
    return rules.term_status(organization.term_end, today)
