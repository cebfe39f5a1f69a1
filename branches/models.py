from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import TenantModel, TenantQuerySet

from .choices import OrgCategory, OrgKind, OrgStatus

# Each level of the materialized path is the node id, zero-padded to this width, then "/".
PATH_SEGMENT_WIDTH = 10


class Tenant(models.Model):
    """A customer: a top-level Party committee with its whole organization tree."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(TenantQuerySet):
    def subtree_of(self, org: Organization, *, include_self: bool = True):
        qs = self.filter(tenant_id=org.tenant_id, path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def active(self):
        return self.filter(status=OrgStatus.ACTIVE)


class Organization(TenantModel):
    """A node of the tree: committee 党委, general branch 党总支, branch 党支部 or group 党小组."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialized path: "/0000000001/0000000007/" — the ancestors' ids and its own. A subtree is one
    # indexed prefix predicate on both SQLite and PostgreSQL; moves rewrite the moved subtree's paths.
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    code = models.CharField(
        _("code"), max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", _("Use letters, digits, '-', '_' or '.' only."))],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=OrgCategory.choices, default=OrgCategory.OTHER)
    established_on = models.DateField(_("date established"), null=True, blank=True)
    term_start = models.DateField(_("current term start"), null=True, blank=True)
    term_end = models.DateField(_("current term planned end"), null=True, blank=True)
    # The branch's fixed theme Party day (day of the month); the "alarm clock" reminds before it.
    theme_day = models.PositiveSmallIntegerField(
        _("theme Party day (day of month)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 to 28, so that it exists in every month."))
    status = models.CharField(_("status"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    dissolved_on = models.DateField(_("date dissolved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    scope_path = "path"

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="org_code_unique_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "path"], name="org_tenant_path"),
            # PostgreSQL uses this one for LIKE 'prefix%' whatever the database collation; SQLite ignores opclasses.
            models.Index(fields=["path"], name="org_path_pattern", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["tenant", "kind", "status"], name="org_tenant_kind_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        from members.models import Member

        return Q(pk__in=Member.objects.filter(user=user, tenant_id=user.tenant_id).values("organization_id"))

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_descendant_of(self, other: Organization) -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


class Election(TenantModel):
    """One election (换届选举) of an organization: when, approved by whom, the term it starts."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="elections"
    )
    held_on = models.DateField(_("date held"))
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term length (years)"))
    term_end = models.DateField(_("planned end of the term"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["tenant", "organization", "held_on"], name="election_org_date")]

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on}"
