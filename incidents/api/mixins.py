"""Behaviour shared by the API's model viewsets."""

from django.db import transaction
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.negotiation import DefaultContentNegotiation


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class FileTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "file_too_large"

    def __init__(self, fields):
        super().__init__({"detail": self.default_detail, **fields})


class IgnoreAccept(DefaultContentNegotiation):
    """A download answers the file's own type, whatever `Accept` asks; errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LocationOnCreateMixin:
    """A 201 carries `Location`: the new object's URL."""

    def get_success_headers(self, data):
        if "id" not in data:
            return {}
        return {"Location": self.reverse_action("detail", args=[data["id"]])}


class ProtectedDestroyMixin:
    """Deleting something still in use answers 409 with the reason instead of a server error."""

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            raise Conflict(f"{instance} is still in use and cannot be deleted.") from exc
