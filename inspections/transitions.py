"""The rectification ticket's life cycle as a table: (state, action) -> (new state, who may do it).

``answer`` is the responsible organization's side (its secretary, or a tenant administrator);
``inspect`` is the inspector's side (INSPECT on the organization's subtree, or added to the ticket).
"""

from __future__ import annotations

from .choices import TicketAction as A
from .choices import TicketStatus as S

ANSWER = "answer"
INSPECT = "inspect"

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.FILED, A.ACKNOWLEDGE): (S.ACKNOWLEDGED, ANSWER),
    (S.ACKNOWLEDGED, A.START): (S.RECTIFYING, ANSWER),
    (S.RECTIFYING, A.SUBMIT): (S.SUBMITTED, ANSWER),
    (S.SUBMITTED, A.ACCEPT): (S.ACCEPTED, INSPECT),
    (S.SUBMITTED, A.RETURN): (S.RECTIFYING, INSPECT),
    (S.ACCEPTED, A.CLOSE): (S.CLOSED, INSPECT),
    (S.CLOSED, A.REOPEN): (S.RECTIFYING, INSPECT),
    (S.ACCEPTED, A.REOPEN): (S.RECTIFYING, INSPECT),
}

# Actions that must say why.
NEEDS_REASON = frozenset({A.RETURN, A.REOPEN})
# States in which the deadline no longer runs.
FINISHED = frozenset({S.ACCEPTED, S.CLOSED})


def next_state(state: str, action: str) -> tuple[str, str] | None:
    """(new state, side) for an allowed action, None when the action is not possible in ``state``."""
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    return [action for (s, action) in TRANSITIONS if s == state]
