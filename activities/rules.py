"""The organizational-life rules of SPEC §4 as pure functions: no ORM, explicit dates.

A requirement (one version of a tenant's rule for one activity kind) asks for at least
``min_count`` gatherings of that kind in every month, quarter or year. A gathering may carry
several kinds ("1+N": a theme Party day that is also the general meeting and a lecture) and then
counts for each. A rule version covers the periods that *start* within its validity, so a past
period is judged by the rule in force when it began; new versions start on a period boundary.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from branches.choices import OrgKind

from .choices import ActivityKind, Expected, PairKind, Period, RequirementStatus


@dataclass(frozen=True)
class Rule:
    """One version of a requirement; ``valid_to`` is exclusive, None means open-ended."""

    kind: str
    period: str
    min_count: int
    applies_to: frozenset[str]
    expected: str
    required: bool = True
    valid_from: date | None = None
    valid_to: date | None = None

    def covers(self, period_start: date) -> bool:
        return (self.valid_from is None or period_start >= self.valid_from) and (
            self.valid_to is None or period_start < self.valid_to
        )


# National defaults (《中国共产党支部工作条例（试行）》2018 and SPEC §4); tenants override per kind.
NATIONAL_DEFAULTS: tuple[Rule, ...] = (
    Rule(ActivityKind.GENERAL_MEETING, Period.QUARTER, 1, frozenset({OrgKind.BRANCH}), Expected.ALL_MEMBERS),
    Rule(ActivityKind.COMMITTEE_MEETING, Period.MONTH, 1, frozenset({OrgKind.BRANCH}), Expected.COMMITTEE),
    Rule(ActivityKind.GROUP_MEETING, Period.MONTH, 1, frozenset({OrgKind.GROUP}), Expected.GROUP_MEMBERS),
    Rule(ActivityKind.PARTY_LECTURE, Period.QUARTER, 1, frozenset({OrgKind.BRANCH}), Expected.ALL_MEMBERS),
    Rule(ActivityKind.THEME_DAY, Period.MONTH, 1, frozenset({OrgKind.BRANCH}), Expected.ALL_MEMBERS),
    Rule(ActivityKind.ORG_LIFE_MEETING, Period.YEAR, 1, frozenset({OrgKind.BRANCH}), Expected.ALL_MEMBERS),
    Rule(ActivityKind.DEMOCRATIC_REVIEW, Period.YEAR, 1, frozenset({OrgKind.BRANCH}), Expected.ALL_MEMBERS),
    Rule(ActivityKind.HEART_TALK, Period.YEAR, 1, frozenset({OrgKind.BRANCH}), Expected.PAIRS),
    Rule(ActivityKind.CENTRAL_GROUP_STUDY, Period.YEAR, 4, frozenset({OrgKind.COMMITTEE}), Expected.COMMITTEE),
)

MIN_COMMITTEE_SIZE = 3  # a branch committee has 3 to 5 (at most 7) members
GENERAL_MEETING_QUORUM = 0.5  # more than half of the members with a vote
EXCELLENT_SHARE_LIMIT = 1 / 3  # 优秀 is generally at most one third


# --- periods -------------------------------------------------------------------------------

def period_bounds(period: str, day: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year containing ``day``."""
    if period == Period.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == Period.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
        return date(day.year, first_month, 1), date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    if period == Period.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown period {period!r}")


def next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def periods_between(period: str, start: date, end: date) -> list[tuple[date, date]]:
    """Every period of the given length that intersects [start, end]."""
    out = []
    cursor = period_bounds(period, start)
    while cursor[0] <= end:
        out.append(cursor)
        cursor = period_bounds(period, next_day(cursor[1]))
    return out


def is_period_start(period: str, day: date) -> bool:
    return period_bounds(period, day)[0] == day


def period_label(period: str, start: date) -> str:
    if period == Period.MONTH:
        return f"{start.year}-{start.month:02d}"
    if period == Period.QUARTER:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (31 Jan -> 28 Feb counts as one)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    last_day_of_later = calendar.monthrange(later.year, later.month)[1]
    if later.day < earlier.day and later.day != last_day_of_later:
        months -= 1
    return max(months, 0)


# --- facts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrgFacts:
    """What the rules need to know about an organization."""

    id: int
    kind: str
    committee_size: int = 0
    since: date | None = None  # nothing is required for periods that ended before the organization existed


@dataclass(frozen=True)
class Gathering:
    """A finalized meeting (or a talk) as evidence: which organization, which day, which kinds."""

    id: int
    org_id: int
    day: date
    kinds: frozenset[str]
    pair_kind: str | None = None  # for heart-to-heart talks


@dataclass
class Status:
    """One requirement in one period for one organization."""

    kind: str
    org_id: int
    period: str
    start: date
    end: date
    required: int
    held: int
    status: str
    evidence: list[int] = field(default_factory=list)
    missing_pairs: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return period_label(self.period, self.start)


def rules_in_force(tenant_rules: Sequence[Rule]) -> list[Rule]:
    """The tenant's versions, and the national default for every kind the tenant never set."""
    set_kinds = {r.kind for r in tenant_rules}
    return [*tenant_rules, *[r for r in NATIONAL_DEFAULTS if r.kind not in set_kinds]]


def applies(rule: Rule, org: OrgFacts) -> bool:
    if not rule.required or org.kind not in rule.applies_to:
        return False
    if rule.expected == Expected.COMMITTEE and org.kind == OrgKind.BRANCH:
        # A branch with a committee (支委会, 3 or more members) meets monthly; a secretary alone does not.
        return org.committee_size >= MIN_COMMITTEE_SIZE
    return True


def required_pairs(org: OrgFacts) -> list[str]:
    """Pair kinds a branch must cover in talks each year, given its committee size."""
    pairs = []
    if org.committee_size >= 2:
        pairs.append(PairKind.COMMITTEE_COMMITTEE)
    if org.committee_size >= 1:
        pairs.append(PairKind.COMMITTEE_MEMBER)
    pairs.append(PairKind.MEMBER_MEMBER)
    return pairs


def _status(held_enough: bool, start: date, end: date, today: date) -> str:
    if held_enough:
        return RequirementStatus.DONE
    if today > end:
        return RequirementStatus.OVERDUE
    if today < start:
        return RequirementStatus.UPCOMING
    return RequirementStatus.DUE


def evaluate(*, org: OrgFacts, rules: Iterable[Rule], gatherings: Iterable[Gathering], start: date, end: date,
             today: date) -> list[Status]:
    """Status of every requirement that applies to ``org`` in each period intersecting [start, end]."""
    own = [g for g in gatherings if g.org_id == org.id]
    out: list[Status] = []
    for rule in rules:
        if not applies(rule, org):
            continue
        for p_start, p_end in periods_between(rule.period, start, end):
            if not rule.covers(p_start) or (org.since is not None and p_end < org.since):
                continue
            inside = [g for g in own if p_start <= g.day <= p_end and rule.kind in g.kinds]
            if rule.expected == Expected.PAIRS:
                needed = required_pairs(org)
                covered = {g.pair_kind for g in inside}
                missing = [p for p in needed if p not in covered]
                out.append(Status(rule.kind, org.id, rule.period, p_start, p_end, len(needed),
                                  len(needed) - len(missing), _status(not missing, p_start, p_end, today),
                                  sorted(g.id for g in inside), missing))
                continue
            out.append(Status(rule.kind, org.id, rule.period, p_start, p_end, rule.min_count, len(inside),
                              _status(len(inside) >= rule.min_count, p_start, p_end, today),
                              sorted(g.id for g in inside)))
    out.sort(key=lambda s: (s.start, s.kind))
    return out


def summarize(statuses: Iterable[Status]) -> dict[str, int]:
    counts = {s.value: 0 for s in RequirementStatus}
    for s in statuses:
        counts[s.status] += 1
    return counts


def quorum_met(*, voting_members: int, voting_present: int) -> bool:
    """A general meeting's vote needs more than half of the members with a vote present."""
    return voting_members > 0 and voting_present > voting_members * GENERAL_MEETING_QUORUM


def excellent_share_exceeded(*, excellent: int, graded: int) -> bool:
    return graded > 0 and excellent > graded * EXCELLENT_SHARE_LIMIT


def pair_kind(*, a_on_committee: bool, b_on_committee: bool) -> str:
    if a_on_committee and b_on_committee:
        return PairKind.COMMITTEE_COMMITTEE
    if a_on_committee or b_on_committee:
        return PairKind.COMMITTEE_MEMBER
    return PairKind.MEMBER_MEMBER
