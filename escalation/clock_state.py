"""Whether each of a ticket's SLA clocks is running, paused, stopped or breached: the one rule.

SPEC "Moves keep the ladder honest": the planner (which breaches to plan), the desk's badges and
chart, the portal's "you'll hear from us by" and the queue's SQL order
(`Ticket.objects.with_urgency`, tested against `urgency` here) all follow these functions.

Plain Python over a ticket's columns and `now`:

* the **first-response** clock runs from creation until it stops: at acknowledgement, or when
  the ticket is resolved unacknowledged, whichever comes first; it never pauses;
* the **resolution** clock runs from creation; it stands still from `sla_paused_at` on
  (pending and on hold pause it; resolved and closed stop it);
* a clock **breaches** when its due time comes while it still runs; a clock that stopped or
  paused at or before its due time never breaches.
"""

from dataclasses import dataclass, replace
from datetime import datetime

NONE = "none"  # no target
RUNNING = "running"
PAUSED = "paused"
STOPPED = "stopped"
BREACHED = "breached"  # still running, and its due time has come

# Statuses in which the resolution clock stands still, and those that stop it for good.
STANDING = frozenset({"pending", "on_hold", "resolved", "closed"})
DONE = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class ClockState:
    clock: str  # "response" or "resolution"
    due: datetime | None
    state: str
    since: datetime | None = None  # when it stopped or paused
    why: str = ""  # "acknowledged", or the status that stopped or paused it
    late: bool = False  # the due time came while it ran: breached, now or before it stood still

    @property
    def counting(self):
        """Running or breached: the clock still counts, so its deadline is one to meet."""
        return self.state in (RUNNING, BREACHED)


def breaches(due, halted_at):
    """Does a clock due at `due` that stood still at `halted_at` (None: never) breach?"""
    return due is not None and (halted_at is None or halted_at > due)


def response_halt(acknowledged_at, resolved_at):
    """When the first-response clock stopped: the earlier of acknowledgement and resolution
    (`resolved_at` only while the ticket stays resolved or closed), or None."""
    stops = [moment for moment in (acknowledged_at, resolved_at) if moment is not None]
    return min(stops) if stops else None


def _stopped_at(ticket):
    if ticket.status not in DONE:
        return None
    return ticket.resolved_at or ticket.closed_at or ticket.sla_paused_at


def response_state(ticket, now):
    due = ticket.response_due_at
    halt = response_halt(ticket.acknowledged_at, _stopped_at(ticket))
    return state_at("response", due, halt, now, why=_response_why(ticket, halt))


def _response_why(ticket, halt):
    if halt is None:
        return ""
    return "acknowledged" if halt == ticket.acknowledged_at else ticket.status


def resolution_state(ticket, now):
    due = ticket.resolution_due_at
    # The clock's own pause start, kept on the ticket for every standing status; a ticket saved
    # before that kept it only while pending or on hold, so fall back to its resolution.
    halt = ticket.sla_paused_at
    if halt is None and ticket.status in DONE:
        halt = _stopped_at(ticket)
    why = ticket.status if halt is not None else ""
    found = state_at("resolution", due, halt, now, why=why, stops=ticket.status in DONE)
    if found.state == STOPPED:
        # Breached or not by when it first stood still; stopped when it was resolved.
        found = replace(found, since=_stopped_at(ticket))
    return found


def state_at(clock, due, halt, now, why="", stops=True):
    """The state of a clock due at `due` that stood still at `halt` (None: it runs), at `now`;
    `stops`: standing still there stops it for good rather than pausing it."""
    if due is None:
        return ClockState(clock, None, NONE, since=halt, why=why)
    if halt is not None:
        state = STOPPED if stops else PAUSED
        return ClockState(clock, due, state, since=halt, why=why, late=breaches(due, halt))
    if due <= now:
        return ClockState(clock, due, BREACHED, late=True)
    return ClockState(clock, due, RUNNING)


def clock_states(ticket, now):
    """(first response, resolution) of `ticket` at `now`."""
    return response_state(ticket, now), resolution_state(ticket, now)


def next_deadline(ticket, now):
    """The counting clock due first, or None: what the queue's badge counts down to."""
    counting = [c for c in clock_states(ticket, now) if c.counting]
    return min(counting, key=lambda c: c.due) if counting else None


# The queue's order (Ticket.objects.with_urgency mirrors this in SQL).
RANK_OVERDUE, RANK_RUNNING, RANK_NO_CLOCK, RANK_PAUSED = 0, 1, 2, 3


def urgency(ticket, now):
    """(rank, next due) for ordering a queue: breached or overdue first, then running
    deadlines, then tickets with no running clock, paused ones last."""
    found = next_deadline(ticket, now)
    due = found.due if found else None
    if ticket.breached or (due is not None and due <= now):
        return RANK_OVERDUE, due
    if due is not None:
        return RANK_RUNNING, due
    if ticket.sla_paused_at is not None and ticket.status not in DONE:
        return RANK_PAUSED, None
    return RANK_NO_CLOCK, None
