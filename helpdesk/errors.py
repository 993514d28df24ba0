"""One error shape for the API: `{"detail": ...}` JSON, whatever went wrong and wherever.

DRF answers this way inside its views; these cover what happens outside them (an unknown
path, a body Django refuses, a crash) and the Django errors DRF does not translate."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException

from . import unavailable


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "request_too_large"


def is_api(request):
    return request.path_info.startswith("/api/")


def api_exception_handler(exc, context):
    """DRF's handler, plus Django's refusal of an oversized form body as a 413, with every body
    in the one documented shape (the schema's `Error`)."""
    # Imported here: rest_framework.views loads the parsers, and helpdesk.parsers imports this.
    from rest_framework.views import exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response


def error_body(data):
    """`{"detail": str, field: [str, ...]}` from whatever shape DRF produced.

    Nested errors are flattened to paths (`hours[1].end`, `[0].kind` for a list body), and a
    bare message or list of them becomes `detail`."""
    fields = {}
    detail = None
    if isinstance(data, dict):
        detail = data.get("detail")
        for key, value in data.items():
            if key != "detail":
                _flatten(value, f"[{key}]" if isinstance(key, int) else str(key), fields)
    elif isinstance(data, list) and any(isinstance(item, dict | list) for item in data):
        for index, item in enumerate(data):
            _flatten(item, f"[{index}]", fields)
    else:
        detail = data
    if isinstance(detail, list | dict):
        messages = {}
        _flatten(detail, "detail", messages)
        detail = " ".join(" ".join(found) for found in messages.values())
    return {"detail": str(detail) if detail else "Invalid input.", **fields}


def _flatten(value, path, into):
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, int):
                _flatten(item, f"{path}[{key}]", into)
            else:
                _flatten(item, f"{path}.{key}" if path else str(key), into)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", into)
    elif isinstance(value, list):
        if value:
            into.setdefault(path, []).extend(str(message) for message in value)
    else:
        into.setdefault(path, []).append(str(value))


def not_found(request, exception=None):
    """The API's catch-all route and the project's 404 handler."""
    if is_api(request):
        return JsonResponse({"detail": _not_found_detail(request.path_info)}, status=404)
    return defaults.page_not_found(request, exception)


@csrf_exempt
def unknown_api_path(request, *args, **kwargs):
    """The API's catch-all route: a JSON 404 for any method (a POST here is no CSRF matter)."""
    return not_found(request)


def _not_found_detail(path):
    """The catch-all answers what APPEND_SLASH would have redirected: say where to go."""
    if not path.endswith("/"):
        try:
            if resolve(path + "/").func not in (not_found, unknown_api_path):
                return f"Not found. Did you mean {path}/ ?"
        except Resolver404:
            pass
    return "Not found."


def bad_request(request, exception=None):
    if is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": RequestTooLarge.default_detail}, status=413)
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """A session-authenticated write without its CSRF token: under /api/, JSON like any 403."""
    if is_api(request):
        return JsonResponse({"detail": f"CSRF check failed: {reason}"}, status=403)
    return csrf.csrf_failure(request, reason)


def server_error(request):
    """Django's 500 handler. Every exception nobody handled comes here, whether a view or a
    middleware (the session read, the user) raised it: a database or Redis outage is a 503
    with Retry-After, a full disk a 507 (helpdesk.unavailable)."""
    exception = sys.exc_info()[1]
    if what := unavailable.outage(exception):
        return unavailable.respond(exception, what, api=is_api(request))
    if is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
