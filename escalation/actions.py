"""What firings do: escalate (reassign, raise priority, tell people) or record a breach.

Called by the engine inside the transaction that marked the firings fired, so their effects
and their outbox rows commit together or not at all. Work is done for a whole batch at once:
the number of queries does not grow with the number of firings or recipients."""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import availability
from incidents.models import Membership, Team, Ticket, TicketEvent
from incidents.roles import SUPERVISORS
from notifications import contacts, outbox
from notifications.models import Notification, Webhook

from . import fallthrough, oncall

PRIORITY_RANK = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}
BREACH_TARGETS = ("assignee", "team_leads")
ON_CALL_LAYERS = {"on_call": "primary", "on_call_secondary": "secondary"}


def perform_many(firings, tickets, now):
    """Apply every fired firing of a batch to its ticket (`tickets` by id, locked).

    A batch moves at most one firing per ticket (the engine defers the rest): tickets are
    reassigned and raised in bulk and their events recorded as one batch, which the declared
    reactions handle like any person's change (incidents/reactions.py: the clocks re-frozen
    and re-planned together), so the queries do not grow with the firings that move tickets."""
    firings = fallthrough.hold(firings, tickets, now, reach_many) if firings else firings
    if not firings:
        return
    moves = _Moves(firings, tickets)
    events, asks = [], []
    for firing in firings:
        ticket = tickets[firing.ticket_id]
        if firing.kind == "level":
            event, ask = _escalate(firing, ticket, now, moves)
        else:
            event, ask = _breach(firing, ticket)
        events.append(event)
        asks.append(ask)
    _save_tickets(firings, tickets)
    moves.save()
    reached = reach_many(
        [(tickets[f.ticket_id], *ask) for f, ask in zip(firings, asks, strict=True)], now
    )
    for event, people in zip(events, reached, strict=True):
        if people.skipped:
            event.data["skipped"] = people.skipped
    through = fallthrough.fall_through(firings, tickets, events, reached, now, reach_many)
    TicketEvent.objects.record_all(events)
    fallthrough.bring_forward(through, now)
    _notify(firings, tickets, reached, {f.pk for f in through})


def _escalate(firing, ticket, now, moves):
    level = firing.actions
    warning = level.get("offset_seconds", 0) < 0
    before = {
        "team": ticket.team_id,
        "priority": ticket.priority,
        "escalation_level": ticket.escalation_level,
    }
    if firing.repeat == 0 and not warning:
        moves.reassign(ticket, level.get("reassign_to"), firing, now)
        moves.raise_priority(ticket, level.get("set_priority"), firing, now)
        ticket.escalation_level = max(ticket.escalation_level, firing.level)
    after = {
        "team": ticket.team_id,
        "priority": ticket.priority,
        "escalation_level": ticket.escalation_level,
    }
    event = TicketEvent(
        ticket=ticket,
        kind="escalated",
        at=now,
        before=before,
        after=after,
        data=firing_data(firing, warning=warning),
    )
    # After a reassignment `team` and `team_leads` mean the receiving team (SPEC): the ask is
    # resolved against the ticket as it is now.
    return event, (level.get("notify", []), level.get("notify_users", []))


class _Moves:
    """The reassignments and priority raises of a batch, made in memory and written at once.

    What Ticket.move_to_team and Ticket.set_priority do for a person, for many tickets: the
    same fields, the same `team_changed`/`priority_changed` events (escalation=True, the level),
    recorded as one batch (TicketEvent.objects.record_all), so the reactions re-freeze and
    re-plan the moved tickets' clocks together."""

    def __init__(self, firings, tickets):
        moving = [f for f in firings if f.changes_ticket]
        team_ids = {f.actions.get("reassign_to") for f in moving} - {None}
        self.teams = Team.objects.in_bulk(team_ids) if team_ids else {}
        assignees = {tickets[f.ticket_id].assignee_id for f in moving} - {None}
        self.members = set()
        if self.teams and assignees:
            self.members = set(
                Membership.objects.filter(
                    team_id__in=self.teams, user_id__in=assignees
                ).values_list("team_id", "user_id")
            )
        self.events, self.moved = [], {}

    def reassign(self, ticket, team_id, firing, now):
        team = self.teams.get(team_id)
        if team is None or team_id == ticket.team_id:
            return
        before = ticket.team_id
        ticket.team = team
        if ticket.assignee_id and (team.pk, ticket.assignee_id) not in self.members:
            ticket.assignee = None  # the old assignee does not work the new team's queue
        self._record(ticket, "team_changed", now, {"team": before}, {"team": team.pk}, firing)

    def raise_priority(self, ticket, priority, firing, now):
        # A level only ever raises priority; it never lowers what a person set.
        if not priority or PRIORITY_RANK[priority] >= PRIORITY_RANK[ticket.priority]:
            return
        before = ticket.priority
        ticket.priority = priority
        self._record(
            ticket,
            "priority_changed",
            now,
            {"priority": before},
            {"priority": priority},
            firing,
            override=False,
        )

    def _record(self, ticket, kind, now, before, after, firing, **data):
        self.moved[ticket.pk] = ticket
        self.events.append(
            TicketEvent(
                ticket=ticket,
                kind=kind,
                at=now,
                before=before,
                after=after,
                data={**data, "escalation": True, "level": firing.level},
            )
        )

    def save(self):
        if not self.moved:
            return
        stamp = timezone.now()
        groups = defaultdict(list)
        for ticket in self.moved.values():
            ticket.updated_at = stamp
            groups[(ticket.team_id, ticket.assignee_id, ticket.priority)].append(ticket.pk)
        for (team_id, assignee_id, priority), ids in groups.items():
            Ticket.objects.filter(pk__in=ids).update(
                team_id=team_id, assignee_id=assignee_id, priority=priority, updated_at=stamp
            )
        TicketEvent.objects.record_all(self.events)


def _breach(firing, ticket):
    """A breach is recorded once, as an event at the moment the deadline passed."""
    clock = "response" if firing.kind == "response_breach" else "resolution"
    setattr(ticket, f"{clock}_breached_at", firing.due_at)
    ticket.breached = True
    event = TicketEvent(
        ticket=ticket,
        kind="breached",
        at=firing.due_at,
        after={f"{clock}_breached_at": firing.due_at.isoformat()},
        data=firing_data(firing, clock=clock),
    )
    return event, (list(BREACH_TARGETS), [])


def _save_tickets(firings, tickets):
    """Write what the batch changed on its tickets: one update per distinct value."""
    changes = defaultdict(set)
    for ticket in {tickets[f.ticket_id] for f in firings}:
        changes[("escalation_level", ticket.escalation_level)].add(ticket.pk)
        for field in ("response_breached_at", "resolution_breached_at"):
            if getattr(ticket, field):
                changes[(field, getattr(ticket, field))].add(ticket.pk)
    for (field, value), ids in changes.items():
        extra = {"breached": True} if field.endswith("breached_at") else {}
        Ticket.objects.filter(pk__in=ids).update(**{field: value}, **extra)


def firing_data(firing, **extra):
    return {
        "firing": firing.pk,
        "level": firing.level,
        "repeat": firing.repeat,
        "anchor": firing.anchor,
        "due_at": firing.due_at.isoformat(),
        "fired_at": firing.fired_at.isoformat() if firing.fired_at else None,
        "late": firing.late,
        **extra,
    }


def recipients(ticket, targets, user_ids):
    """Users named by one level's notify targets (see recipients_many)."""
    return recipients_many([(ticket, targets, user_ids)])[0]


def recipients_many(asks):
    """For each (ticket, targets, user ids[, at]): the active users it reaches (see reach_many)."""
    return [reached.users for reached in reach_many(asks)]


@dataclass
class Reached:
    """Who one ask reaches: `users` (active, by id), `skipped` (who was away and who was told
    instead, ids and names: incidents.availability), and `named` (did its targets name anyone)."""

    users: list
    skipped: list = dataclasses.field(default_factory=list)
    named: bool = False


def reach_many(asks, now=None):
    """For each (ticket, targets, user ids[, at]) — `at` defaults to `now`, else the present —
    who is told: the people the targets name at that instant (the team's on-call holders
    included), each away person replaced by their deputy. A fixed number of queries."""
    now = now or timezone.now()
    asks = [(*ask, now)[:4] for ask in asks]
    members = _members(asks)
    supervisors = _supervisors(asks)
    holders = _on_call(asks)
    wanted = [
        _named(t, targets, ids, members, supervisors, holders.get((t.team_id, at)))
        for t, targets, ids, at in asks
    ]
    away = availability.Away([at for *_, at in asks]) if any(wanted) else None
    reaches = [
        availability.reach(sorted(ids), at, away.at(at)) if ids else availability.Reach()
        for ids, (*_, at) in zip(wanted, asks, strict=True)
    ]
    every = set().union(*(r.told for r in reaches), *(_ids_of(r.skipped) for r in reaches))
    people = get_user_model().objects.filter(pk__in=every).in_bulk()
    users = {pk: user for pk, user in people.items() if user.is_active}
    return [
        Reached(
            [users[pk] for pk in sorted(r.told) if pk in users],
            [_skip(away, deputy, people) for away, deputy in r.skipped],
            bool(ids),
        )
        for r, ids in zip(reaches, wanted, strict=True)
    ]


def _ids_of(skipped):
    return {pk for pair in skipped for pk in pair if pk is not None}


def _skip(away, deputy, people):
    """What the timeline keeps of one skip: ids and names, so it reads without a query."""
    return {
        "user": away,
        "name": _display(people.get(away)),
        "told_instead": deputy,
        "told_instead_name": _display(people.get(deputy)) if deputy else None,
    }


def _display(user):
    return (user.get_full_name() or user.get_username()) if user else "someone"


def _members(asks):
    team_ids = {
        t.team_id for t, targets, *_ in asks if t.team_id and {"team", "team_leads"} & set(targets)
    }
    members = defaultdict(list)
    for team_id, user_id, role in Membership.objects.filter(team_id__in=team_ids).values_list(
        "team_id", "user_id", "role"
    ):
        members[team_id].append((user_id, role))
    return members


def _supervisors(asks):
    if not any("supervisors" in targets for _, targets, *_ in asks):
        return set()
    return set(
        get_user_model()
        .objects.filter(groups__name=SUPERVISORS, is_active=True)
        .values_list("pk", flat=True)
    )


def _on_call(asks):
    """{(team id, at): OnCall} for the asks naming an on-call layer, one schedule read."""
    wanted = [
        (t.team_id, at)
        for t, targets, _ids, at in asks
        if t.team_id and set(ON_CALL_LAYERS) & set(targets)
    ]
    if not wanted:
        return {}
    found = oncall.holders({team for team, _ in wanted}, [at for _, at in wanted])
    return {key: found[key] for key in wanted}


def _named(ticket, targets, user_ids, members, supervisors, holders):
    ids = set(user_ids or [])
    if "assignee" in targets and ticket.assignee_id:
        ids.add(ticket.assignee_id)
    roles = (
        {"agent", "lead"} if "team" in targets else {"lead"} if "team_leads" in targets else set()
    )
    ids |= {user for user, role in members.get(ticket.team_id, []) if role in roles}
    if "supervisors" in targets:
        ids |= supervisors
    for target, layer in ON_CALL_LAYERS.items():
        holder = getattr(holders, layer, None)
        if target in targets and holder:
            ids.add(holder)
    return ids


def _notify(firings, tickets, reached, nobody=()):
    """`nobody`: ids of the firings whose own targets reached no one (fallthrough)."""
    notices = []
    for firing, users in zip(firings, [r.users for r in reached], strict=True):
        kind, data = notice_kind(firing), firing_data(firing)
        if firing.pk in nobody:
            data["nobody"] = True
        notices.append(
            outbox.UserNotice(
                kind,
                tickets[firing.ticket_id],
                users,
                key=f"firing:{firing.pk}",
                context=data,
                firing=firing,
                force=kind in Notification.FORCED_KINDS,
            )
        )
    # Everything the batch writes goes to the workers with its transaction (one claim, a task
    # per CHUNK rows), not at the deadline loop's next look: people wait on these.
    written = []
    # A firing fires once (its row moved to `fired` in this transaction): its keys are new.
    outbox.notify_many(notices, new_cause=True, ids_only=True, queue_with=written.extend)
    contacts.notify_many(
        [
            (tickets[f.ticket_id], f.actions.get("notify_contacts") or [], f"firing:{f.pk}")
            for f in firings
            if f.kind == "level" and (f.actions or {}).get("notify_contacts")
        ],
        queue_with=written.extend,
    )
    hooks = Webhook.objects.filter(is_active=True).exists()
    for firing in firings:
        url = (firing.actions or {}).get("webhook_url")
        if hooks or url:
            ticket = tickets[firing.ticket_id]
            outbox.notify_webhooks(
                notice_kind(firing),
                ticket,
                key=f"firing:{firing.pk}",
                team=ticket.team,
                url=url or None,
                secret=firing.actions.get("webhook_secret") or None,
                context=firing_data(firing),
                firing=firing,
                queue_with=written.extend,
            )
    outbox.queue_at_once(written)


def notice_kind(firing):
    if firing.kind != "level":
        return "breach"
    return "sla_warning" if firing.actions.get("offset_seconds", 0) < 0 else "escalated"
