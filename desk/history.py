"""The workspace's story of a ticket: the timeline API's entries (incidents.timeline.entries_for),
each told in words, interleaved with the conversation.

The page reads the very entries `/api/tickets/<id>/timeline/` returns, so the two never differ:
one item per entry, in the same order. Names, teams and replies are looked up once per page,
never per entry."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from incidents import timeline
from incidents.models import Team, Ticket, TicketEvent
from notifications.models import Notification

# The tabs above the story: key, label. "all" shows every entry. Every word below is said in
# the reader's language (gettext; lazy where it is built at import).
FILTERS = {
    "all": pgettext_lazy("history tab", "All"),
    "replies": pgettext_lazy("history tab", "Replies"),
    "notes": pgettext_lazy("history tab", "Notes"),
    "activity": pgettext_lazy("history tab", "Activity"),
    "escalations": pgettext_lazy("history tab", "Escalations"),
}

MESSAGE_KINDS = {"created", "replied", "note_added"}
ANCHORS = {
    "created": gettext_lazy("after creation"),
    "response_due": gettext_lazy("at the first-response deadline"),
    "resolution_due": gettext_lazy("at the resolution deadline"),
}
# Ticket.Status's labels, for agents' pages in their language.
STATUS_WORDS = {
    Ticket.Status.NEW: pgettext_lazy("ticket status", "New"),
    Ticket.Status.OPEN: pgettext_lazy("ticket status", "Open"),
    Ticket.Status.PENDING: pgettext_lazy("ticket status", "Pending (waiting on customer)"),
    Ticket.Status.ON_HOLD: pgettext_lazy("ticket status", "On hold (waiting on third party)"),
    Ticket.Status.RESOLVED: pgettext_lazy("ticket status", "Resolved"),
    Ticket.Status.CLOSED: pgettext_lazy("ticket status", "Closed"),
}
RATINGS = {
    1: pgettext_lazy("rating", "Very bad"),
    2: pgettext_lazy("rating", "Bad"),
    3: pgettext_lazy("rating", "OK"),
    4: pgettext_lazy("rating", "Good"),
    5: pgettext_lazy("rating", "Very good"),
}
CHANNELS = {
    "portal": pgettext_lazy("channel", "the portal"),
    "email": pgettext_lazy("channel", "email"),
    "api": pgettext_lazy("channel", "the API"),
    "desk": pgettext_lazy("channel", "the desk"),
    "webhook": pgettext_lazy("channel", "webhook"),
}
# What a notification was about, and how its delivery stands, in the reader's words; a kind
# missing here reads as notifications' own label.
NOTICES = {
    "received": pgettext_lazy("notification", "ticket received"),
    "reply": pgettext_lazy("notification", "agent's reply"),
    "resolved": pgettext_lazy("notification", "ticket resolved"),
    "assigned": pgettext_lazy("notification", "assigned to them"),
    "escalated": pgettext_lazy("notification", "escalated"),
    "sla_warning": pgettext_lazy("notification", "SLA warning"),
    "breach": pgettext_lazy("notification", "SLA breach"),
    "contact_update": pgettext_lazy("notification", "update for an outside contact"),
    "followed": pgettext_lazy("notification", "update on a ticket they follow"),
    "absence_conflict": pgettext_lazy(
        "notification", "a team member away during their on-call time"
    ),
    "coverage_holes": pgettext_lazy("notification", "on-call coverage holes"),
    "major_page": pgettext_lazy("notification", "major incident page"),
}
DELIVERY = {
    "queued": pgettext_lazy("delivery", "waiting to be sent"),
    "sent": pgettext_lazy("delivery", "sent"),
    "failed": pgettext_lazy("delivery", "failed"),
}
NOTICE_LABELS = dict(Notification.Kind.choices)
# The ticket's fields an escalation level moved, as its details name them.
MOVED = {
    "team": gettext_lazy("Team"),
    "priority": gettext_lazy("Priority"),
    "escalation_level": gettext_lazy("Escalation level"),
}


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
        self.teams = {
            t.pk: _("%(team)s (tier %(tier)s)") % {"team": t.name, "tier": t.tier} for t in teams
        }

    def user(self, pk, nobody=None):
        if pk is None:
            return _("nobody") if nobody is None else nobody
        return self.users.get(pk) or _("a removed user")

    def team(self, pk):
        return _("no team") if pk is None else self.teams.get(pk) or _("a removed team")


def describe(entry, names, replies):
    """An entry in words: who, what changed from what to what, and why."""
    data = entry["data"]
    before, after = data.get("before") or {}, data.get("after") or {}
    item = Item(
        kind=entry["kind"],
        at=entry["at"],
        who=names.user(entry["actor"], nobody="Tierdesk"),  # the product's name, not translated
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
    text = (
        _("opened the ticket through %(channel)s") % {"channel": CHANNELS.get(channel, channel)}
        if channel
        else _("opened the ticket")
    )
    detail = _("Priority %(priority)s, %(team)s") % {
        "priority": after.get("priority", "—"),
        "team": names.team(after.get("team")),
    }
    return (text, detail)


def _status(data, before, after, names):
    if data.get("reopened"):
        return (_("reopened the ticket"),)
    old, new = before.get("status"), after.get("status")
    return (
        _("changed the status from %(old)s to %(new)s")
        % {"old": _status_word(old), "new": _status_word(new)},
    )


def _status_word(status):
    return STATUS_WORDS.get(status, status or "—")


def _assigned(data, before, after, names):
    new = after.get("assignee")
    text = (
        _("assigned the ticket to %(person)s") % {"person": names.user(new)}
        if new
        else _("unassigned the ticket")
    )
    return (text, _("Was: %(person)s") % {"person": names.user(before.get("assignee"))})


def _team(data, before, after, names):
    text = _("moved the ticket from %(old)s to %(new)s") % {
        "old": names.team(before.get("team")),
        "new": names.team(after.get("team")),
    }
    return (text, *_level(data))


def _priority(data, before, after, names):
    text = _("changed the priority from %(old)s to %(new)s") % {
        "old": before.get("priority"),
        "new": after.get("priority"),
    }
    override = [_("A person's override: the priority matrix no longer sets it")]
    return (text, *(override if data.get("override") else []), *_level(data))


def _level(data):
    if not data.get("escalation"):
        return []
    level = data.get("level")
    if level:
        return [_("Escalation level %(level)s") % {"level": level}]
    return [_("Part of an escalation")]


def _escalated(data, before, after, names):
    level = data.get("level")
    if data.get("manual"):
        text = _("escalated the ticket to %(team)s") % {"team": names.team(after.get("team"))}
        person = data.get("assignee")
        person = [_("To %(person)s") % {"person": names.user(person)}] if person else []
        return (text, *person, _levels(before, after))
    anchor = ANCHORS.get(data.get("anchor"), data.get("anchor", ""))
    if data.get("warning"):
        text = _("fired the level %(level)s warning (%(anchor)s)")
    else:
        text = _("fired the level %(level)s escalation (%(anchor)s)")
    text = text % {"level": level, "anchor": anchor}
    moves = [
        _moved(MOVED[key], _value(key, before[key], names), _value(key, after.get(key), names))
        for key in MOVED
        if key in before and before[key] != after.get(key)
    ]
    return (text, *moves, _due(data))


def _moved(what, old, new):
    """ "Team: Desk (tier 1) → Network (tier 2)"."""
    return pgettext("a field's change", "%(field)s: %(old)s → %(new)s") % {
        "field": what,
        "old": old,
        "new": new,
    }


def _levels(before, after):
    return _("Escalation level %(old)s → %(new)s") % {
        "old": before.get("escalation_level"),
        "new": after.get("escalation_level"),
    }


def _value(key, value, names):
    return names.team(value) if key == "team" else value


def _due(data):
    due, fired = parse_datetime(data.get("due_at") or ""), data.get("fired_at")
    fired = parse_datetime(fired) if fired else None
    late = bool(data.get("late"))
    if due is None:
        return _("Late") if late else _("On time")
    lag = int((fired - due).total_seconds()) if fired else 0
    if lag <= 0:
        return _("Fired late") if late else _("Fired on time")
    if late:
        text = ngettext(
            "Fired late, %(seconds)s second after its due time",
            "Fired late, %(seconds)s seconds after its due time",
            lag,
        )
    else:
        text = ngettext(
            "Fired on time, %(seconds)s second after its due time",
            "Fired on time, %(seconds)s seconds after its due time",
            lag,
        )
    return text % {"seconds": lag}


def _breached(data, before, after, names):
    clock = data.get("clock")
    if clock == "response":
        return (_("recorded a breach of the first-response SLA"),)
    if clock == "resolution":
        return (_("recorded a breach of the resolution SLA"),)
    return (_("recorded a breach of the %(clock)s SLA") % {"clock": clock or ""},)


def _notified(data, before, after, names):
    who = names.user(data.get("recipient"), nobody=_("a webhook"))
    channel = data.get("channel")
    text = _("notified %(person)s by %(channel)s: %(kind)s") % {
        "person": who,
        "channel": CHANNELS.get(channel, channel),
        "kind": _notice(data.get("kind", "")),
    }
    status = data.get("status")
    return (text, _("Delivery: %(status)s") % {"status": DELIVERY.get(status, status)})


def _notice(kind):
    return NOTICES.get(kind) or NOTICE_LABELS.get(kind) or kind.replace("_", " ")


def _rated(data, before, after, names):
    rating = after.get("rating")
    return (
        _("rated the help %(word)s (%(rating)s/5)")
        % {"word": RATINGS.get(rating, rating), "rating": rating},
    )


def _simple(text):
    """A teller of one sentence; `text` is lazy, said in the reader's language when told."""
    return lambda data, before, after, names: (str(text),)


def _other(data, before, after, names):
    changes = [_moved(k, before.get(k, "—"), v) for k, v in after.items()]
    return (_("changed the ticket"), *changes)


TELLERS = {
    "created": _created,
    "replied": _simple(gettext_lazy("replied")),
    "note_added": _simple(gettext_lazy("added an internal note")),
    "acknowledged": _simple(gettext_lazy("acknowledged the ticket")),
    "status_changed": _status,
    "assigned": _assigned,
    "team_changed": _team,
    "priority_changed": _priority,
    "escalated": _escalated,
    "breached": _breached,
    "sla_updated": _simple(gettext_lazy("updated the SLA due times")),
    "notified": _notified,
    "rated": _rated,
}
