"""The compliance rules, table-driven: explicit dates in, the status of each requirement out."""

from dataclasses import replace
from datetime import date

import pytest

from activities import rules
from activities.choices import ActivityKind as K
from activities.choices import PairKind, Period
from activities.choices import RequirementStatus as S
from branches.choices import OrgKind

BRANCH = rules.OrgFacts(id=1, kind=OrgKind.BRANCH, committee_size=5)
SMALL_BRANCH = rules.OrgFacts(id=1, kind=OrgKind.BRANCH, committee_size=0)
GROUP_1 = rules.OrgFacts(id=11, kind=OrgKind.GROUP)
GROUP_2 = rules.OrgFacts(id=12, kind=OrgKind.GROUP)
DEFAULTS = rules.rules_in_force([])


def g(day, *kinds, org=1, pair=None, id_=None):
    return rules.Gathering(id_ or hash((day, kinds, org)) % 10_000, org, day, frozenset(kinds), pair)


def status_of(statuses, kind, label):
    found = [s for s in statuses if s.kind == kind and s.label == label]
    assert len(found) == 1, f"{kind} {label}: {found}"
    return found[0]


def evaluate(org, gatherings, start, end, today, rule_list=DEFAULTS):
    return rules.evaluate(org=org, rules=rule_list, gatherings=gatherings, start=start, end=end, today=today)


CHANGED_MID_YEAR = rules.rules_in_force([
    rules.Rule(K.GENERAL_MEETING, Period.QUARTER, 1, frozenset({OrgKind.BRANCH}), "all_members", True,
               date(1900, 1, 1), date(2026, 7, 1)),
    rules.Rule(K.GENERAL_MEETING, Period.QUARTER, 2, frozenset({OrgKind.BRANCH}), "all_members", True,
               date(2026, 7, 1), None),
])


SCENARIOS = [
    # (name, org, gatherings, window, today, rules, expectations [(kind, period label, status, held)])
    ("committee meeting on the last day of the month counts for that month",
     BRANCH, [g(date(2026, 1, 31), K.COMMITTEE_MEETING)], (date(2026, 1, 1), date(2026, 2, 28)),
     date(2026, 3, 5), DEFAULTS,
     [(K.COMMITTEE_MEETING, "2026-01", S.DONE, 1), (K.COMMITTEE_MEETING, "2026-02", S.OVERDUE, 0)]),
    ("a meeting on the first of the next month does not rescue the previous one",
     BRANCH, [g(date(2026, 2, 1), K.COMMITTEE_MEETING)], (date(2026, 1, 1), date(2026, 2, 28)),
     date(2026, 2, 10), DEFAULTS,
     [(K.COMMITTEE_MEETING, "2026-01", S.OVERDUE, 0), (K.COMMITTEE_MEETING, "2026-02", S.DONE, 1)]),
    ("a quarter with no general meeting: due inside the quarter",
     BRANCH, [], (date(2026, 4, 1), date(2026, 6, 30)), date(2026, 6, 30), DEFAULTS,
     [(K.GENERAL_MEETING, "2026Q2", S.DUE, 0)]),
    ("a quarter with no general meeting: overdue the day after it ends",
     BRANCH, [], (date(2026, 4, 1), date(2026, 6, 30)), date(2026, 7, 1), DEFAULTS,
     [(K.GENERAL_MEETING, "2026Q2", S.OVERDUE, 0)]),
    ("one theme Party day counts as general meeting and lecture (1+N)",
     BRANCH, [g(date(2026, 5, 20), K.THEME_DAY, K.GENERAL_MEETING, K.PARTY_LECTURE)],
     (date(2026, 4, 1), date(2026, 6, 30)), date(2026, 7, 2), DEFAULTS,
     [(K.THEME_DAY, "2026-05", S.DONE, 1), (K.GENERAL_MEETING, "2026Q2", S.DONE, 1),
      (K.PARTY_LECTURE, "2026Q2", S.DONE, 1), (K.THEME_DAY, "2026-04", S.OVERDUE, 0),
      (K.THEME_DAY, "2026-06", S.OVERDUE, 0)]),
    ("a rule changed mid-year judges each quarter by the rule in force when it began",
     BRANCH, [g(date(2026, 5, 1), K.GENERAL_MEETING), g(date(2026, 8, 1), K.GENERAL_MEETING)],
     (date(2026, 1, 1), date(2026, 12, 31)), date(2026, 10, 15), CHANGED_MID_YEAR,
     [(K.GENERAL_MEETING, "2026Q1", S.OVERDUE, 0), (K.GENERAL_MEETING, "2026Q2", S.DONE, 1),
      (K.GENERAL_MEETING, "2026Q3", S.OVERDUE, 1), (K.GENERAL_MEETING, "2026Q4", S.DUE, 0)]),
    ("group meeting held only by one group: that group is done",
     GROUP_1, [g(date(2026, 3, 10), K.GROUP_MEETING, org=11)], (date(2026, 3, 1), date(2026, 3, 31)),
     date(2026, 4, 1), DEFAULTS, [(K.GROUP_MEETING, "2026-03", S.DONE, 1)]),
    ("group meeting held only by one group: the other group is overdue",
     GROUP_2, [g(date(2026, 3, 10), K.GROUP_MEETING, org=11)], (date(2026, 3, 1), date(2026, 3, 31)),
     date(2026, 4, 1), DEFAULTS, [(K.GROUP_MEETING, "2026-03", S.OVERDUE, 0)]),
    ("a future month is upcoming, not due",
     BRANCH, [], (date(2026, 12, 1), date(2026, 12, 31)), date(2026, 11, 22), DEFAULTS,
     [(K.THEME_DAY, "2026-12", S.UPCOMING, 0)]),
    ("organizational life meeting and democratic review are yearly",
     BRANCH, [g(date(2026, 12, 20), K.ORG_LIFE_MEETING, K.DEMOCRATIC_REVIEW)],
     (date(2026, 1, 1), date(2026, 12, 31)), date(2027, 1, 3), DEFAULTS,
     [(K.ORG_LIFE_MEETING, "2026", S.DONE, 1), (K.DEMOCRATIC_REVIEW, "2026", S.DONE, 1)]),
    ("talks: each pair kind at least once a year",
     BRANCH, [g(date(2026, 3, 1), K.HEART_TALK, pair=PairKind.COMMITTEE_MEMBER, id_=1),
              g(date(2026, 4, 1), K.HEART_TALK, pair=PairKind.MEMBER_MEMBER, id_=2)],
     (date(2026, 1, 1), date(2026, 12, 31)), date(2026, 6, 1), DEFAULTS,
     [(K.HEART_TALK, "2026", S.DUE, 2)]),
]


@pytest.mark.parametrize(("name", "org", "gatherings", "window", "today", "rule_list", "expected"), SCENARIOS,
                         ids=[s[0] for s in SCENARIOS])
def test_scenario(name, org, gatherings, window, today, rule_list, expected):
    statuses = evaluate(org, gatherings, *window, today, rule_list)
    for kind, label, status, held in expected:
        found = status_of(statuses, kind, label)
        assert (found.status, found.held) == (status, held), f"{kind} {label}"


def test_branch_without_committee_has_no_committee_meeting_requirement():
    statuses = evaluate(SMALL_BRANCH, [], date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1))
    assert K.COMMITTEE_MEETING not in {s.kind for s in statuses}
    assert {s.kind for s in statuses} >= {K.THEME_DAY, K.GENERAL_MEETING, K.PARTY_LECTURE}


def test_group_requirements_are_only_group_meetings():
    statuses = evaluate(GROUP_1, [], date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1))
    assert {s.kind for s in statuses} == {K.GROUP_MEETING}
    assert len(statuses) == 3


def test_committee_needs_four_central_group_sessions():
    committee = rules.OrgFacts(id=5, kind=OrgKind.COMMITTEE, committee_size=7)
    sessions = [g(date(2026, m, 5), K.CENTRAL_GROUP_STUDY, org=5) for m in (2, 5, 8)]
    statuses = evaluate(committee, sessions, date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    assert [(s.kind, s.held, s.required, s.status) for s in statuses] == [
        (K.CENTRAL_GROUP_STUDY, 3, 4, S.OVERDUE)]


def test_talk_pairs_missing_are_named():
    statuses = evaluate(BRANCH, [g(date(2026, 3, 1), K.HEART_TALK, pair=PairKind.MEMBER_MEMBER)],
                        date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    talk = status_of(statuses, K.HEART_TALK, "2026")
    assert talk.status == S.OVERDUE
    assert talk.missing_pairs == [PairKind.COMMITTEE_COMMITTEE, PairKind.COMMITTEE_MEMBER]


def test_not_required_rule_is_skipped():
    rule_list = rules.rules_in_force([replace(DEFAULTS[4], required=False, valid_from=date(1900, 1, 1))])
    statuses = evaluate(BRANCH, [], date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), rule_list)
    assert K.THEME_DAY not in {s.kind for s in statuses}


@pytest.mark.parametrize(
    ("period", "day", "bounds"),
    [
        (Period.MONTH, date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),
        (Period.MONTH, date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
        (Period.QUARTER, date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
        (Period.QUARTER, date(2026, 4, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        (Period.YEAR, date(2026, 7, 7), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(period, day, bounds):
    assert rules.period_bounds(period, day) == bounds


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (date(2026, 1, 15), date(2026, 4, 14), 2),
        (date(2026, 1, 15), date(2026, 4, 15), 3),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2026, 5, 1), date(2026, 11, 1), 6),
        (date(2026, 11, 22), date(2026, 11, 1), 0),
    ],
)
def test_months_between(earlier, later, months):
    assert rules.months_between(earlier, later) == months


@pytest.mark.parametrize(("voting", "present", "met"), [(10, 6, True), (10, 5, False), (9, 5, True), (0, 0, False)])
def test_quorum_is_more_than_half(voting, present, met):
    assert rules.quorum_met(voting_members=voting, voting_present=present) is met


@pytest.mark.parametrize(("excellent", "graded", "exceeded"), [(3, 9, False), (4, 9, True), (0, 0, False)])
def test_excellent_share(excellent, graded, exceeded):
    assert rules.excellent_share_exceeded(excellent=excellent, graded=graded) is exceeded


def test_nothing_is_required_before_the_organization_existed():
    new_branch = rules.OrgFacts(id=1, kind=OrgKind.BRANCH, committee_size=0, since=date(2026, 5, 20))
    statuses = evaluate(new_branch, [], date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1))
    assert {s.label for s in statuses if s.kind == K.THEME_DAY} == {"2026-05", "2026-06"}
    assert {s.label for s in statuses if s.kind == K.GENERAL_MEETING} == {"2026Q2"}


def test_branch_with_only_a_secretary_holds_no_committee_meetings():
    secretary_only = rules.OrgFacts(id=1, kind=OrgKind.BRANCH, committee_size=1)
    statuses = evaluate(secretary_only, [], date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1))
    assert K.COMMITTEE_MEETING not in {s.kind for s in statuses}
