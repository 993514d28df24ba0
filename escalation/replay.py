"""Replay: what a draft escalation policy would have done to the tickets of the last N days.

Pure over what it is given: each recorded ticket with its clock (its real deadlines, calendar,
acknowledgement and resolution), the draft's frozen form and scope, and `now`. The planner the
engine uses plans the draft's levels on the ticket's real deadlines; a level "would have
fired" when it falls due before what cancels it (acknowledgement for levels on creation and
first response, resolution for all, or `now`). Compared per team and priority with the levels
that did fire.

Breaches: the SLA deadlines come from the SLA policy (targets, calendar), measured from
creation less the pauses; an escalation policy changes them only through a level that raises
the priority or reassigns the ticket to a team under other targets (`planner.changes_ticket`).
A draft with no such level shows 0 gained and 0 lost and says why (`NO_BREACH_CHANGE`). A
draft with some lives each ticket again (`replay_sla.relive`) with the recorded moves of the
old policy's levels taken out and the moves of the draft's levels that would have fired put
in at their due times, then compares with what was recorded. The draft's levels are planned on
the ticket's real deadlines: a level due after one of the draft's own moves keeps the due time
it had before the move (the engine would re-plan it); the result says so.

`run` replays any Replay row, escalation or SLA (escalation.replay_sla), bounded in time.
"""

import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from . import planner, replay_sla
from .actions import PRIORITY_RANK, recipients_many
from .durations import human_duration
from .models import Firing, Replay, TicketClock
from .models.replays import REPLAY_SECONDS
from .models.terms import draft_chosen, escalation_policies
from .preview import who_is_asked

MOVERS = 10
NO_BREACH_CHANGE = (
    "No breach can be gained or lost: SLA deadlines come from the SLA policy's targets and "
    "calendar, measured from each ticket's creation less its pauses, and an escalation policy "
    "moves them only by a level that raises the priority or reassigns the ticket. No level of "
    "this draft does either, so every ticket keeps the deadlines, and the breaches, it had."
)
BREACHES_APPROXIMATE = (
    "Breaches are counted with the old policy's recorded moves taken out and this draft's "
    "moves put in at the due times of its levels, under today's SLA policies; a level due "
    "after one of the draft's own moves is counted at the due time it had before that move."
)
MOVES = ("team_changed", "priority_changed")


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
    breaches = _Breaches(draft, tickets, now)
    policies, known = list(escalation_policies()), {}

    def chosen(team_id, priority):
        # The active policies read once, each (team, priority) judged once: asking per ticket
        # was 93% of a replay's time (a JSON-aggregating query each).
        if (team_id, priority) not in known:
            known[team_id, priority] = draft_chosen(scope, team_id, priority, policies)
        return known[team_id, priority]

    for done, (ticket, clock) in enumerate(tickets, start=1):
        if out_of_time is not None and out_of_time():
            stopped = True
            break
        if not chosen(ticket.team_id, ticket.priority):
            continue
        state = clock.ticket_state(ticket)
        fired = would_fire(state, draft, clock.business_calendar(), now)
        actual = fired_before.get(ticket.pk, [])
        group = groups[(ticket.team.name if ticket.team else "no team", ticket.priority)]
        group["tickets"] += 1
        group["draft"] += len(fired)
        group["actual"] += len(actual)
        asks += [(group, who_is_asked(f, ticket)) for f in fired]
        breaches.count(group, ticket, fired)
        first_draft = min((f.due_at for f in fired), default=None)
        first_actual = min((due for _level, due in actual), default=None)
        if first_draft and first_actual and first_draft != first_actual:
            movers.append((ticket.reference, first_actual, first_draft))
        if on_progress is not None and done % 50 == 0:
            on_progress(done)
    for (group, _), users in zip(asks, recipients_many([a for _, a in asks]), strict=True):
        group["to"].update(u.get_full_name() or u.get_username() for u in users)
    reached = len(tickets) if not stopped else done - 1
    return {**_result(groups, movers, stopped), **breaches.note(), "reached": reached}


class _Breaches:
    """Breaches gained and lost by an escalation draft (the module's docstring says how)."""

    def __init__(self, draft, tickets, now):
        self.now = now
        self.changing = any(planner.changes_ticket("level", 0, level) for level in draft["levels"])
        if self.changing:
            self.terms_for = replay_sla.chooser()
            self.lives = replay_sla.Histories([ticket.pk for ticket, _clock in tickets])

    def count(self, group, ticket, fired):
        group.setdefault("breaches", replay_sla.new_group())
        actual = replay_sla.actual_breaches(ticket, self.now)
        if not self.changing:
            replay_sla.count(group["breaches"], actual, actual)
            return
        events = self._events(self.lives[ticket.pk], fired)
        lived = replay_sla.relive(ticket.created_at, events, self.terms_for, self.now)
        replay_sla.count(group["breaches"], actual, lived.late)

    def _events(self, recorded, fired):
        """The ticket's recorded life less its levels' moves, plus the draft's."""
        events = [
            (kind, at, after)
            for kind, at, after, data in recorded
            if not (kind in MOVES and data.get("level") is not None)
        ]
        for firing in fired:
            level = firing.actions
            if not firing.changes_ticket:
                continue
            if level.get("reassign_to"):
                events.append(("team_changed", firing.due_at, {"team": level["reassign_to"]}))
            if level.get("set_priority"):
                events.append(("raise", firing.due_at, {"priority": level["set_priority"]}))
        events.sort(key=lambda event: (event[1], event[0] != "created"))
        return list(_raises_only(events))

    def note(self):
        return {"breaches_note": BREACHES_APPROXIMATE if self.changing else NO_BREACH_CHANGE}


def _raises_only(events):
    """A level's priority only ever raises the ticket's (escalation.actions.raise_priority)."""
    priority = None
    for kind, at, after in events:
        if kind == "raise":
            if priority is None or PRIORITY_RANK[after["priority"]] >= PRIORITY_RANK[priority]:
                continue
            kind = "priority_changed"
        if "priority" in after:
            priority = after["priority"]
        yield kind, at, after


def _result(groups, movers, stopped):
    movers.sort(key=lambda m: abs((m[2] - m[1]).total_seconds()), reverse=True)
    return {
        "kind": "escalation",
        "stopped_early": stopped,
        "groups": [
            {
                "team": team,
                "priority": priority,
                "tickets": g["tickets"],
                "levels_draft": g["draft"],
                "levels_actual": g["actual"],
                "levels_gained": max(g["draft"] - g["actual"], 0),
                "levels_lost": max(g["actual"] - g["draft"], 0),
                "to": dict(sorted(g["to"].items())),
                "breaches": _breach_row(g["breaches"]),
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


def _breach_row(counts):
    return {
        **counts,
        **{name: sum(counts[c][name] for c in replay_sla.CLOCKS) for name in replay_sla.COUNTS},
    }


def run(row, now=None, budget=REPLAY_SECONDS, clock=time.monotonic):
    """Replay `row` (a Replay, escalation or SLA) over the tickets created in its window (drill
    tickets left out, as reports leave them out); keep the result."""
    now = now or timezone.now()
    clocks = list(
        TicketClock.objects.filter(
            ticket__created_at__gte=now - timedelta(days=row.days), ticket__drill=False
        )
        .select_related("ticket__team")
        .order_by("ticket__created_at", "ticket_id")
    )
    Replay.objects.filter(pk=row.pk).update(total=len(clocks))
    started = clock()
    bounds = {
        "on_progress": lambda done: Replay.objects.filter(pk=row.pk).update(done=done),
        "out_of_time": lambda: clock() - started > budget,
    }
    if row.kind == Replay.Kind.SLA:
        result = replay_sla.replay(clocks, row.draft, row.scope, now, **bounds)
    else:
        fired = {}
        for ticket_id, level, due in Firing.objects.filter(
            ticket__in=[c.ticket_id for c in clocks], kind="level", state=Firing.State.FIRED
        ).values_list("ticket_id", "level", "due_at"):
            fired.setdefault(ticket_id, []).append((level, due))
        tickets = [(c.ticket, c) for c in clocks]
        result = replay(tickets, row.draft, row.scope, now, fired, **bounds)
    row.result, row.state, row.finished_at = result, Replay.State.DONE, timezone.now()
    row.done, row.total = result["reached"], len(clocks)
    row.save(update_fields=["result", "state", "finished_at", "done", "total"])
    return result
