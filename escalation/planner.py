"""Escalation planning: ticket state + frozen policy + calendar + now → the firings it should have.

Plain Python over plain values (no ORM), so the preview, the engine and the tests share one
answer. A firing is named by its `key`: the ticket, the policy, the level and the repeat, and
nothing else (SPEC "Moves keep the ladder honest"): re-planning plants nothing new, a deadline
that moves moves the firing's due time, not its identity, and each (ticket, policy, level,
repeat) fires at most once over the ticket's life, whatever moves and re-freezes come."""

from dataclasses import dataclass, field
from datetime import datetime

from . import clock_state
from .business_time import Calendar, add_business


@dataclass(frozen=True)
class TicketState:
    """What the planner needs to know about a ticket, at one moment."""

    ticket_id: int | str
    created_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    acknowledged_at: datetime | None = None
    paused_since: datetime | None = None
    active: bool = True
    resolved_at: datetime | None = None

    @property
    def resolved_or_paused(self):
        """When an inactive ticket's clocks stopped: its resolution, else its clock's pause."""
        return self.resolved_at or self.paused_since

    @property
    def anchors(self):
        """Deadline instants levels may hang on; a paused resolution clock has no deadline."""
        return {
            "created": self.created_at,
            "response_due": self.response_due,
            "resolution_due": None if self.paused_since else self.resolution_due,
        }


@dataclass(frozen=True)
class PlannedFiring:
    key: str
    kind: str  # "level", "response_breach" or "resolution_breach"
    level: int
    repeat: int
    anchor: str
    anchor_at: datetime
    due_at: datetime
    actions: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_warning(self):
        return self.kind == "level" and self.actions.get("offset_seconds", 0) < 0

    @property
    def changes_ticket(self):
        return changes_ticket(self.kind, self.repeat, self.actions)


def changes_ticket(kind, repeat, actions):
    """Does this firing reassign the ticket or raise its priority? Only a level's first firing
    does, and never a warning: repeats and warnings only tell people."""
    actions = actions or {}
    return (
        kind == "level"
        and repeat == 0
        and actions.get("offset_seconds", 0) >= 0
        and bool(actions.get("reassign_to") or actions.get("set_priority"))
    )


def breach_plan(state: TicketState) -> list[PlannedFiring]:
    """A breach firing per clock whose deadline comes while it runs (clock_state.breaches)."""
    plans = []
    response_halt = clock_state.response_halt(
        state.acknowledged_at, None if state.active else state.resolved_or_paused
    )
    clocks = (
        ("response_breach", "response_due", state.response_due, response_halt),
        ("resolution_breach", "resolution_due", state.resolution_due, state.paused_since),
    )
    for kind, anchor, due, halted_at in clocks:
        if not clock_state.breaches(due, halted_at):
            continue
        # One row per clock: its due time follows the deadline until it fires, then never again.
        plans.append(
            PlannedFiring(
                key=f"t{state.ticket_id}:{kind}",
                kind=kind,
                level=0,
                repeat=0,
                anchor=anchor,
                anchor_at=due,
                due_at=due,
            )
        )
    return plans


def level_plan(
    state: TicketState, policy: dict | None, calendar: Calendar | None, only: int | None = None
) -> list[PlannedFiring]:
    """The policy's level firings (and repeats of the last level) still in force for `state`;
    `only`: those of the level with this order alone."""
    if not policy or not state.active:
        return []
    levels = sorted(policy.get("levels", []), key=lambda level: level["order"])
    if not levels:
        return []
    anchors = state.anchors
    plans = []
    for level in levels:
        if only is not None and level["order"] != only:
            continue
        anchor_at = anchors.get(level["anchor"])
        if anchor_at is None or (state.acknowledged_at and level["anchor"] != "resolution_due"):
            continue
        due = add_business(calendar, anchor_at, level["offset_seconds"])
        plans.append(_level_firing(state, policy, level, 0, anchor_at, due))
    last = levels[-1]
    if plans and plans[-1].level == last["order"]:
        plans.extend(_repeats(state, policy, last, plans[-1], calendar))
    return plans


def _repeats(state, policy, level, first, calendar):
    interval = policy.get("repeat_interval_seconds") or 0
    return [
        _level_firing(
            state,
            policy,
            level,
            n,
            first.anchor_at,
            add_business(calendar, first.due_at, n * interval),
        )
        for n in range(1, (policy.get("repeat") or 0) + 1)
        if interval > 0
    ]


def level_key(ticket_id, policy_id, level, repeat):
    """The identity of a level firing: it fires at most once over the ticket's life."""
    return f"t{ticket_id}:p{policy_id}:l{level}:r{repeat}"


def policy_of(key):
    """The policy id (as text) a level firing's key names, or None for a breach's."""
    parts = key.split(":")
    return parts[1][1:] if len(parts) >= 4 and parts[1].startswith("p") else None


def _level_firing(state, policy, level, repeat, anchor_at, due):
    key = level_key(state.ticket_id, policy.get("id"), level["order"], repeat)
    return PlannedFiring(
        key=key,
        kind="level",
        level=level["order"],
        repeat=repeat,
        anchor=level["anchor"],
        anchor_at=anchor_at,
        due_at=due,
        actions=level,  # the frozen policy's own dict, shared by the level's firings: read-only
    )


def is_moot(firing: PlannedFiring, now: datetime) -> bool:
    """A warning first planned after its deadline passed: the breach it warns of has happened.

    Only new rows are judged so; a warning planned in time that a downtime made overdue still
    fires once, marked late."""
    return firing.is_warning and firing.anchor_at <= now


def plan(state: TicketState, policy: dict | None, calendar: Calendar | None) -> list[PlannedFiring]:
    """Every firing the ticket should have, breaches included, ordered by due time."""
    return _in_due_order(breach_plan(state) + level_plan(state, policy, calendar))


def plan_of(
    state: TicketState, policy: dict | None, calendar: Calendar | None, kind: str, level: int
) -> list[PlannedFiring]:
    """The firings of `plan` with this kind and level, and only their arithmetic: the engine
    judges a claimed firing against them (and a repeat against its level's other repeats)."""
    if kind == "level":
        return _in_due_order(level_plan(state, policy, calendar, only=level))
    return [firing for firing in breach_plan(state) if firing.kind == kind]


def _in_due_order(firings):
    return sorted(firings, key=lambda f: (f.due_at, f.kind != "level", f.level, f.repeat))
