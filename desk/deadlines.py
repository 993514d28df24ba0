"""The next deadline of a ticket and how urgent it looks (UI "Desk": the queue row's badge).

Plain Python over a ticket's columns and `now`, so the queue, the workspace and the tests agree;
static/desk.js applies the same thresholds to count down between page loads."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

# Under this much time left the badge turns orange; under AT_RISK_MINUTES it is amber.
URGENT_MINUTES = 15


def at_risk_minutes():
    return settings.AT_RISK_MINUTES


def short_duration(seconds):
    """At most two units, as people read them at a glance: "1d 4h", "3h 5m", "42m", "<1m"."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "<1m"


def next_deadline(ticket):
    """(clock, due) of the nearest running clock: first response until acknowledged, resolution
    unless paused; (None, None) when no clock runs."""
    running = []
    if ticket.acknowledged_at is None and ticket.response_due_at is not None:
        running.append((ticket.response_due_at, "response"))
    if ticket.sla_paused_at is None and ticket.resolution_due_at is not None:
        running.append((ticket.resolution_due_at, "resolution"))
    if not running or not ticket.is_active:
        return None, None
    due, clock = min(running)
    return clock, due


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # neutral, amber, orange, red, grey, none
    clock: str | None = None
    due: object = None

    @property
    def due_iso(self):
        """Whole seconds, a form every browser's Date.parse reads."""
        return self.due.isoformat(timespec="seconds") if self.due else ""

    @property
    def css(self):
        return f"badge badge-{self.tone}"


def badge(ticket, now):
    """The deadline badge: words and a colour, never colour alone."""
    clock, due = next_deadline(ticket)
    if due is None:
        if ticket.is_active and ticket.sla_paused_at is not None:
            return Badge("Paused", "grey")
        return Badge("No deadline" if ticket.is_active else "Done", "none")
    return deadline_badge(due, now, clock)


def deadline_badge(due, now, clock=None):
    left = (due - now).total_seconds()
    if left < 0:
        return Badge(f"Overdue {short_duration(left)}", "red", clock, due)
    label = f"Due in {short_duration(left)}"
    if left < URGENT_MINUTES * 60:
        return Badge(label, "orange", clock, due)
    if left < at_risk_minutes() * 60:
        return Badge(label, "amber", clock, due)
    return Badge(label, "neutral", clock, due)


def at_risk_horizon(now):
    return now + timedelta(minutes=at_risk_minutes())
