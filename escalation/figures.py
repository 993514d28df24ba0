"""A ticket's report figures (docs/reports.md), kept on its clock by the keep_clocks reaction so
reports aggregate columns instead of replaying business time for every ticket.

* the outcome of each clock as far as it is settled: "met" (stopped in time), "missed" (its
  due time came while it ran, final), or "" (running in time, or no target) — clock_state's
  rule at the moment of the ticket's last change; a report adds the clocks whose due time has
  passed since while they still ran (`escalation.reports.tickets.missed_by`);
* the time to acknowledge and the time to resolve less every pause, in business seconds of the
  ticket's frozen calendar and in wall seconds, None until it happens."""

from datetime import timedelta

from . import clock_state
from .business_time import business_time_between

ONE_SECOND = timedelta(seconds=1)
FIELDS = [
    "response_outcome",
    "resolution_outcome",
    "acknowledge_seconds",
    "acknowledge_wall_seconds",
    "resolve_seconds",
    "resolve_wall_seconds",
]
# What a report counts a ticket by, copied from the ticket beside its figures (`copies`), so a
# report reads one narrow row per ticket and joins nothing.
COPIES = [
    "deadline",
    "team_id",
    "priority",
    "response_due_running",
    "resolution_due_running",
]
# What a report reads beside the deadline, team and priority (clock_report_idx's columns).
REPORTED = [*FIELDS, "response_due_running", "resolution_due_running"]


def outcome(clock):
    """A ClockState as a report counts it."""
    if clock.late:
        return "missed"
    if clock.state == clock_state.STOPPED:
        return "met"
    return ""


def elapsed(calendar, start, end, less=timedelta(0), less_wall=timedelta(0)):
    """(business seconds, wall seconds) from `start` to `end`, less the time given; whole
    seconds, truncated, never negative."""
    business = business_time_between(calendar, start, end) - less
    return _seconds(business), _seconds(end - start - less_wall)


def _seconds(duration):
    return max(duration // ONE_SECOND, 0)


def resolution_stop(ticket):
    """When the resolution clock last stood still for good, or None while the ticket is not
    resolved: the start of its last standing (a ticket resolved while pending stopped when it
    became pending), so MTTR leaves that stretch out as it leaves out every pause."""
    if ticket.status not in clock_state.DONE or ticket.resolved_at is None:
        return None
    return min(ticket.sla_paused_at or ticket.resolved_at, ticket.resolved_at)


def figures(ticket, calendar, stood_us, stood_wall_us, now):
    """{field: value} of FIELDS for `ticket` (its columns as they are now) on `calendar`, with
    the resolution clock's completed pauses (microseconds, business and wall)."""
    response, resolution = clock_state.clock_states(ticket, now)
    found = dict.fromkeys(FIELDS[2:])
    found["response_outcome"], found["resolution_outcome"] = outcome(response), outcome(resolution)
    if ticket.acknowledged_at is not None:
        found["acknowledge_seconds"], found["acknowledge_wall_seconds"] = elapsed(
            calendar, ticket.created_at, ticket.acknowledged_at
        )
    stop = resolution_stop(ticket)
    if stop is not None:
        found["resolve_seconds"], found["resolve_wall_seconds"] = elapsed(
            calendar,
            ticket.created_at,
            stop,
            timedelta(microseconds=stood_us),
            timedelta(microseconds=stood_wall_us),
        )
    return found


def stood_from(status_changes, calendar):
    """(business, wall) microseconds the resolution clock stood still and ran again, from a
    ticket's status changes [(at, new status)] in time order: what the clock keeps as it goes,
    worked out afresh (a migration fills older clocks with it; a test checks the two agree)."""
    stood = stood_wall = timedelta(0)
    since = None
    for at, status in status_changes:
        standing = status in clock_state.STANDING
        if standing and since is None:
            since = at
        elif not standing and since is not None:
            stood += business_time_between(calendar, since, at)
            stood_wall += at - since
            since = None
    micro = timedelta(microseconds=1)
    return stood // micro, stood_wall // micro


def counts_as_escalation(data):
    """Does an `escalated` event with this data move the ticket up the ladder: a manual
    escalation, or a level's first firing (a warning before a deadline and a repeat only told
    people again)? The rule reports/tickets.py's ESCALATION writes in SQL."""
    repeat = data.get("repeat")
    first = type(repeat) is int and repeat == 0
    return data.get("manual") is True or (data.get("warning") is False and first)


def copies(ticket, found):
    """{field: value} of COPIES for `ticket` (its columns as they are now), with `found`, its
    figures: the deadline it counts by (its resolution's, else its first response's, else its
    creation), its team and priority, and each clock's due time while that clock runs with no
    outcome yet (None otherwise), so a report finds the clocks missed since by comparing it
    with its `now` (reports/tickets.py: missed_by)."""
    active = ticket.status in ticket.ACTIVE_STATUSES
    response_runs = active and ticket.acknowledged_at is None and not found["response_outcome"]
    resolution_runs = active and ticket.sla_paused_at is None and not found["resolution_outcome"]
    return {
        "deadline": ticket.resolution_due_at or ticket.response_due_at or ticket.created_at,
        "team_id": ticket.team_id,
        "priority": ticket.priority,
        "response_due_running": ticket.response_due_at if response_runs else None,
        "resolution_due_running": ticket.resolution_due_at if resolution_runs else None,
    }
