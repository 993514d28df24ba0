"""POST /api/auth/token/: a token for a username and password; POST /api/auth/token/revoke/."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import addresses
from .authentication import UNCONFIRMED
from .throttling import AnonRateThrottle


def revoke_tokens(user):
    """Delete `user`'s API tokens: after a new password, or on signing out everywhere."""
    Token.objects.filter(user=user).delete()


class ObtainToken(ObtainAuthToken):
    """DRF's token view, throttled: unthrottled, it would let anyone guess passwords at speed.

    An account whose address awaits confirmation gets no token, as the site login lets it in
    nowhere: the address may be someone else's (incidents.addresses)."""

    throttle_classes = [AnonRateThrottle]
    # No credentials are needed here, so a stale token header must not turn the call into a 401.
    authentication_classes = []
    # The project's parsers (DRF's token view names its own): a malformed body is a 400.
    parser_classes = APIView.parser_classes

    @extend_schema(
        summary="Exchange a username and password for an API token",
        description=(
            "Send the token on later requests as `Authorization: Token <token>`. An account "
            "whose email address is not confirmed yet gets none. Changing or resetting the "
            "password revokes it."
        ),
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                description="Wrong credentials, or an unconfirmed address (`non_field_errors`)."
            ),
            429: OpenApiResponse(description="Too many attempts; retry later."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if not addresses.is_confirmed(user):
            raise ValidationError({"non_field_errors": [UNCONFIRMED]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class RevokeToken(APIView):
    """Delete the caller's token: every client holding it is signed out of the API."""

    @extend_schema(
        summary="Revoke your API token",
        description=(
            "Deletes the token of the caller (by token or by session); later requests with it "
            "answer 401. Ask `POST /api/auth/token/` for a new one."
        ),
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked (or there was none)."),
            401: OpenApiResponse(description="Not signed in."),
        },
    )
    def post(self, request):
        revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
