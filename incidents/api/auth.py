"""POST /api/auth/token/: a token for a username and password."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.views import APIView

from .throttling import AnonRateThrottle


class ObtainToken(ObtainAuthToken):
    """DRF's token view, throttled: unthrottled, it would let anyone guess passwords at speed."""

    throttle_classes = [AnonRateThrottle]
    # No credentials are needed here, so a stale token header must not turn the call into a 401.
    authentication_classes = []
    # The project's parsers (DRF's token view names its own): a malformed body is a 400.
    parser_classes = APIView.parser_classes

    @extend_schema(
        summary="Exchange a username and password for an API token",
        description="Send the token on later requests as `Authorization: Token <token>`.",
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong credentials (`non_field_errors`)."),
            429: OpenApiResponse(description="Too many attempts; retry later."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
