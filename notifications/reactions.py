"""Who hears of a ticket event: the requester of public progress, agents of their own work.

The notifications app's reaction to ticket events (incidents/reactions.py). It runs inside the
events' transaction, after escalation's, so due times in the mails are current and the rows
commit (or roll back) with the change. Internal notes and internal events are never handed to
a customer kind. Escalations by a policy level are written by the engine, which knows the
level's targets (escalation/actions.py); here only people's own changes are handled.
"""

from django.contrib.auth import get_user_model

from incidents import guest_access, roles
from incidents.models import Follower, Reply, Team, TicketEvent

from . import rendering
from .outbox import UserNotice, notify_many, notify_users, notify_webhooks


def cause(event):
    return f"event:{event.pk}"


def write_outbox(events):
    """Write the notifications the events cause; other kinds of events notify nobody here.
    Followers hear of every public change (tell_followers)."""
    for event in events:
        handler = HANDLERS.get(event.kind)
        if handler is not None:
            handler(event, event.ticket)
    tell_followers(events)


# What a follower is told of: the public changes, in words. Not the ticket's creation (no
# followers yet), nor the acknowledgement and its new → open, which come with a first reply.
FOLLOWED_KINDS = TicketEvent.PUBLIC_KINDS - {"created", "acknowledged"}


def is_followed(event):
    if event.kind not in FOLLOWED_KINDS or event.data.get("internal"):
        return False
    return event.kind != "status_changed" or event.before.get("status") != "new"


def tell_followers(events):
    """The followers of each ticket hear of its public changes, but not of their own; two
    queries for a batch, none when it holds no public change."""
    public = [e for e in events if is_followed(e)]
    if not public:
        return
    following = Follower.objects.of({e.ticket_id for e in public})
    wanted = {pk for e in public for pk in following.get(e.ticket_id, []) if pk != e.actor_id}
    if not wanted:
        return
    users = get_user_model().objects.in_bulk(wanted)
    notices = []
    for event in public:
        told = [users[pk] for pk in following.get(event.ticket_id, []) if pk != event.actor_id]
        if told:
            context = {"actor": rendering.display_name(event.actor), **change_facts(event)}
            notices.append(UserNotice("followed", event.ticket, told, cause(event), context))
    notify_many(notices, new_cause=True, ids_only=True)


def change_facts(event):
    """What changed, as facts: the mail words them in its reader's language when it is
    rendered (rendering.change_text), not here in the writer's."""
    if event.kind == "status_changed":
        return {"changed": "status_changed", "status": event.after.get("status")}
    if event.kind == "rated":
        return {"changed": "rated", "rating": event.after.get("rating")}
    return {"changed": "replied"}


def created(event, ticket):
    requester = ticket.requester
    if not roles.is_customer(requester):
        return
    context = None
    if guest_access.is_guest(requester):
        # No account: the mail is their way back to the ticket, and into an account.
        context = {
            "guest_url": rendering.guest_url(ticket),
            "set_password_url": rendering.guest_password_url(ticket),
        }
    elif ticket.held:
        # Sent in their name without signing in: the mail asks them to confirm it is theirs.
        context = {"confirm_url": rendering.guest_url(ticket)}
    # Only the ids back: nothing here reads the stored row, and a whole row costs an instance.
    notice = UserNotice("received", ticket, [requester], cause(event), context)
    notify_many([notice], new_cause=True, ids_only=True)


def replied(event, ticket):
    """An agent's public reply goes to the requester, with its body; notes never do."""
    if event.data.get("internal") or event.actor is None or event.actor_id == ticket.requester_id:
        return
    if not roles.is_agent(event.actor):
        return
    reply = Reply.objects.filter(pk=event.data.get("reply"), ticket=ticket, internal=False).first()
    if reply is None:
        return
    context = {"reply_body": reply.body, "reply_author": rendering.display_name(event.actor)}
    notify_users("reply", ticket, [ticket.requester], key=cause(event), context=context)


def status_changed(event, ticket):
    if event.after.get("status") != "resolved" or event.actor_id == ticket.requester_id:
        return
    context = {"rating_url": rendering.rating_url(ticket)}
    notify_users("resolved", ticket, [ticket.requester], key=cause(event), context=context)


def assigned(event, ticket):
    """The new assignee hears of it, unless they took the ticket themselves."""
    assignee_id = event.after.get("assignee")
    if not assignee_id or assignee_id == event.actor_id or event.data.get("escalation"):
        return  # an escalation to a named person tells them in its own mail, with the reason
    if ticket.assignee_id == assignee_id:
        assignee = ticket.assignee
    else:
        assignee = get_user_model().objects.filter(pk=assignee_id).first()
    context = {"actor": rendering.display_name(event.actor)}
    notify_users("assigned", ticket, [assignee], key=cause(event), context=context)


def escalated(event, ticket):
    """A manual escalation tells the receiving team's members and its webhooks.

    An escalation to a named person tells that person alone when the ticket stays in its team
    (a hierarchical escalation: the rest of the team already has it and was not asked); when it
    also moves to another team, that team's members hear of it too. Escalations by policy level
    are notified by the escalation engine, which knows the level's targets; here only the
    agent's own decision is handled."""
    if not event.data.get("manual"):
        return
    team = Team.objects.filter(pk=event.after.get("team")).first()
    if team is None:
        return
    people = get_user_model().objects.exclude(pk=event.actor_id)
    named = event.data.get("assignee")
    if named and event.before.get("team") == team.pk:
        members = people.filter(pk=named)
    else:
        members = people.filter(memberships__team=team)
    context = {
        "level": event.data.get("level"),
        "reason": event.data.get("reason", ""),
        "manual": True,
        "team": team.name,
        "actor": rendering.display_name(event.actor),
    }
    notify_users("escalated", ticket, members, key=cause(event), context=context)
    notify_webhooks("escalated", ticket, key=cause(event), team=team, context=context)


HANDLERS = {
    "created": created,
    "replied": replied,
    "status_changed": status_changed,
    "assigned": assigned,
    "escalated": escalated,
}
