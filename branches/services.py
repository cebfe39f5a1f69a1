"""Writes on the organization tree. Each runs in one transaction and validates the SPEC §2 rules."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from . import rules
from .choices import OrgKind, OrgStatus
from .models import PATH_SEGMENT_WIDTH, Election, Organization, Tenant


def _stats():
    from dashboards import stats  # the summary tables sit above this app

    return stats


def _segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"


def _check_placement(*, kind: str, parent: Organization | None, tenant: Tenant) -> None:
    if parent is not None and parent.tenant_id != tenant.pk:
        raise ValidationError({"parent": _("The parent organization does not exist.")})
    if parent is not None and parent.status != OrgStatus.ACTIVE:
        raise ValidationError({"parent": _("The parent organization has been dissolved.")})
    if not rules.placement_allowed(kind, parent.kind if parent else None):
        kind_label = OrgKind(kind).label
        where = OrgKind(parent.kind).label if parent else _("the top of the tree")
        raise ValidationError({"parent": _("A %(kind)s cannot be placed under %(where)s.")
                               % {"kind": kind_label, "where": where}})


def _apply_term_defaults(org: Organization) -> None:
    if org.term_start and not org.term_end and org.kind != OrgKind.GROUP:
        org.term_end = rules.term_end_for(org.term_start, rules.default_term_years(org.kind, org.category))
    if org.term_start and org.term_end and org.term_end <= org.term_start:
        raise ValidationError({"term_end": _("The planned end of the term must be after its start.")})


@transaction.atomic
def organization_create(*, actor, tenant: Tenant, parent: Organization | None, kind: str, name: str, code: str,
                        **fields) -> Organization:
    _check_placement(kind=kind, parent=parent, tenant=tenant)
    if Organization.objects.filter(tenant=tenant, code=code).exists():
        raise ValidationError({"code": _("An organization with this code already exists.")})
    org = Organization(tenant=tenant, parent=parent, kind=kind, name=name, code=code, path="", **fields)
    _apply_term_defaults(org)
    org.full_clean(exclude=["path", "tenant", "parent"])
    org.depth = (parent.depth + 1) if parent else 0
    org.save()
    org.path = (parent.path if parent else "/") + _segment(org.pk)
    Organization.objects.filter(pk=org.pk).update(path=org.path)
    _stats().touch([org])
    return org


@transaction.atomic
def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    forbidden = {"tenant", "parent", "path", "depth", "kind"} & fields.keys()
    if forbidden:
        raise ValidationError(_("Use the move action to change the parent; the kind cannot change."))
    if "code" in fields and fields["code"] != organization.code and Organization.objects.filter(
        tenant_id=organization.tenant_id, code=fields["code"]
    ).exists():
        raise ValidationError({"code": _("An organization with this code already exists.")})
    for name, value in fields.items():
        setattr(organization, name, value)
    _apply_term_defaults(organization)
    organization.full_clean(exclude=["path", "tenant", "parent"])
    organization.save()
    _stats().touch([organization], families={"term", "orgs"})
    return organization


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization) -> Organization:
    """Re-parent a node; every path in its subtree is rewritten in one UPDATE."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.tenant_id != org.tenant_id:
        raise ValidationError({"parent": _("The parent organization does not exist.")})
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organization cannot be moved under itself or its own subtree.")})
    _check_placement(kind=org.kind, parent=new_parent, tenant=org.tenant)
    old_path, new_path = org.path, new_parent.path + _segment(org.pk)
    depth_delta = new_parent.depth + 1 - org.depth
    Organization.objects.filter(tenant_id=org.tenant_id, path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    # The summary tables of the old and the new ancestors are recomputed from the counters below them.
    old_ancestors = [int(p) for p in old_path.strip("/").split("/")[:-1]]
    ancestors = {*old_ancestors, *new_parent.ancestor_ids, new_parent.pk}
    transaction.on_commit(lambda: _stats().rebuild_subtrees(ancestors))
    org.refresh_from_db()
    return org


@transaction.atomic
def organization_dissolve(*, actor, organization: Organization, dissolved_on: date) -> Organization:
    if organization.children.filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError(_("Dissolve or move the organizations under it first."))
    if organization.members.filter(is_active=True).exists():
        raise ValidationError(_("Transfer its members to another branch first."))
    organization.status = OrgStatus.DISSOLVED
    organization.dissolved_on = dissolved_on
    organization.save(update_fields=["status", "dissolved_on", "updated_at"])
    _stats().touch([organization])
    return organization


@transaction.atomic
def election_record(*, actor, organization: Organization, held_on: date, approved_by: str = "",
                    term_years: int | None = None, notes: str = "", posts=()) -> Election:
    """Record an election: the new term starts on the day held; the listed posts replace the old committee.

    ``posts`` is a sequence of (member, post). Postponing or advancing (``term_years`` differing from
    the default) is limited to one year either way.
    """
    from members.models import CommitteeMembership

    if organization.kind == OrgKind.GROUP:
        raise ValidationError(_("Party groups do not hold elections."))
    default_years = rules.default_term_years(organization.kind, organization.category)
    years = term_years or default_years
    if abs(years - default_years) > rules.MAX_POSTPONEMENT_YEARS:
        raise ValidationError({"term_years": _("A term may differ from the default of %(n)d years by at most one year.")
                               % {"n": default_years}})
    if organization.elections.filter(held_on__gt=held_on).exists():
        raise ValidationError({"held_on": _("A later election is already recorded.")})
    for member, _post in posts:
        if member.tenant_id != organization.tenant_id or member.organization_id != organization.pk:
            raise ValidationError({"posts": _("Committee members must be members of this organization.")})
    term_end = rules.term_end_for(held_on, years)
    election = Election.objects.create(
        tenant_id=organization.tenant_id, organization=organization, held_on=held_on, approved_by=approved_by,
        term_years=years, term_end=term_end, notes=notes, recorded_by=actor,
    )
    CommitteeMembership.objects.filter(organization=organization, ended_on__isnull=True).update(ended_on=held_on)
    CommitteeMembership.objects.bulk_create([
        CommitteeMembership(tenant_id=organization.tenant_id, organization=organization, member=member, post=post,
                            election=election, started_on=held_on)
        for member, post in posts
    ])
    Organization.objects.filter(pk=organization.pk).update(term_start=held_on, term_end=term_end)
    organization.term_start, organization.term_end = held_on, term_end
    _stats().touch([organization], families={"term", "activity"})  # the committee decides committee meetings
    return election
