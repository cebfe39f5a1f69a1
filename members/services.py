"""Writes on member records. National ID and phone are validated, hashed and encrypted here only."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from core import crypto

from .choices import RevealChannel
from .models import Member, PIIRevealLog
from .validators import birth_date_from_national_id, normalize_national_id, normalize_phone

IDENTITY_FIELDS = ("national_id", "phone")


def check_placement(*, tenant_id: int, organization: Organization, group: Organization | None) -> None:
    """A member belongs to an active branch of the tenant, and optionally to one of its groups."""
    if organization.tenant_id != tenant_id:
        raise ValidationError({"organization": _("The branch does not exist.")})
    if organization.kind != OrgKind.BRANCH:
        raise ValidationError({"organization": _("Members belong to a Party branch.")})
    if organization.status != OrgStatus.ACTIVE:
        raise ValidationError({"organization": _("The branch has been dissolved.")})
    if group is not None and (group.kind != OrgKind.GROUP or group.parent_id != organization.pk):
        raise ValidationError({"group": _("The Party group must belong to the member's branch.")})


def check_dates(fields: dict) -> None:
    joined, full, status = fields.get("joined_on"), fields.get("full_member_on"), fields.get("status")
    if joined and full and full < joined:
        raise ValidationError({"full_member_on": _("A member becomes full member after joining the Party.")})
    if status == "probationary" and full:
        raise ValidationError({"full_member_on": _("A probationary member has no date of becoming full member.")})
    birth = fields.get("birth_date")
    if birth and joined and joined.year - birth.year - ((joined.month, joined.day) < (birth.month, birth.day)) < 18:
        raise ValidationError({"joined_on": _("A member joins the Party at 18 or older.")})


def national_id_taken(*, tenant_id: int, id_hash: str, exclude_pk: int | None = None) -> bool:
    qs = Member.objects.filter(tenant_id=tenant_id, national_id_hash=id_hash)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def prepare_identity(fields: dict) -> dict:
    """Normalize ID and phone, fill the birth date from the ID, compute the keyed hash."""
    out = dict(fields)
    errors: dict[str, list[str]] = {}
    if "national_id" in out:
        try:
            out["national_id"] = normalize_national_id(out["national_id"])
        except ValidationError as exc:
            errors["national_id"] = exc.messages
        else:
            out["national_id_hash"] = crypto.keyed_hash(out["national_id"])
            if not out.get("birth_date"):
                out["birth_date"] = birth_date_from_national_id(out["national_id"])
    if "phone" in out:
        try:
            out["phone"] = normalize_phone(out["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def member_create(*, actor, organization: Organization, group: Organization | None = None, **fields) -> Member:
    check_placement(tenant_id=organization.tenant_id, organization=organization, group=group)
    fields = prepare_identity(fields)
    check_dates(fields)
    if national_id_taken(tenant_id=organization.tenant_id, id_hash=fields["national_id_hash"]):
        raise ValidationError({"national_id": _("A member with this national ID number is already registered.")})
    member = Member(tenant_id=organization.tenant_id, organization=organization, group=group, **fields)
    member.full_clean(exclude=["tenant", "organization", "group", "national_id_hash", "user"])
    member.save()
    refresh_roster_stats([organization])
    return member


def refresh_roster_stats(organizations) -> None:
    """Members count in the dashboards' six-month figures: refresh them for these organizations."""
    from dashboards import stats

    stats.touch(organizations, families={stats.LIFE})


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    organization = fields.pop("organization", member.organization)
    group = fields.pop("group", member.group if organization.pk == member.organization_id else None)
    check_placement(tenant_id=member.tenant_id, organization=organization, group=group)
    fields = prepare_identity(fields)
    merged = {f: getattr(member, f) for f in ("joined_on", "full_member_on", "status", "birth_date")} | fields
    check_dates(merged)
    if "national_id_hash" in fields and national_id_taken(
        tenant_id=member.tenant_id, id_hash=fields["national_id_hash"], exclude_pk=member.pk
    ):
        raise ValidationError({"national_id": _("A member with this national ID number is already registered.")})
    previous = member.organization
    member.organization, member.group = organization, group
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["tenant", "organization", "group", "national_id_hash", "user"])
    member.save()
    refresh_roster_stats({previous, organization})
    return member


@transaction.atomic
def member_remove(*, actor, member: Member) -> Member:
    """Take a member off the roster (the record is kept: attendance and history refer to it)."""
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    refresh_roster_stats([member.organization])
    return member


def can_reveal(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("members.reveal_member_pii"))


def member_reveal(*, actor, member: Member, channel: str = RevealChannel.PAGE) -> dict[str, str]:
    """The clear national ID and phone, for a user holding the reveal permission; every reveal is logged."""
    if not can_reveal(actor):
        raise PermissionError(_("You do not have permission to view personal data in full."))
    log_reveals(actor=actor, members=[member], channel=channel)
    return {"national_id": member.national_id, "phone": member.phone}


def log_reveals(*, actor, members: Iterable[Member], channel: str) -> int:
    rows = [
        PIIRevealLog(tenant_id=m.tenant_id, member=m, organization_id=m.organization_id, actor=actor,
                     channel=channel, fields=",".join(IDENTITY_FIELDS))
        for m in members
    ]
    PIIRevealLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
