"""Replay of an SLA-policy draft: which recorded tickets would have met or missed their targets.

Each ticket of the window is lived again from its recorded history (its events: creation,
status changes — pauses, resolution, reopenings —, acknowledgement, team and priority moves) on
a `TicketClock` that is never saved: the live clock's own `freeze`-like terms, `account_pause`
and `due_times`, so business time, pauses and calendars are the engine's. At each event, and
at `now`, a clock whose due time came while it ran is breached, for good (SPEC "SLA"): the
rule of `clock_state`. The terms of each stretch are those of the policy that would have been
chosen with the draft saved (`terms.choose_sla_policy`); a ticket counts when the draft was
in force for it at some point of its life.

"What actually happened" is what was recorded: a breach the engine recorded
(`response_breached_at`, `resolution_breached_at`), or `clock_state`'s verdict on the ticket's
own due times at `now`. A breach *gained* is a clock that met its target in reality and would
miss it under the draft; *lost* is the reverse.

The stretches not under the draft use today's saved policies: a ticket whose terms were frozen
from an older version of another policy is judged by that policy as it is now.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from incidents.models import TicketEvent

from . import clock_state
from .durations import human_duration
from .models import TicketClock
from .models.terms import choose_sla_policy, sla_policy_rows, sla_terms_of

CLOCKS = ("response", "resolution")
MOVERS = 10
CHUNK = 500  # tickets whose events are read at once
MOMENT = "%a %Y-%m-%d %H:%M %Z"  # in the draft calendar's zone
# The events that change a clock, in the order they were recorded.
LIFE = ("created", "status_changed", "acknowledged", "team_changed", "priority_changed")
TERMS = (
    "calendar",
    "response_target_seconds",
    "resolution_target_seconds",
)


@dataclass
class Lived:
    """A ticket's life replayed: which clocks breached, their last due times, whether the
    draft was ever in force."""

    late: dict = field(default_factory=lambda: dict.fromkeys(CLOCKS, False))
    due: dict = field(default_factory=lambda: dict.fromkeys(CLOCKS))
    in_force: bool = False


def relive(created_at, events, terms_for, now):
    """Live a ticket again: `events` [(kind, at, after)] in recorded order, its creation
    first; `terms_for(team_id, priority)` → (draft in force?, clock fields). Returns Lived."""
    clock = TicketClock()
    lived = Lived()
    ticket = {"status": "new", "team": None, "priority": None, "acknowledged": None}

    def freeze():
        draft, terms = terms_for(ticket["team"], ticket["priority"])
        lived.in_force = lived.in_force or draft
        for name in TERMS:
            setattr(clock, name, terms[name])

    def settle(at, final=False):
        due = dict(zip(CLOCKS, clock.due_times(created_at), strict=True))
        running = {
            "response": ticket["acknowledged"] is None and ticket["status"] not in DONE,
            "resolution": ticket["status"] not in clock_state.STANDING,
        }
        for name in CLOCKS:
            # Halted at `at`, a clock breached when its due time came strictly before (as
            # clock_state.breaches); still running at `now`, when it has come.
            passed = due[name] is not None and (due[name] <= at if final else due[name] < at)
            if running[name] and passed:
                lived.late[name] = True
        lived.due = due

    for kind, at, after in events:
        if kind == "created":
            ticket.update(status=after["status"], team=after["team"], priority=after["priority"])
            freeze()
            clock.account_pause(ticket["status"], created_at, at)
            continue
        settle(at)
        if kind == "status_changed":
            ticket["status"] = after["status"]
            clock.account_pause(ticket["status"], created_at, at)
        elif kind == "acknowledged":
            ticket["acknowledged"] = ticket["acknowledged"] or at
        elif kind in ("team_changed", "priority_changed"):
            ticket.update(after)
            freeze()  # measured from creation again, pauses kept: TicketClock.freeze
        settle(at)
    settle(now, final=True)
    return lived


DONE = clock_state.DONE


class Histories:
    """The recorded lives of `ticket_ids` (in the order a replay reaches them), read `chunk`
    tickets at a time as it reaches them: a long window never holds every event in memory,
    nor spends its time budget reading them all before the first ticket is counted."""

    def __init__(self, ticket_ids):
        self.ids, self.chunk, self.known = list(ticket_ids), CHUNK, {}
        self.position = {ticket_id: i for i, ticket_id in enumerate(self.ids)}

    def __getitem__(self, ticket_id):
        if ticket_id not in self.known:
            start = self.position[ticket_id]
            ids = self.ids[start : start + self.chunk]
            self.known = {i: [] for i in ids} | histories(ids)
        return self.known[ticket_id]


def histories(ticket_ids):
    """{ticket id: [(kind, at, after, data)]} of the events that change a clock."""
    found = defaultdict(list)
    rows = (
        TicketEvent.objects.filter(ticket__in=ticket_ids, kind__in=LIFE)
        .order_by("ticket", "at", "pk")
        .values_list("ticket_id", "kind", "at", "after", "data")
    )
    for ticket_id, kind, at, after, data in rows:
        found[ticket_id].append((kind, at, after, data))
    return dict(found)


def actual_breaches(ticket, now):
    """What really happened to `ticket`'s clocks: {clock: breached?}."""
    response, resolution = clock_state.clock_states(ticket, now)
    return {
        "response": ticket.response_breached_at is not None or response.late,
        "resolution": ticket.resolution_breached_at is not None or resolution.late,
    }


def chooser(draft=None, scope=None):
    """terms_for(team_id, priority) → (draft chosen?, clock fields) over today's saved SLA
    policies, with the draft (its frozen form and [team ids, is default, saved id]) in place
    of the policy it edits; kept per (team, priority)."""
    saved_id = scope[2] if scope else None
    rows = [p for p in sla_policy_rows() if p["id"] != saved_id]
    if draft is not None:
        team_ids, is_default, _saved = scope
        rows.append(
            {"id": saved_id or float("inf"), "team_ids": set(team_ids), "is_default": is_default}
        )
    known = {}

    def terms_for(team_id, priority):
        if (team_id, priority) not in known:
            chosen = choose_sla_policy(rows, team_id)
            if chosen is not None and "target_rows" not in chosen:
                known[team_id, priority] = True, draft_terms(draft, priority)
            else:
                known[team_id, priority] = False, sla_terms_of(chosen, priority)
        return known[team_id, priority]

    return terms_for


def draft_terms(draft, priority):
    response, resolution = draft["targets"].get(priority, (None, None))
    return {
        "calendar": draft["calendar"],
        "response_target_seconds": response,
        "resolution_target_seconds": resolution,
    }


def replay(clocks, draft, scope, now, on_progress=None, out_of_time=None):
    """The replay's result (a JSON-able dict) for an SLA-policy draft over `clocks` (the
    recorded tickets' TicketClocks, their tickets selected)."""
    terms_for = chooser(draft, scope)
    lives = Histories([c.ticket_id for c in clocks])
    groups = defaultdict(new_group)
    movers, stopped = [], False
    for done, clock in enumerate(clocks, start=1):
        if out_of_time is not None and out_of_time():
            stopped = True
            break
        ticket = clock.ticket
        events = [(kind, at, after) for kind, at, after, _data in lives[ticket.pk]]
        lived = relive(ticket.created_at, events, terms_for, now) if events else Lived()
        if lived.in_force:
            group = groups[group_key(ticket)]
            count(group, actual_breaches(ticket, now), lived.late)
            movers += moved(ticket, lived.due)
        if on_progress is not None and done % 50 == 0:
            on_progress(done)
    zone = ZoneInfo((draft["calendar"] or {}).get("timezone") or settings.TIME_ZONE)
    reached = len(clocks) if not stopped else done - 1
    return {**result(groups, movers, stopped, zone), "reached": reached}


def new_group():
    return {"tickets": 0, **{name: dict.fromkeys(COUNTS, 0) for name in CLOCKS}}


COUNTS = ("actual", "draft", "gained", "lost")


def group_key(ticket):
    return ticket.team.name if ticket.team else "no team", ticket.priority


def count(group, actual, draft):
    """Add a ticket's breaches, real ({clock: bool}) and under the draft, to its group."""
    group["tickets"] += 1
    for name in CLOCKS:
        counts = group[name]
        counts["actual"] += actual[name]
        counts["draft"] += draft[name]
        counts["gained"] += draft[name] and not actual[name]
        counts["lost"] += actual[name] and not draft[name]


def moved(ticket, due):
    """[(seconds moved, reference, clock, actual due, draft due)] of the clocks whose due time
    the draft moves."""
    actual = {"response": ticket.response_due_at, "resolution": ticket.resolution_due_at}
    return [
        (
            abs((due[name] - actual[name]).total_seconds()),
            ticket.reference,
            name,
            actual[name],
            due[name],
        )
        for name in CLOCKS
        if due[name] is not None and actual[name] is not None and due[name] != actual[name]
    ]


def result(groups, movers, stopped, zone):
    # The tickets whose deadlines move most: each ticket once, by its larger move.
    # Ties in the order the references were given: HD-996 before HD-1000 (shorter first).
    movers.sort(key=lambda m: (-m[0], len(m[1]), m[1], m[2]))
    seen, kept = set(), []
    for mover in movers:
        if mover[1] not in seen:
            seen.add(mover[1])
            kept.append(mover)
    rows = []
    for (team, priority), g in sorted(groups.items()):
        row = {"team": team, "priority": priority, **g}
        for name in COUNTS:
            row[name] = sum(g[clock][name] for clock in CLOCKS)
        rows.append(row)
    return {
        "kind": "sla",
        "stopped_early": stopped,
        "groups": rows,
        "movers": [
            {
                "ticket": reference,
                "clock": name,
                "actual": actual.isoformat(),
                "draft": draft.isoformat(),
                "moves": ("+" if draft > actual else "-") + human_duration(int(seconds)),
                "by": human_duration(int(seconds)),
                "direction": "later" if draft > actual else "earlier",
                "actual_local": actual.astimezone(zone).strftime(MOMENT),
                "draft_local": draft.astimezone(zone).strftime(MOMENT),
            }
            for seconds, reference, name, actual, draft in kept[:MOVERS]
        ],
    }
