"""A backing service down is a 503, not a 500: the database (Django's OperationalError and
InterfaceError: refused, dropped, locked) or the shared cache that counts the throttles (Redis).

The API answers its JSON error shape, a site page a plain standalone page, both with
Retry-After; a full disk (SQLite's "database or disk is full") is a 507 that says nothing was
saved. Nothing half-done stays behind: the request's transaction rolled back when the error
went through it. Django closes a broken connection at the end of the request (CONN_HEALTH_CHECKS
and `errors_occurred`), so the next request connects anew and the site recovers by itself.

The door is Django's 500 handler (helpdesk.errors.server_error), which every exception nobody
handled reaches, from a view (DRF re-raises what its handler does not know) or a middleware
(the session read) alike. One warning a minute per process says why; Django's own line per
request keeps no traceback (helpdesk.logs): an outage must not bury the log under one traceback
per request."""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10
LOG_EVERY_SECONDS = 60
_last_logged = {}
# SQLite raises OperationalError for these too (PostgreSQL: ProgrammingError), though nothing
# is down: they stay 500s with their traceback, so a bug is never logged as an outage.
PROGRAMMING_ERRORS = ("no such table", "no such column", "no such function", "near ")


def outage(exception):
    """What is down ("database", "disk", "cache"), or None when `exception` is no outage."""
    if isinstance(exception, OperationalError | InterfaceError):
        text = str(exception)
        if text.startswith(PROGRAMMING_ERRORS):
            return None  # SQLite says a missing migration or bad SQL this way: a bug, a 500
        return "disk" if "disk is full" in text else "database"
    # Only when the Redis client is loaded at all: a deployment without Redis never imports it.
    exceptions = sys.modules.get("redis.exceptions")
    if exceptions and isinstance(
        exception,
        exceptions.ConnectionError | exceptions.TimeoutError | exceptions.BusyLoadingError,
    ):
        return "cache"
    return None


MESSAGES = {
    "database": "The service is briefly unavailable: its database cannot be reached. Nothing "
    "was saved; please try again in a few seconds.",
    "cache": "The service is briefly unavailable: its request limits cannot be checked. "
    "Nothing was saved; please try again in a few seconds.",
    "disk": "The server has run out of storage space. Nothing was saved; please try again later.",
}


def respond(exception, what, api):
    """The 503 (507 for a full disk): JSON for the API, else a plain page."""
    _log_once(what, exception)
    status = 507 if what == "disk" else 503
    message = _(MESSAGES[what])
    if api:
        response = JsonResponse({"detail": message}, status=status)
    else:
        page = render_to_string("503.html", {"message": message})  # no request: no context
        response = HttpResponse(page, status=status)  # processors that would read the database
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _log_once(what, exception):
    now = time.monotonic()
    if now - _last_logged.get(what, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _last_logged[what] = now
        first_line = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
        log.warning(
            "%s unavailable, answering %s until it is back: %s: %s",
            what,
            507 if what == "disk" else 503,
            type(exception).__name__,
            first_line,
        )
