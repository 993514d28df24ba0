"""Is escalation keeping up? The figures behind /healthz, read in a fixed number of queries."""

from datetime import timedelta

from django.utils import timezone

from .models import Firing, Notification

# A due firing still unfired after this long means no worker is firing escalations.
STALLED_AFTER = timedelta(minutes=2)


def report(now=None):
    """Backlog figures and whether they are healthy."""
    now = now or timezone.now()
    waiting = Firing.objects.filter(
        state__in=[Firing.State.PENDING, Firing.State.CLAIMED], due_at__lte=now
    )
    oldest = waiting.order_by("due_at").values_list("due_at", flat=True).first()
    oldest_seconds = (now - oldest).total_seconds() if oldest else 0.0
    outbox = Notification.objects.filter(
        status=Notification.Status.QUEUED, next_attempt_at__lte=now
    )
    return {
        "escalations_due": waiting.count(),
        "oldest_due_seconds": round(oldest_seconds, 3),
        "escalations_ok": oldest_seconds < STALLED_AFTER.total_seconds(),
        "notifications_due": outbox.count(),
        "notifications_failed": Notification.objects.filter(
            status=Notification.Status.FAILED
        ).count(),
    }
