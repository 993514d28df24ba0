"""The workspace's story of a ticket: the timeline API's entries (incidents.timeline.entries_for),
each told in words, interleaved with the conversation.

The page reads the very entries `/api/tickets/<id>/timeline/` returns, so the two never differ:
one item per entry, in the same order. Names, teams and replies are looked up once per page,
never per entry."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from incidents import timeline
from incidents.models import Team, Ticket, TicketEvent

# The tabs above the story: key, label. "all" shows every entry.
FILTERS = {
    "all": "All",
    "replies": "Replies",
    "notes": "Notes",
    "activity": "Activity",
    "escalations": "Escalations",
}

MESSAGE_KINDS = {"created", "replied", "note_added"}
CLOCKS = {"response": "first-response", "resolution": "resolution"}
ANCHORS = {
    "created": "after creation",
    "response_due": "at the first-response deadline",
    "resolution_due": "at the resolution deadline",
}
STATUS_WORDS = dict(Ticket.Status.choices)
RATINGS = {1: "Very bad", 2: "Bad", 3: "OK", 4: "Good", 5: "Very good"}


@dataclass
class Item:
    """One entry of the story: `kind` and `at` as the API gives them, `text` in words."""

    kind: str
    at: datetime
    who: str
    text: str = ""
    reason: str = ""
    details: list = field(default_factory=list)
    internal: bool = False
    reply: object = None  # the Reply a "replied" or "note_added" entry is about
    groups: frozenset = frozenset()

    @property
    def is_message(self):
        return self.kind in MESSAGE_KINDS


def is_internal(entry):
    """What a customer never sees: the kinds outside TicketEvent.PUBLIC_KINDS and internal data."""
    return entry["kind"] not in TicketEvent.PUBLIC_KINDS or bool(entry["data"].get("internal"))


def groups_of(entry):
    """The tabs an entry appears under (besides "all")."""
    kind, data = entry["kind"], entry["data"]
    if kind in ("created", "replied"):
        return frozenset({"replies"})
    if kind == "note_added":
        return frozenset({"notes"})
    escalation = kind in ("escalated", "breached") or data.get("escalation")
    escalation = escalation or str(data.get("cause", "")).startswith("firing:")
    return frozenset({"activity", "escalations"} if escalation else {"activity"})


def story(ticket, user, replies=()):
    """The items of `ticket`'s story `user` may read, oldest first (the timeline's order)."""
    entries = timeline.entries_for(ticket, user)
    names = Names(entries)
    by_pk = {reply.pk: reply for reply in replies}
    return [describe(entry, names, by_pk) for entry in entries]


def shown(items, key):
    """The items under the tab `key` (an unknown key shows them all)."""
    if key not in FILTERS or key == "all":
        return items
    return [item for item in items if key in item.groups]


class Names:
    """People's and teams' names for the ids the entries name: two queries for a whole story."""

    def __init__(self, entries):
        user_ids, team_ids = set(), set()
        for entry in entries:
            data = entry["data"]
            user_ids |= {entry["actor"], data.get("recipient"), data.get("assignee")}
            for side in (data.get("before") or {}, data.get("after") or {}):
                user_ids.add(side.get("assignee"))
                team_ids.add(side.get("team"))
        users = get_user_model().objects.filter(pk__in=user_ids - {None})
        self.users = {u.pk: u.get_full_name() or u.get_username() for u in users}
        teams = Team.objects.filter(pk__in=team_ids - {None}).only("name", "tier")
        self.teams = {t.pk: f"{t.name} (tier {t.tier})" for t in teams}

    def user(self, pk, nobody="nobody"):
        return nobody if pk is None else self.users.get(pk, "a removed user")

    def team(self, pk):
        return "no team" if pk is None else self.teams.get(pk, "a removed team")


def describe(entry, names, replies):
    """An entry in words: who, what changed from what to what, and why."""
    data = entry["data"]
    before, after = data.get("before") or {}, data.get("after") or {}
    item = Item(
        kind=entry["kind"],
        at=entry["at"],
        who=names.user(entry["actor"], nobody="Tierdesk"),
        reason=data.get("reason", ""),
        internal=is_internal(entry),
        reply=replies.get(data.get("reply")),
        groups=groups_of(entry),
    )
    teller = TELLERS.get(entry["kind"], _other)
    item.text, *item.details = teller(data, before, after, names)
    return item


def _created(data, before, after, names):
    channel = after.get("channel")
    return (
        f"opened the ticket{f' by {channel}' if channel else ''}",
        f"Priority {after.get('priority', '—')}, {names.team(after.get('team'))}",
    )


def _status(data, before, after, names):
    old, new = before.get("status"), after.get("status")
    text = f"changed the status from {_status_word(old)} to {_status_word(new)}"
    return ("reopened the ticket" if data.get("reopened") else text,)


def _status_word(status):
    return STATUS_WORDS.get(status, status or "—")


def _assigned(data, before, after, names):
    new = after.get("assignee")
    text = f"assigned the ticket to {names.user(new)}" if new else "unassigned the ticket"
    return (text, f"Was: {names.user(before.get('assignee'))}")


def _team(data, before, after, names):
    text = (
        f"moved the ticket from {names.team(before.get('team'))} to {names.team(after.get('team'))}"
    )
    return (text, *_level(data))


def _priority(data, before, after, names):
    text = f"changed the priority from {before.get('priority')} to {after.get('priority')}"
    override = ["A person's override: the priority matrix no longer sets it"]
    return (text, *(override if data.get("override") else []), *_level(data))


def _level(data):
    if not data.get("escalation"):
        return []
    level = data.get("level")
    return [f"Escalation level {level}" if level else "Part of an escalation"]


def _escalated(data, before, after, names):
    level = data.get("level")
    if data.get("manual"):
        text = f"escalated the ticket to {names.team(after.get('team'))}"
        person = [f"To {names.user(data['assignee'])}"] if data.get("assignee") else []
        return (text, *person, _levels(before, after))
    anchor = ANCHORS.get(data.get("anchor"), data.get("anchor", ""))
    head = "warning" if data.get("warning") else "escalation"
    text = f"fired the level {level} {head} ({anchor})"
    moves = [
        f"{key.replace('_', ' ').capitalize()}: {_value(key, before[key], names)} → "
        f"{_value(key, after.get(key), names)}"
        for key in ("team", "priority", "escalation_level")
        if key in before and before[key] != after.get(key)
    ]
    return (text, *moves, _due(data))


def _levels(before, after):
    return f"Escalation level {before.get('escalation_level')} → {after.get('escalation_level')}"


def _value(key, value, names):
    return names.team(value) if key == "team" else value


def _due(data):
    due, fired = parse_datetime(data.get("due_at") or ""), data.get("fired_at")
    fired = parse_datetime(fired) if fired else None
    late = "late" if data.get("late") else "on time"
    if due is None:
        return late.capitalize()
    lag = int((fired - due).total_seconds()) if fired else 0
    return f"Fired {late}{f', {lag}s after its due time' if lag > 0 else ''}"


def _breached(data, before, after, names):
    clock = CLOCKS.get(data.get("clock"), data.get("clock", ""))
    return (f"recorded a breach of the {clock} SLA",)


def _notified(data, before, after, names):
    who = names.user(data.get("recipient"), nobody="a webhook")
    return (
        f"notified {who} by {data.get('channel')}: {data.get('kind', '').replace('_', ' ')}",
        f"Delivery: {data.get('status')}",
    )


def _rated(data, before, after, names):
    rating = after.get("rating")
    return (f"rated the help {RATINGS.get(rating, rating)} ({rating}/5)",)


def _simple(text):
    return lambda data, before, after, names: (text,)


def _other(data, before, after, names):
    changes = [f"{k}: {before.get(k, '—')} → {v}" for k, v in after.items()]
    return ("changed the ticket", *changes)


TELLERS = {
    "created": _created,
    "replied": _simple("replied"),
    "note_added": _simple("added an internal note"),
    "acknowledged": _simple("acknowledged the ticket"),
    "status_changed": _status,
    "assigned": _assigned,
    "team_changed": _team,
    "priority_changed": _priority,
    "escalated": _escalated,
    "breached": _breached,
    "sla_updated": _simple("updated the SLA due times"),
    "notified": _notified,
    "rated": _rated,
}
