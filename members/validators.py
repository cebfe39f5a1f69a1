"""Validation of members' identity data; messages never repeat the value (it is personal data)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


# Province-level codes (GB/T 2260, first two digits). Finer region codes change often and are not
# checked: a lookup table would reject real people from newly created districts.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})


def normalize_national_id(value: str) -> str:
    """Validate an 18-character resident ID (format, province, birth date, GB 11643 check digit)."""
    value = ric.compact(value or "").upper()
    if not value:
        raise ValidationError(_("The national ID number is required."), code="required")
    if len(value) != 18:
        raise ValidationError(_("The national ID number must have 18 characters."), code="length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("The national ID number is not valid."), code="invalid")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(_("The national ID number's region code is not valid."), code="region")
    if value[-1] != ric.calc_check_digit(value):
        raise ValidationError(_("The national ID number's check digit is wrong."), code="checksum")
    try:
        born = ric.get_birth_date(value)
    except StdnumError as exc:
        raise ValidationError(_("The national ID number holds an impossible date of birth."), code="date") from exc
    if born > date.today() or born.year < 1900:
        raise ValidationError(_("The national ID number holds an impossible date of birth."), code="date")
    return value


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
