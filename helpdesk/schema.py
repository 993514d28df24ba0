"""The OpenAPI schema's house rules: one `Error` body for every failure an operation can answer,
every field a response always carries marked required, and descriptions only where they apply."""

import inspect

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import permissions, serializers

from incidents.api.mixins import ProtectedDestroyMixin

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
WITH_BODY = {"POST", "PUT", "PATCH"}
ERROR_DESCRIPTIONS = {
    400: "Invalid input: a message per field (`field`, `list[0].field`, `non_field_errors`).",
    401: "No token, or a bad one.",
    403: "Your role may not do this.",
    404: "No such object, not one you can see, or no such page.",
    409: "The object is still in use.",
    413: "The request body is too large.",
    415: "The body is not in a content type this operation takes.",
    429: "Too many requests; wait for the seconds in `Retry-After`.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """Every error: `detail` says what went wrong; invalid fields each carry their messages."""

    detail = serializers.CharField()

    class Meta:
        # Field errors: any other key maps to a list of messages (see helpdesk.errors).
        additional_properties = {"type": "array", "items": {"type": "string"}}


def _custom_permission(permission):
    """A permission that can refuse a signed-in user (IsAuthenticated cannot)."""
    return not isinstance(permission, (permissions.IsAuthenticated, permissions.AllowAny)) and (
        type(permission).has_permission is not permissions.BasePermission.has_permission
    )


class AutoSchema(openapi.AutoSchema):
    def get_description(self):
        """The action's own docstring, else the view class's own: never one inherited from a
        mixin or a DRF base class, which would describe something else."""
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        doc = getattr(action, "__doc__", None) or type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else ""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            # A serializer writes every readable field on every response.
            schema["required"] = list(schema.get("properties", {}))
            additional = getattr(getattr(serializer, "Meta", None), "additional_properties", None)
            if additional is not None:
                schema["additionalProperties"] = additional
                schema["required"] = ["detail"]
        return schema

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "201" and getattr(self.view, "action", None) == "create":
            headers["Location"] = {
                "schema": {"type": "string", "format": "uri"},
                "description": "The new object's URL.",
            }
        return headers

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        codes = {int(code) for code in responses if code.startswith("4")} | self.error_statuses()
        for code in sorted(codes):
            declared = responses.get(str(code), {})
            response = {
                "description": declared.get("description") or ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": error}},
            }
            if code == 429:
                response["headers"] = RETRY_AFTER
            responses[str(code)] = response
        return dict(sorted(responses.items()))

    def error_statuses(self):
        """The 4xx statuses this operation can answer, read off the view's configuration."""
        view, method = self.view, self.method
        authenticated = any(not isinstance(p, permissions.AllowAny) for p in view.get_permissions())
        has_body = method in WITH_BODY and self.get_request_serializer() is not None
        is_list = method == "GET" and self._is_list_view()
        codes = set()
        if has_body:
            codes |= {400, 413, 415}
        if (
            is_list
            and DjangoFilterBackend in getattr(view, "filter_backends", ())
            and self._filterset(view)
        ):
            codes.add(400)
        if authenticated:
            codes.add(401)
            if method in UNSAFE or any(_custom_permission(p) for p in view.get_permissions()):
                codes.add(403)
        if "{" in self.path or (is_list and self._get_paginator()):
            codes.add(404)
        if method == "DELETE" and isinstance(view, ProtectedDestroyMixin):
            codes.add(409)
        if view.get_throttles():
            codes.add(429)
        return codes

    @staticmethod
    def _filterset(view):
        return getattr(view, "filterset_class", None) or getattr(view, "filterset_fields", None)


def explicit_security_and_typed_nullables(result, generator, request, public):
    """Postprocessing: an operation that takes no credentials says so (`security: []`), and a
    nullable enum reference carries its enum's `type` (OpenAPI 3.0 reads `nullable` only beside
    one)."""
    schemas = result.get("components", {}).get("schemas", {})

    def visit(node):
        if isinstance(node, dict):
            if node.get("nullable") and "type" not in node and "oneOf" in node:
                refs = [s["$ref"].rsplit("/", 1)[-1] for s in node["oneOf"] if "$ref" in s]
                types = {schemas[name].get("type") for name in refs} - {None}
                if len(types) == 1:
                    node["type"] = types.pop()
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schemas)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operation.setdefault("security", [])
    return result
