"""Base classes for API views: the only place the API applies tenant and subtree scoping."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, serializers, viewsets

from core.scoping import Action


class ScopedViewSet(viewsets.ModelViewSet):
    """A viewset over rows the caller may see; out of scope is 404, seen-but-not-writable is 403.

    Subclasses declare ``queryset`` as usual and may map their extra actions to scope actions in
    ``scope_actions`` (for example ``{"move": Action.ADMIN}``); writes default to ``Action.CHANGE``.
    """

    scope_actions: dict[str, str] = {}
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def scope_action(self) -> str:
        """Reads need VIEW; a write needs what ``scope_actions`` names for it, CHANGE by default."""
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return Action.VIEW
        return self.scope_actions.get(self.action, Action.CHANGE)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, Action.VIEW)

    def get_object(self):
        obj = super().get_object()  # 404 when not visible at all
        action = self.scope_action()
        if action != Action.VIEW and not (
            type(obj).objects.visible_to(self.request.user, action).filter(pk=obj.pk).exists()
        ):
            raise exceptions.PermissionDenied()
        return obj

    def get_serializer_context(self):
        return super().get_serializer_context() | {"scope_action": self.scope_action()}


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id narrowed to what the caller may write to; another tenant's id is "does not exist"."""

    def __init__(self, model=None, action: str = Action.CHANGE, **kwargs):
        self.scope_model = model
        self.scope_action_name = action
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.scope_model.objects.none()
        return self.scope_model.objects.visible_to(request.user, self.scope_action_name)


def get_visible_or_404(model, user, pk, action: str = Action.VIEW):
    try:
        return model.objects.visible_to(user, action).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
