from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.choices import CommitteePost
from core import pii
from core.fields import EncryptedTextField
from core.scoping import TenantModel

from .choices import Education, Gender, MemberStatus, RevealChannel


class Member(TenantModel):
    """A Party member on a branch roster (SPEC §3)."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        "branches.Organization", verbose_name=_("Party group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="group_members",
    )
    user = models.OneToOneField(
        "accounts.User", verbose_name=_("login account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="member",
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    national_id = EncryptedTextField(_("national ID number"))
    # Keyed hash of the national ID: uniqueness per tenant without storing it in the clear.
    national_id_hash = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)
    joined_on = models.DateField(_("date joined the Party"), null=True, blank=True)
    full_member_on = models.DateField(_("date became full member"), null=True, blank=True)
    status = models.CharField(_("membership status"), max_length=20, choices=MemberStatus.choices,
                              default=MemberStatus.FULL)
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_location = models.CharField(_("where the mobile member is"), max_length=200, blank=True)
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    last_org_life_on = models.DateField(_("last organizational life attended"), null=True, blank=True,
                                        editable=False)
    is_active = models.BooleanField(_("on the roster"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    object_grants = True

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["organization_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "national_id_hash"], name="member_national_id_unique_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "organization", "status"], name="member_org_status"),
            models.Index(fields=["tenant", "name"], name="member_tenant_name"),
        ]
        permissions = [("reveal_member_pii", _("Can reveal national ID and phone of members"))]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_self_q(cls, user) -> Q | None:
        return Q(user_id=user.pk)

    @property
    def national_id_masked(self) -> str:
        return pii.mask_national_id(self.national_id)

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)


class CommitteeMembership(TenantModel):
    """A member's post on an organization's committee (支委会 / 党委), from an election until replaced."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
        related_name="committee_memberships",
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="committee_posts")
    post = models.CharField(_("post"), max_length=30, choices=CommitteePost.choices)
    election = models.ForeignKey("branches.Election", verbose_name=_("election"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="posts")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee post")
        verbose_name_plural = _("committee posts")
        ordering = ["organization_id", "post", "id"]
        indexes = [models.Index(fields=["tenant", "organization", "ended_on"], name="committee_current")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_post_display()}"


class PIIRevealLog(TenantModel):
    """One reveal of a member's national ID or phone in the clear: who, whose, when, where."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("branches.Organization", verbose_name=_("branch"), on_delete=models.CASCADE,
                                     related_name="+")
    actor = models.ForeignKey("accounts.User", verbose_name=_("revealed by"), on_delete=models.PROTECT,
                              related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=RevealChannel.choices)
    fields = models.CharField(_("fields"), max_length=100)
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-revealed_at"]
        indexes = [models.Index(fields=["tenant", "revealed_at"], name="reveal_tenant_time")]
