"""Validation of members' identity data; messages never repeat the value (it is personal data)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_national_id(value: str) -> str:
    """Validate an 18-character resident ID (GB 11643 checksum) and return it upper-cased."""
    value = (value or "").strip().replace(" ", "").upper()
    if not value:
        raise ValidationError(_("The national ID number is required."), code="required")
    if len(value) != 18:
        raise ValidationError(_("The national ID number must have 18 characters."), code="length")
    try:
        return ric.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(_("The national ID number's check digit is wrong."), code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("The national ID number holds an impossible date of birth."), code="date") from exc
    except (InvalidFormat, InvalidLength, StdnumError) as exc:
        raise ValidationError(_("The national ID number is not valid."), code="invalid") from exc


def birth_date_from_national_id(value: str) -> date:
    return ric.get_birth_date(value)


def normalize_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not value:
        return ""
    if value.startswith("+86"):
        value = value[3:]
    if not (_MOBILE.match(value) or _LANDLINE.match(value)):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 010-12345678."),
                              code="phone")
    return value
