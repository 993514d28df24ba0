"""GET /healthz: JSON on the database, the shared cache, the task broker, escalations and the
outbox; 503 when any of them is unhealthy.

For load balancers and monitoring, probed every few seconds: no login, no secrets (no URL, no
host name), nothing about tickets, and a fixed handful of indexed queries. The thresholds are
settings (HEALTH_*, docs/operations.md "Health checks")."""

import logging
import time
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from escalation.models import Firing
from notifications.models import Notification

log = logging.getLogger(__name__)


def database():
    """Does the database answer, and how fast (one round trip)?"""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    latency_ms = (time.perf_counter() - started) * 1000
    return {
        "ok": latency_ms <= settings.HEALTH_DATABASE_LATENCY_MS,
        "latency_ms": round(latency_ms, 1),
    }


def shared_cache():
    """Does the cache the throttles count in answer, and how fast (one read)? The API refuses
    the requests it cannot count, so a cache that fails stops the API while the pages work.
    Redis with REDIS_URL, else a table of the database (on SQLite, a file of its own)."""
    started = time.perf_counter()
    caches["default"].get("healthz:probe")
    latency_ms = (time.perf_counter() - started) * 1000
    return {
        "ok": latency_ms <= settings.HEALTH_DATABASE_LATENCY_MS,
        "latency_ms": round(latency_ms, 1),
    }


def broker():
    """Is the task broker reachable, and how many tasks wait on it? Redis with REDIS_URL,
    otherwise the database's queue (django-q2's OrmQ)."""
    keys = _queue_keys()
    if settings.REDIS_URL:
        client = _redis(settings.REDIS_URL)
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(f"django_q:{key}:q")  # django-q2's Redis broker names its lists so
            queued = sum(pipe.execute())
        kind = "redis"
    else:
        from django_q.models import OrmQ

        queued = OrmQ.objects.filter(key__in=keys).count()
        kind = "database"
    return {"ok": queued <= settings.HEALTH_BROKER_QUEUE_MAX, "kind": kind, "queued": queued}


def escalations(now):
    """Firings whose time has come that no worker has fired: the worker health signal."""
    waiting = Firing.objects.due(now)
    oldest = waiting.order_by("due_at").values_list("due_at", flat=True).first()
    oldest_seconds = (now - oldest).total_seconds() if oldest else 0.0
    return {
        "ok": oldest_seconds <= settings.HEALTH_ESCALATION_LAG_SECONDS,
        "due": waiting.count(),
        "oldest_due_seconds": round(oldest_seconds, 3),
    }


def outbox(now):
    """Notifications not yet delivered: how many, how many are retrying after a failure, and
    how long the oldest has waited since it was written."""
    figures = Notification.objects.filter(status=Notification.Status.QUEUED).aggregate(
        pending=Count("id"),
        retrying=Count("id", filter=Q(attempts__gt=0)),
        oldest=Min("created_at"),
    )
    oldest_seconds = (now - figures["oldest"]).total_seconds() if figures["oldest"] else 0.0
    return {
        "ok": oldest_seconds <= settings.HEALTH_OUTBOX_AGE_SECONDS,
        "pending": figures["pending"],
        "retrying": figures["retrying"],
        "oldest_pending_seconds": round(max(oldest_seconds, 0.0), 3),
        "failed": Notification.objects.filter(status=Notification.Status.FAILED).count(),
    }


def report(now=None):
    """Each part's figures and verdict; a part that cannot be read is `{"ok": false}` with the
    kind of error, and the parts that need the database are skipped when it does not answer."""
    now = now or timezone.now()
    found = {"database": _checked(database)}
    found["cache"] = _checked(shared_cache)
    found["broker"] = _checked(broker)
    if found["database"]["ok"] or "error" not in found["database"]:
        found["escalations"] = _checked(escalations, now)
        found["outbox"] = _checked(outbox, now)
    else:
        found["escalations"] = found["outbox"] = {"ok": False, "error": "database unreachable"}
    return {"ok": all(part["ok"] for part in found.values()), **found}


@never_cache
@require_GET
def healthz(request):
    figures = report()
    return JsonResponse(figures, status=200 if figures["ok"] else 503)


def _checked(check, *args):
    try:
        return check(*args)
    except Exception as exc:  # a failure to read is exactly what this page must report
        log.warning("health check %s failed: %s", check.__name__, exc)
        return {"ok": False, "error": type(exc).__name__}


@cache
def _redis(url):
    """One client per process and URL; short timeouts, so a dead Redis answers the probe fast."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _queue_keys():
    """The broker's lists: its queue and the escalation firings' own (escalation/broker.py)."""
    name = settings.Q_CLUSTER["name"]
    return [name, f"{name}-escalation"]
