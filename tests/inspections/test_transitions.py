"""The ticket life cycle: every state × every action × every role, allowed or refused (and then unchanged)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from core.scoping import Role
from inspections import services
from inspections.choices import TicketAction, TicketStatus
from inspections.models import RectificationTicket, TicketEvent
from tests.factories import UserFactory, file_ticket

pytestmark = pytest.mark.django_db

ANSWER = {"secretary", "tenant_admin"}
INSPECT = {"inspector", "tenant_admin", "added_inspector"}
ALLOWED = {
    ("filed", "acknowledge"): ("acknowledged", ANSWER),
    ("acknowledged", "start"): ("rectifying", ANSWER),
    ("rectifying", "submit"): ("submitted", ANSWER),
    ("submitted", "accept"): ("accepted", INSPECT),
    ("submitted", "return"): ("rectifying", INSPECT),
    ("accepted", "close"): ("closed", INSPECT),
    ("accepted", "reopen"): ("rectifying", INSPECT),
    ("closed", "reopen"): ("rectifying", INSPECT),
}
ROLES = ["secretary", "tenant_admin", "inspector", "added_inspector", "reviewer", "outsider"]
CASES = [(s.value, a.value) for s in TicketStatus for a in TicketAction]


@pytest.fixture
def ticket_and_users(world_a):
    ticket = file_ticket(world_a.branch)
    RectificationTicket.objects.filter(pk=ticket.pk).update(completion="已补齐会议记录")
    added = UserFactory(tenant=world_a.tenant, username="added_inspector")
    assign_perm("inspections.view_rectificationticket", added, ticket)
    assign_perm("inspections.inspect_rectificationticket", added, ticket)
    users = {
        "secretary": world_a.user(Role.SECRETARY),
        "tenant_admin": world_a.user(Role.TENANT_ADMIN),
        "inspector": world_a.user(Role.INSPECTOR),
        "added_inspector": added,
        "reviewer": world_a.user(Role.REVIEWER),
        "outsider": world_a.user("outsider"),
    }
    return ticket, users


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_transition_for_every_role(state, action, ticket_and_users):
    ticket, users = ticket_and_users
    allowed = ALLOWED.get((state, action))
    for role in ROLES:
        RectificationTicket.objects.filter(pk=ticket.pk).update(status=state)
        ticket.refresh_from_db()
        events_before = TicketEvent.objects.filter(ticket=ticket).count()
        if allowed and role in allowed[1]:
            result = services.ticket_transition(actor=users[role], ticket=ticket, action=action, reason="问题反复出现")
            assert result.status == allowed[0], role
            event = TicketEvent.objects.filter(ticket=ticket).last()
            assert TicketEvent.objects.filter(ticket=ticket).count() == events_before + 1
            assert (event.action, event.from_status, event.to_status, event.actor) == (
                action, state, allowed[0], users[role])
        else:
            with pytest.raises((ValidationError, PermissionDenied)):
                services.ticket_transition(actor=users[role], ticket=ticket, action=action, reason="问题反复出现")
            ticket.refresh_from_db()
            assert ticket.status == state, role
            assert TicketEvent.objects.filter(ticket=ticket).count() == events_before, role


def test_return_and_reopen_need_a_reason(ticket_and_users):
    ticket, users = ticket_and_users
    RectificationTicket.objects.filter(pk=ticket.pk).update(status="submitted")
    with pytest.raises(ValidationError):
        services.ticket_transition(actor=users["inspector"], ticket=ticket, action="return", reason=" ")
    ticket.refresh_from_db()
    assert ticket.status == "submitted"


def test_submit_needs_completion(world_a):
    ticket = file_ticket(world_a.branch)
    RectificationTicket.objects.filter(pk=ticket.pk).update(status="rectifying")
    secretary = world_a.user(Role.SECRETARY)
    with pytest.raises(ValidationError):
        services.ticket_transition(actor=secretary, ticket=ticket, action="submit")
    ticket = services.ticket_transition(actor=secretary, ticket=ticket, action="submit", completion="已补记录并签字")
    assert ticket.status == "submitted" and ticket.completion == "已补记录并签字"


def test_close_sets_and_reopen_clears_dates(ticket_and_users):
    ticket, users = ticket_and_users
    RectificationTicket.objects.filter(pk=ticket.pk).update(status="submitted")
    inspector = users["inspector"]
    ticket = services.ticket_transition(actor=inspector, ticket=ticket, action="accept")
    ticket = services.ticket_transition(actor=inspector, ticket=ticket, action="close")
    assert ticket.accepted_at and ticket.closed_at
    ticket = services.ticket_transition(actor=inspector, ticket=ticket, action="reopen", reason="复查发现问题反弹")
    assert ticket.status == "rectifying" and ticket.closed_at is None
