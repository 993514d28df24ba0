"""Drills: the real escalation policy run on a drill ticket, its levels compressed.

`start` opens a drill ticket (Ticket.drill: out of queues, the ticket list and SLA figures; its
requester is the agent who started it, so no customer hears of it), then gives its clock the
policy's own levels, each moved to `spacing_seconds` after the previous one (anchored on the
ticket's creation, no SLA targets, no calendar), and lets the clock re-plan. From there the
real engine fires each level at its due time (the deadline broker, within a second) and
reaches whom the level names at that instant (on call, deputies for the away); the mails say
[DRILL] and link the drill's acknowledgement, which is the ticket's own acknowledgement (so
the levels after it stop, as they would for real). `scorecard` reads back what happened.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from escalation import clocks
from escalation.models import EscalationLevel, Firing, TicketClock
from escalation.models.terms import escalation_policies
from incidents import roles
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification

from .models import Drill

log = logging.getLogger(__name__)


def compressed(policy_id, spacing):
    """The policy as a clock freezes it, each level `spacing` seconds after the previous one
    from the ticket's creation, without repeats."""
    row = escalation_policies().filter(pk=policy_id).first()
    if row is None:
        return None
    levels = sorted(EscalationLevel.snapshots_of(row["level_rows"]), key=lambda lv: lv["order"])
    return {
        "id": row["id"],
        "name": row["name"],
        "repeat": 0,
        "repeat_interval_seconds": 0,
        "levels": [
            {**level, "anchor": "created", "offset_seconds": n * spacing}
            for n, level in enumerate(levels, start=1)
        ],
    }


def start(policy, team, actor, priority="P2", spacing=5, at=None):
    """Open the drill ticket and plan its compressed levels; returns the Drill."""
    at = at or timezone.now()
    plan = compressed(policy.pk, spacing)
    if plan is None:
        raise ValueError("Only an active escalation policy can be drilled.")
    with transaction.atomic():
        ticket = Ticket.open_ticket(
            requester=actor,
            subject=f"Drill: {policy.name}",
            description=f"A drill of the escalation policy \u201c{policy.name}\u201d.",
            channel=Ticket.Channel.DESK,
            team=team,
            at=at,
            drill=True,
        )
        TicketClock.objects.filter(ticket=ticket).update(
            policy=plan,
            policy_key=str(policy.pk),
            calendar=None,
            response_target_seconds=None,
            resolution_target_seconds=None,
        )
        clocks.refresh(ticket, at)
        return Drill.objects.create(
            policy=policy,
            team=team,
            priority=priority,
            spacing_seconds=spacing,
            ticket=ticket,
            started_by=actor,
            started_at=at,
        )


def scorecard(drill):
    """Per level: when due and fired, who was reached and who skipped (and why), when the last
    mail went out, and who acknowledged at that level. Four queries."""
    ticket = drill.ticket
    firings = list(Firing.objects.filter(ticket=ticket, kind="level").order_by("level", "repeat"))
    sent = {}
    rows = Notification.objects.filter(cause__in=[f"firing:{f.pk}" for f in firings])
    for cause, recipient, sent_at in rows.values_list("cause", "recipient_id", "sent_at"):
        entry = sent.setdefault(cause, {"reached": [], "delivered_at": None})
        if recipient:
            entry["reached"].append(recipient)
        if sent_at and (entry["delivered_at"] is None or sent_at > entry["delivered_at"]):
            entry["delivered_at"] = sent_at
    events = TicketEvent.objects.filter(ticket=ticket, kind__in=["escalated", "acknowledged"])
    skipped, ack = {}, None
    for event in events.order_by("at", "pk"):
        if event.kind == "escalated":
            skipped[event.data.get("firing")] = event.data.get("skipped", [])
        elif ack is None:
            ack = event
    acked_level = _acknowledged_level(firings, ack)
    levels = []
    for firing in firings:
        told = sent.get(f"firing:{firing.pk}", {"reached": [], "delivered_at": None})
        mine = acked_level == firing.pk
        levels.append(
            {
                "level": firing.level,
                "repeat": firing.repeat,
                "due_at": firing.due_at,
                "fired_at": firing.fired_at,
                "state": firing.state,
                "reached": sorted(set(told["reached"])),
                "skipped": [s.get("user") for s in skipped.get(firing.pk, [])],
                "skipped_why": [_why(s) for s in skipped.get(firing.pk, [])],
                "delivered_at": told["delivered_at"],
                "acknowledged_at": ack.at if mine else None,
                "acknowledged_by": ack.actor_id if mine else None,
            }
        )
    return levels


def may_acknowledge(drill, user):
    """The drill's acknowledgement is its score: only someone a level reached (a mail of one
    of its firings went to them) or a supervisor may give it."""
    if roles.is_supervisor(user):
        return True
    return Notification.objects.filter(
        ticket=drill.ticket, recipient_id=user.pk, cause__startswith="firing:"
    ).exists()


def _acknowledged_level(firings, ack):
    """The firing whose level the acknowledgement answered: the last one fired before it (the
    highest level when a batch fired several at once, after a pause of the workers)."""
    if ack is None:
        return None
    fired = [f for f in firings if f.fired_at and f.fired_at <= ack.at]
    return max(fired, key=lambda f: (f.fired_at, f.level, f.repeat)).pk if fired else None


def _why(skip):
    instead = skip.get("told_instead_name")
    name = skip.get("name") or gettext("someone")
    if instead:
        return gettext("%(name)s away; %(deputy)s told instead") % {"name": name, "deputy": instead}
    return gettext("%(name)s away; no deputy") % {"name": name}


def status(drill, now=None):
    """ "running" while a level waits to fire, "acknowledged" once answered, else "finished"."""
    if drill.ticket.acknowledged_at:
        return "acknowledged"
    waiting = Firing.objects.filter(
        ticket=drill.ticket, kind="level", state__in=["pending", "claimed", "held"]
    )
    return "running" if waiting.exists() else "finished"


def run_scheduled(now=None):
    """Start every active scheduled drill whose time came, each claimed by a conditional update
    of its next run (two workers never start the same one); returns the drills started."""
    from .models import DrillSchedule

    now = now or timezone.now()
    started = []
    for plan in DrillSchedule.objects.filter(is_active=True, next_run_at__lte=now):
        due = plan.next_run_at
        with transaction.atomic():
            later = plan.plan_next(max(now, due))
            claimed = DrillSchedule.objects.filter(pk=plan.pk, next_run_at=due).update(
                next_run_at=later
            )
            if not claimed:
                continue
            try:
                with transaction.atomic():
                    drill = start(
                        plan.policy,
                        plan.team,
                        plan.started_by,
                        plan.priority,
                        plan.spacing_seconds,
                        at=now,
                    )
            except ValueError:
                # A policy switched off since: this run is skipped and the schedule moves on;
                # raising here would stop every later schedule, every minute.
                log.warning("drill schedule %s skipped: its policy is not active", plan.pk)
                continue
            started.append(drill)
    return started
