"""GET /healthz: 200 when the database answers and escalations are being fired, else 503.

For load balancers and monitoring; no login, and it tells nothing about tickets."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from escalation import health

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        figures = health.report()
    except Exception:  # any database failure is exactly what this page must report
        log.exception("health check could not read the database")
        return JsonResponse({"database": False, "ok": False}, status=503)
    ok = figures["escalations_ok"]
    return JsonResponse({"database": True, "ok": ok, **figures}, status=200 if ok else 503)
