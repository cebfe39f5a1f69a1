from django.utils.functional import SimpleLazyObject

from core.scoping import ROLE_ACTIONS, Action, user_grants


def unread_reminders(user) -> int:
    """The user's unread reminders (the header's badge): one COUNT on the inbox index."""
    from notifications.models import Reminder

    return Reminder.objects.filter(recipient=user, tenant_id=user.tenant_id, read_at__isnull=True).count()


def navigation(request):
    """What the page header needs: the user's roles, for showing or hiding menu entries, and the
    unread reminder count (counted only when a template shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = user_grants(user)
    return {
        "nav_roles": sorted({g.role for g in grants}),
        "nav_can_change": any(Action.CHANGE in ROLE_ACTIONS.get(g.role, ()) for g in grants),
        "nav_can_admin": any(Action.ADMIN in ROLE_ACTIONS.get(g.role, ()) for g in grants),
        "nav_unread": SimpleLazyObject(lambda: unread_reminders(user)),
    }
