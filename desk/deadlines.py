"""How urgent a ticket's deadlines look (UI "Desk": the queue row's badge).

Which clock counts is escalation.clock_state's to say; this module turns it into words and a
colour. static/desk.js counts the badges down between page loads with the thresholds the page
gives it (data-at-risk-minutes, data-urgent-minutes), never a copy of its own."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from escalation import clock_state
from escalation.durations import short_duration
from escalation.models import TicketClock

# Under this much time left the badge turns orange; under AT_RISK_MINUTES it is amber.
URGENT_MINUTES = 15


def at_risk_minutes():
    return settings.AT_RISK_MINUTES


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
    """The queue row's badge: the counting clock due first (escalation.clock_state), in words
    and a colour, never colour alone."""
    found = clock_state.next_deadline(ticket, now)
    if found is not None:
        return deadline_badge(found.due, now, found.clock)
    if clock_state.resolution_state(ticket, now).state == clock_state.PAUSED:
        return Badge(_("Paused"), "grey")
    return Badge(_("No deadline") if ticket.is_active else _("Done"), "none")


def clock_badge(state, now):
    """The workspace's badge for one clock while it counts or stands paused; None otherwise."""
    if state.counting:
        return deadline_badge(state.due, now, state.clock)
    if state.state == clock_state.PAUSED:
        return Badge(_("Paused"), "grey")
    return None


def deadline_badge(due, now, clock=None):
    left = (due - now).total_seconds()
    if left < 0:
        return Badge(_("Overdue %(time)s") % {"time": short_duration(left)}, "red", clock, due)
    label = _("Due in %(time)s") % {"time": short_duration(left)}
    if left < URGENT_MINUTES * 60:
        return Badge(label, "orange", clock, due)
    if left < at_risk_minutes() * 60:
        return Badge(label, "amber", clock, due)
    return Badge(label, "neutral", clock, due)


def at_risk_horizon(now):
    return now + timedelta(minutes=at_risk_minutes())


def calendar_zone(ticket):
    """The time zone of the business calendar the ticket's clocks run on ("" for 24×7)."""
    calendar = TicketClock.objects.filter(ticket=ticket).values_list("calendar", flat=True)
    return ((calendar.first() or {}) or {}).get("timezone", "")
