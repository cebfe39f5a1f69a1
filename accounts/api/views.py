from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.scoping import user_grants


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class LoginLockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"
    default_detail = _("Too many failed logins. Try again later.")


class TokenLoginView(ObtainAuthToken):
    """Exchange username and password for an API token; failures are throttled and locked out."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=ObtainAuthToken.serializer_class, responses=TokenResponseSerializer)
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request when the username/address pair is locked out.
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut()
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class GrantSerializer(serializers.Serializer):
    role = serializers.CharField()
    path = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    tenant = serializers.CharField(allow_null=True)
    grants = GrantSerializer(many=True)
    can_reveal_pii = serializers.BooleanField()


class MeView(APIView):
    """The caller: tenant, role grants and whether they may reveal personal data."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk, "username": user.username, "display_name": user.display_name,
            "tenant": user.tenant.name if user.tenant_id else None,
            "grants": [{"role": g.role, "path": g.path} for g in user_grants(user)],
            "can_reveal_pii": user.has_perm("members.reveal_member_pii"),
        }
        return Response(MeSerializer(data).data)


class TokenLogoutView(APIView):
    """Revoke the caller's API token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
