"""Organization-tree rules of SPEC §2 as pure functions: placement, term length, structure warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .choices import OrgCategory, OrgKind

# Which kinds may sit directly under which; None is the tenant root.
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    OrgKind.COMMITTEE: frozenset({None, OrgKind.COMMITTEE}),
    OrgKind.GENERAL_BRANCH: frozenset({OrgKind.COMMITTEE}),
    OrgKind.BRANCH: frozenset({OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH}),
    OrgKind.GROUP: frozenset({OrgKind.BRANCH}),
}

MIN_FULL_MEMBERS = 3
COMMITTEE_REQUIRED_FROM = 7
COMMITTEE_SIZE_RANGE = (3, 5)
COMMITTEE_SIZE_MAX = 7
BRANCH_MAX_MEMBERS = 50
MAX_POSTPONEMENT_YEARS = 1


def placement_allowed(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENTS.get(kind, frozenset())


def default_term_years(kind: str, category: str) -> int:
    """Committee 5 years; general branch and branch 3; rural and community ones 5 (SPEC §2)."""
    if kind == OrgKind.GROUP:
        return 0
    if kind == OrgKind.COMMITTEE or category in (OrgCategory.RURAL, OrgCategory.COMMUNITY):
        return 5
    return 3


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end_for(start: date, years: int) -> date:
    return add_years(start, years)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def structure_warnings(
    *, kind: str, full_members: int, all_members: int, committee_size: int
) -> list[Warning]:
    """Structural norms of a branch (warn, never block)."""
    if kind not in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        return []
    out: list[Warning] = []
    if kind == OrgKind.BRANCH and full_members < MIN_FULL_MEMBERS:
        out.append(Warning("too_few_full_members", _("A branch needs at least 3 full members; it has %(n)d.")
                           % {"n": full_members}))
    if full_members >= COMMITTEE_REQUIRED_FROM:
        low = COMMITTEE_SIZE_RANGE[0]
        if committee_size == 0:
            out.append(Warning("committee_missing", _(
                "With 7 or more full members the branch should have a branch committee of 3 to 5.")))
        elif committee_size < low or committee_size > COMMITTEE_SIZE_MAX:
            out.append(Warning("committee_size", _(
                "The branch committee has %(n)d members; it should have 3 to 5 (at most 7).") % {"n": committee_size}))
    if kind == OrgKind.BRANCH and all_members > BRANCH_MAX_MEMBERS:
        out.append(Warning("too_many_members", _(
            "A branch generally has at most 50 members; it has %(n)d.") % {"n": all_members}))
    return out


def term_status(term_end: date | None, today: date) -> str:
    """unknown / active / expiring (within 6 months) / overdue."""
    if term_end is None:
        return "unknown"
    if term_end < today:
        return "overdue"
    if term_end <= add_months(today, 6):
        return "expiring"
    return "active"
