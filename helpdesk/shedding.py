"""Load shedding: when the web side is saturated, answer 503 with Retry-After at once instead of
letting the queue of waiting requests grow without bound (issue 29; docs/operations.md,
"Load shedding").

A gunicorn sync worker serves one request at a time; the requests waiting for a worker wait in
the kernel's accept queue of the listening socket, which grows as long as requests arrive
faster than the workers finish them, and every one of them then waits longer. Two signals, each
read when a worker takes a request, before any session, user or database work:

* the accept queue's length: gunicorn.conf.py hands each worker's listening sockets to
  `watch()`, and `backlog()` reads, with one getsockopt(TCP_INFO) per socket, how many
  connections the kernel has accepted that no worker has taken yet (Linux reports it as
  `tcpi_unacked` of a listening socket). More than SHED_BACKLOG waiting, and so for at least
  SHED_STANDING_MS (every reading this worker took since the first above was above): shed this
  request. A burst that the workers drain sooner is served: Poisson arrivals bunch up now and
  then well below capacity, and shedding those requests failed a few of a load the server
  serves (6 of 1,800 at 20 creates and 40 lists a second in bench/flood.py). A queue that
  stands is overload, and more waiting only makes every request later (CoDel's distinction).
* a reverse proxy's stamp of when the request reached it (`X-Request-Start: t=<seconds>`,
  milliseconds or microseconds, as nginx, HAProxy or Heroku send it): older than
  SHED_QUEUE_MS, the client has waited too long already: shed it. A client that forges the
  header only sheds its own request.

/healthz is never shed: a load balancer must see the process alive. A shed request does no work,
so it is safe to retry; the API answers in its JSON error shape, the site with its busy page.
"""

import logging
import socket
import struct
import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

# struct tcp_info: 8 one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked.
# For a listening socket Linux puts the accept queue's length in `unacked` (byte 24).
_UNACKED_OFFSET = 24
_TCP_INFO_BYTES = 32
NEVER_SHED = ("/healthz", "/static/")

_listeners = []
_shed = {"count": 0, "logged_at": 0.0}
_above_since = [None]  # time.monotonic() of the first reading above SHED_BACKLOG in a row


def watch(sockets):
    """The listening TCP sockets of this worker (gunicorn.conf.py, post_worker_init)."""
    _listeners[:] = [
        s for s in sockets if getattr(s, "family", None) in (socket.AF_INET, socket.AF_INET6)
    ]
    _above_since[0] = None


def backlog():
    """Connections waiting in this server's accept queues; 0 when not watching any."""
    waiting = 0
    for listener in _listeners:
        try:
            info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_BYTES)
        except (OSError, AttributeError):  # not Linux, or a socket without TCP_INFO
            continue
        waiting += struct.unpack_from("=I", info, _UNACKED_OFFSET)[0]
    return waiting


def queued_seconds(header, now):
    """Seconds since a proxy's X-Request-Start stamp, or None when there is none to read."""
    if not header:
        return None
    try:
        stamp = float(header.removeprefix("t=").strip())
    except ValueError:
        return None
    if stamp > 1e14:  # microseconds
        stamp /= 1e6
    elif stamp > 1e11:  # milliseconds
        stamp /= 1e3
    return now - stamp


def standing(waiting, limit, tick):
    """Whether `waiting` (read at monotonic `tick`) is above `limit` and has stayed above it for
    SHED_STANDING_MS in this worker's readings; a reading at or below the limit starts over."""
    if waiting <= limit:
        _above_since[0] = None
        return False
    if _above_since[0] is None:
        _above_since[0] = tick
    return (tick - _above_since[0]) * 1000 >= settings.SHED_STANDING_MS


def overloaded(request, now=None, tick=None):
    """Why this request should be shed ("" when it should be served). `now` is the wall clock
    (for X-Request-Start), `tick` the monotonic one; both read here when not given."""
    if request.path_info.startswith(NEVER_SHED):
        return ""
    limit = settings.SHED_BACKLOG
    if limit and _listeners:
        waiting = backlog()
        if standing(waiting, limit, time.monotonic() if tick is None else tick):
            return f"{waiting} requests waiting for a worker"
    max_queue = settings.SHED_QUEUE_MS
    if max_queue:
        now = time.time() if now is None else now
        waited = queued_seconds(request.META.get("HTTP_X_REQUEST_START"), now)
        if waited is not None and waited * 1000 > max_queue:
            return f"queued {waited:.1f} s before a worker took it"
    return ""


def busy_response(request):
    retry = settings.SHED_RETRY_AFTER
    if request.path_info.startswith("/api/"):
        message = f"The server is busy: try again in {retry} seconds."
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(_busy_page(request, retry), status=503)
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


_pages = {}


def _busy_page(request, retry):
    """The site's busy page in the reader's language (cookie or Accept-Language: no session),
    rendered once per language and wait, so a shed request stays cheap."""
    language = translation.get_language_from_request(request)
    key = (language, retry)
    if key not in _pages:
        with translation.override(language):
            message = ngettext(
                "Too many people are using it at once. Nothing was sent or saved; please try "
                "again in %(seconds)d second.",
                "Too many people are using it at once. Nothing was sent or saved; please try "
                "again in %(seconds)d seconds.",
                retry,
            ) % {"seconds": retry}
            _pages[key] = render_to_string("503.html", {"message": message, "busy": True})
    return _pages[key]


class LoadSheddingMiddleware:
    """Answer 503 + Retry-After before doing any work when the server is saturated."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = overloaded(request)
        if not reason:
            return self.get_response(request)
        _note(reason)
        request.shed = True  # for NotShed: Django would log every one as an error
        return busy_response(request)


class NotShed(logging.Filter):
    """Drops django.request's "Service Unavailable" record of a shed request: under a flood it
    was an ERROR line for every request shed (`_note` counts them instead)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        return not getattr(request, "shed", False)


def _note(reason):
    """One log line per 10 s per process, with how many were shed since the last."""
    _shed["count"] += 1
    now = time.monotonic()
    if now - _shed["logged_at"] >= 10:
        log.warning("load shedding: %d request(s) answered 503 (%s)", _shed["count"], reason)
        _shed.update(count=0, logged_at=now)
