from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import Role, TenantModel


class User(AbstractUser):
    """A person who logs in; belongs to one tenant (platform operators to none)."""

    tenant = models.ForeignKey(
        "branches.Tenant", verbose_name=_("tenant"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


ROLE_LABELS = {
    Role.TENANT_ADMIN: _("Tenant administrator"),
    Role.REVIEWER: _("Reviewer"),
    Role.SECRETARY: _("Branch secretary"),
    Role.INSPECTOR: _("Inspector"),
    Role.MEMBER: _("Party member"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class RoleGrant(TenantModel):
    """A role granted on an organization node; it covers that node's whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants")
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "organization", "role"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
