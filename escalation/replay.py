"""Replay: what a draft escalation policy would have done to the tickets of the last N days.

Pure over what it is given: each recorded ticket with its clock (its real deadlines, calendar,
acknowledgement and resolution), the draft's frozen form and scope, and `now`. The planner the
engine uses plans the draft's levels on the ticket's real deadlines; a level "would have
fired" when it falls due before what cancels it (acknowledgement for levels on creation and
first response, resolution for all, or `now`). Compared per team and priority with the levels
that did fire.
"""

import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from . import planner
from .actions import recipients_many
from .durations import human_duration
from .models import Firing, Replay, TicketClock
from .models.replays import REPLAY_SECONDS
from .models.terms import draft_chosen
from .preview import who_is_asked

MOVERS = 10


def would_fire(state, draft, calendar, now):
    """The draft's level firings that would have fired for a ticket whose real life is
    `state`: planned as if still open and unacknowledged, then cut at what cancels each."""
    open_state = replace(
        state, acknowledged_at=None, active=True, resolved_at=None, paused_since=None
    )
    ended = min(t for t in (state.resolved_at, now) if t is not None)
    fired = []
    for firing in planner.level_plan(open_state, draft, calendar):
        cutoff = ended
        if firing.anchor != "resolution_due" and state.acknowledged_at is not None:
            cutoff = min(cutoff, state.acknowledged_at)
        if firing.due_at <= cutoff:
            fired.append(firing)
    return fired


def replay(tickets, draft, scope, now, fired_before, on_progress=None, out_of_time=None):
    """The replay's result (a JSON-able dict).

    `tickets`: [(ticket, clock)]; `fired_before`: {ticket id: [(level, due_at)]} of the levels
    that did fire; `on_progress(done, total)` is called now and then; `out_of_time()` true stops
    early (the result says so)."""
    groups = defaultdict(lambda: {"tickets": 0, "draft": 0, "actual": 0, "to": Counter()})
    movers, asks, stopped = [], [], False
    for done, (ticket, clock) in enumerate(tickets, start=1):
        if out_of_time is not None and out_of_time():
            stopped = True
            break
        if not draft_chosen(scope, ticket.team_id, ticket.priority):
            continue
        state = clock.ticket_state(ticket)
        fired = would_fire(state, draft, clock.business_calendar(), now)
        actual = fired_before.get(ticket.pk, [])
        group = groups[(ticket.team.name if ticket.team else "no team", ticket.priority)]
        group["tickets"] += 1
        group["draft"] += len(fired)
        group["actual"] += len(actual)
        asks += [(group, who_is_asked(f, ticket)) for f in fired]
        first_draft = min((f.due_at for f in fired), default=None)
        first_actual = min((due for _level, due in actual), default=None)
        if first_draft and first_actual and first_draft != first_actual:
            movers.append((ticket.reference, first_actual, first_draft))
        if on_progress is not None and done % 50 == 0:
            on_progress(done)
    for (group, _), users in zip(asks, recipients_many([a for _, a in asks]), strict=True):
        group["to"].update(u.get_full_name() or u.get_username() for u in users)
    return _result(groups, movers, stopped)


def _result(groups, movers, stopped):
    movers.sort(key=lambda m: abs((m[2] - m[1]).total_seconds()), reverse=True)
    return {
        "stopped_early": stopped,
        "groups": [
            {
                "team": team,
                "priority": priority,
                "tickets": g["tickets"],
                "levels_draft": g["draft"],
                "levels_actual": g["actual"],
                "gained": max(g["draft"] - g["actual"], 0),
                "lost": max(g["actual"] - g["draft"], 0),
                "to": dict(sorted(g["to"].items())),
            }
            for (team, priority), g in sorted(groups.items())
        ],
        "movers": [
            {
                "ticket": reference,
                "actual": actual.isoformat(),
                "draft": draft.isoformat(),
                "moves": ("+" if draft > actual else "-")
                + human_duration(abs(int((draft - actual).total_seconds()))),
            }
            for reference, actual, draft in movers[:MOVERS]
        ],
    }


def run(row, now=None, budget=REPLAY_SECONDS, clock=time.monotonic):
    """Replay `row` (a Replay) over the tickets created in its window; keep the result."""
    now = now or timezone.now()
    clocks = list(
        TicketClock.objects.filter(ticket__created_at__gte=now - timedelta(days=row.days))
        .select_related("ticket__team")
        .order_by("ticket__created_at")
    )
    Replay.objects.filter(pk=row.pk).update(total=len(clocks))
    fired = {}
    for ticket_id, level, due in Firing.objects.filter(
        ticket__in=[c.ticket_id for c in clocks], kind="level", state=Firing.State.FIRED
    ).values_list("ticket_id", "level", "due_at"):
        fired.setdefault(ticket_id, []).append((level, due))
    started = clock()
    result = replay(
        [(c.ticket, c) for c in clocks],
        row.draft,
        row.scope,
        now,
        fired,
        on_progress=lambda done: Replay.objects.filter(pk=row.pk).update(done=done),
        out_of_time=lambda: clock() - started > budget,
    )
    row.result, row.state, row.finished_at = result, Replay.State.DONE, timezone.now()
    row.done = row.total = len(clocks)
    row.save(update_fields=["result", "state", "finished_at", "done", "total"])
    return result
