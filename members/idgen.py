"""Synthetic but checksum-valid national ID numbers, for demo data and tests only."""

from datetime import date

from stdnum.cn import ric

DEMO_REGIONS = ("110101", "110102", "110105", "310101", "320102", "330102", "420102", "440103", "510104")


def make_national_id(*, birth_date: date, sequence: int, region: str = "110101") -> str:
    """An 18-character ID for a birth date; ``sequence`` (0-999) tells people born the same day apart."""
    body = f"{region}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it expects a placeholder check digit
