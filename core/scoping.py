"""The one place where a user's role grants become a queryset filter.

Every tenant-owned model uses ``TenantQuerySet`` and declares where its organization path is
(``scope_path``). ``visible_to(user, action)`` turns the user's grants into one predicate:
``tenant = user's tenant AND (path LIKE grant1% OR path LIKE grant2% ...)``, plus the member's own
rows and single-object grants (django-guardian). Only the base classes of API views and pages
call it; anything it leaves out answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast


class Action(models.TextChoices):
    VIEW = "view", "view"
    CHANGE = "change", "change"
    ADMIN = "admin", "admin"
    REVIEW = "review", "review"
    INSPECT = "inspect", "inspect"


class Role(models.TextChoices):
    # Labels are translated in accounts; values are stable identifiers.
    TENANT_ADMIN = "tenant_admin", "tenant admin"
    REVIEWER = "reviewer", "reviewer"
    SECRETARY = "secretary", "secretary"
    INSPECTOR = "inspector", "inspector"
    MEMBER = "member", "member"


# What each role may do in the subtree of the node it is granted on (SPEC §8).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.TENANT_ADMIN: frozenset({Action.VIEW, Action.CHANGE, Action.ADMIN, Action.REVIEW, Action.INSPECT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.SECRETARY: frozenset({Action.VIEW, Action.CHANGE}),
    Role.INSPECTOR: frozenset({Action.VIEW, Action.INSPECT}),
    Role.MEMBER: frozenset(),  # a member sees their own rows only (scope_self_q)
}

# django-guardian codename prefix for single-object grants, per action.
OBJECT_PERMISSION_PREFIX = {Action.VIEW: "view", Action.CHANGE: "change", Action.INSPECT: "inspect"}


@dataclass(frozen=True)
class Grant:
    role: str
    path: str


def user_grants(user) -> tuple[Grant, ...]:
    """The user's role grants with their node paths, loaded once per user object (one query)."""
    cached = getattr(user, "_scope_grants", None)
    if cached is None:
        from accounts.models import RoleGrant

        rows = (
            RoleGrant.objects.filter(user=user, tenant_id=user.tenant_id, organization__tenant_id=user.tenant_id)
            .values_list("role", "organization__path")
        )
        cached = tuple(Grant(role, path) for role, path in rows)
        user._scope_grants = cached
    return cached


def forget_grants(user) -> None:
    if hasattr(user, "_scope_grants"):
        del user._scope_grants


def subtree_prefixes(user, action: str) -> list[str]:
    """Minimal set of path prefixes the user may act on: a prefix inside another is dropped."""
    paths = sorted({g.path for g in user_grants(user) if action in ROLE_ACTIONS.get(g.role, ())})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def has_role(user, *roles: str) -> bool:
    return any(g.role in roles for g in user_grants(user))


def is_platform_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser and user.tenant_id is None)


def scope_q(model, user, action: str = Action.VIEW) -> Q:
    """The predicate for ``model`` rows that ``user`` may ``action``; matches nothing when none."""
    nothing = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return nothing
    if is_platform_operator(user):
        return Q()
    if user.tenant_id is None:
        return nothing
    path_field = model.scope_path
    prefixes = subtree_prefixes(user, action)
    if path_field is None:
        # A tenant-wide setting: any grant allowing the action opens it (for writes, ADMIN lives
        # only with tenant administrators).
        return Q(tenant_id=user.tenant_id) if prefixes else nothing
    parts = [Q(**{f"{path_field}__startswith": p}) for p in prefixes]
    if action == Action.VIEW and has_role(user, Role.MEMBER):
        own = model.scope_self_q(user)
        if own is not None:
            parts.append(own)
    codename_prefix = OBJECT_PERMISSION_PREFIX.get(action)
    if codename_prefix and getattr(model, "object_grants", False):
        parts.append(Q(pk__in=_object_grant_ids(model, user, f"{codename_prefix}_{model._meta.model_name}")))
    if not parts:
        return nothing
    return Q(tenant_id=user.tenant_id) & reduce(or_, parts)


def _object_grant_ids(model, user, codename: str):
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    ct = ContentType.objects.get_for_model(model)
    return (
        UserObjectPermission.objects.filter(user=user, content_type=ct, permission__codename=codename)
        .annotate(object_id=Cast("object_pk", BigIntegerField()))
        .values("object_id")
    )


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        return self.filter(tenant=tenant)

    def visible_to(self, user, action: str = Action.VIEW):
        return self.filter(scope_q(self.model, user, action))


class TenantModel(models.Model):
    """Base for every tenant-owned table: carries the tenant and is scoped through ``visible_to``."""

    tenant = models.ForeignKey("branches.Tenant", on_delete=models.PROTECT, related_name="+", db_index=True)

    objects = TenantQuerySet.as_manager()

    # Lookup from this model to the owning organization's materialized path; None for a
    # tenant-wide setting that every user of the tenant with the action may see.
    scope_path: str | None = "organization__path"
    # Whether django-guardian single-object grants widen visibility of this model.
    object_grants = False

    class Meta:
        abstract = True

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        """Rows a plain member may see about themselves; None when the model has none."""
        return None
