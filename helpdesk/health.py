"""GET /healthz: 200 when the database answers and escalations are being fired, else 503.

For load balancers and monitoring; no login, and it tells nothing about tickets. The figures
are read in a fixed number of queries."""

import logging
from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from escalation.models import Firing
from notifications.models import Notification

log = logging.getLogger(__name__)

# A due firing still unfired after this long means no worker is firing escalations.
STALLED_AFTER = timedelta(minutes=2)


def report(now=None):
    """Backlog figures and whether they are healthy."""
    now = now or timezone.now()
    waiting = Firing.objects.due(now)
    oldest = waiting.order_by("due_at").values_list("due_at", flat=True).first()
    oldest_seconds = (now - oldest).total_seconds() if oldest else 0.0
    return {
        "escalations_due": waiting.count(),
        "oldest_due_seconds": round(oldest_seconds, 3),
        "escalations_ok": oldest_seconds < STALLED_AFTER.total_seconds(),
        "notifications_due": Notification.objects.due(now).count(),
        "notifications_failed": Notification.objects.filter(
            status=Notification.Status.FAILED
        ).count(),
    }


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        figures = report()
    except Exception:  # any database failure is exactly what this page must report
        log.exception("health check could not read the database")
        return JsonResponse({"database": False, "ok": False}, status=503)
    ok = figures["escalations_ok"]
    return JsonResponse({"database": True, "ok": ok, **figures}, status=200 if ok else 503)
