"""What a firing does: escalate (reassign, raise priority, tell people) or record a breach.

Called by the engine inside the transaction that marked the firing fired, so its effects and
the outbox rows commit together or not at all."""

from django.contrib.auth import get_user_model

from incidents.models import Membership, Team, Ticket
from incidents.roles import SUPERVISORS

PRIORITY_RANK = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}


def perform(firing, ticket, now):
    if firing.kind == "level":
        return escalate(firing, ticket, now)
    return record_breach(firing, ticket, now)


def escalate(firing, ticket, now):
    """Apply a level: move the ticket, raise its priority, then notify the people concerned."""
    level = firing.actions
    warning = level.get("offset_seconds", 0) < 0
    before = {"team": ticket.team_id, "priority": ticket.priority,
              "escalation_level": ticket.escalation_level}
    if firing.repeat == 0 and not warning:
        _reassign(ticket, level.get("reassign_to"), firing, now)
        _raise_priority(ticket, level.get("set_priority"), firing, now)
        if firing.level > ticket.escalation_level:
            ticket.escalation_level = firing.level
            Ticket.objects.filter(pk=ticket.pk).update(escalation_level=firing.level)
    data = firing_data(firing, warning=warning)
    after = {"team": ticket.team_id, "priority": ticket.priority,
             "escalation_level": ticket.escalation_level}
    ticket.record("escalated", at=now, before=before, after=after, **data)
    # After a reassignment, `team` and `team_leads` mean the receiving team (SPEC).
    users = recipients(ticket, level.get("notify", []), level.get("notify_users", []))
    _notify("sla_warning" if warning else "escalated", ticket, users, firing, data,
            url=level.get("webhook_url"), secret=level.get("webhook_secret"))


def record_breach(firing, ticket, now):
    """Mark the clock breached, once, as an event at the moment the deadline passed."""
    clock = "response" if firing.kind == "response_breach" else "resolution"
    field = f"{clock}_breached_at"
    Ticket.objects.filter(pk=ticket.pk).update(**{field: firing.due_at, "breached": True})
    setattr(ticket, field, firing.due_at)
    ticket.breached = True
    data = firing_data(firing, clock=clock)
    ticket.record("breached", at=firing.due_at, after={field: firing.due_at.isoformat()}, **data)
    users = recipients(ticket, ["assignee", "team_leads"], [])
    _notify("breach", ticket, users, firing, data)


def firing_data(firing, **extra):
    return {"firing": firing.pk, "level": firing.level, "repeat": firing.repeat,
            "anchor": firing.anchor, "due_at": firing.due_at.isoformat(),
            "fired_at": firing.fired_at.isoformat() if firing.fired_at else None,
            "late": firing.late, **extra}


def _reassign(ticket, team_id, firing, now):
    if not team_id or team_id == ticket.team_id:
        return
    team = Team.objects.filter(pk=team_id).first()
    if team is not None:
        ticket.move_to_team(None, team, at=now, escalation=True, level=firing.level)


def _raise_priority(ticket, priority, firing, now):
    # A level only ever raises priority; it never lowers what a person set.
    if priority and PRIORITY_RANK[priority] < PRIORITY_RANK[ticket.priority]:
        ticket.set_priority(None, priority, at=now, override=False, escalation=True,
                            level=firing.level)


def recipients(ticket, targets, user_ids):
    """Users named by a level's notify targets, in a fixed number of queries."""
    User = get_user_model()
    found = {}
    if "assignee" in targets and ticket.assignee_id:
        found[ticket.assignee_id] = None
    roles = []
    if "team" in targets:
        roles += [Membership.Role.AGENT, Membership.Role.LEAD]
    elif "team_leads" in targets:
        roles.append(Membership.Role.LEAD)
    if roles and ticket.team_id:
        for user_id in Membership.objects.filter(team_id=ticket.team_id, role__in=roles) \
                .values_list("user_id", flat=True):
            found[user_id] = None
    ids = set(found) | set(user_ids or [])
    query = User.objects.filter(pk__in=ids, is_active=True)
    if "supervisors" in targets:
        query = query | User.objects.filter(groups__name=SUPERVISORS, is_active=True)
    return list(query.distinct().order_by("pk"))


def _notify(kind, ticket, users, firing, data, url=None, secret=None):
    from . import notifications

    key = f"firing:{firing.pk}"
    notifications.notify_users(kind, ticket, users, key=key, context=data, firing=firing,
                               force=kind != "breach")
    notifications.notify_webhooks(kind, ticket, key=key, team=ticket.team, url=url or None,
                                  secret=secret or None, context=data, firing=firing)
