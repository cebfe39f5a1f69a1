from core.scoping import ROLE_ACTIONS, Action, user_grants


def navigation(request):
    """What the page header needs: the user's roles, for showing or hiding menu entries."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = user_grants(user)
    return {
        "nav_roles": sorted({g.role for g in grants}),
        "nav_can_change": any(Action.CHANGE in ROLE_ACTIONS.get(g.role, ()) for g in grants),
        "nav_can_admin": any(Action.ADMIN in ROLE_ACTIONS.get(g.role, ()) for g in grants),
    }
