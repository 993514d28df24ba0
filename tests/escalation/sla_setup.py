"""Builders for SLA and escalation tests: a Berlin office calendar, policies, an engine driver."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from escalation import engine
from escalation.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    Firing,
    OpeningHours,
    SLAPolicy,
    SLATarget,
)
from notifications.models import Notification

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def office_calendar(holidays=()):
    calendar = BusinessCalendar.objects.create(name="Berlin office", timezone="Europe/Berlin")
    for weekday in range(5):
        OpeningHours.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(17))
    for day in holidays:
        calendar.holidays.create(date=day)
    return calendar


def sla_policy(calendar=None, response=4 * HOUR, resolution=16 * HOUR, priorities=("P3",)):
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar, is_default=True)
    for priority in priorities:
        SLATarget.objects.create(
            policy=policy,
            priority=priority,
            first_response_seconds=response,
            resolution_seconds=resolution,
        )
    return policy


def escalation_policy(levels, repeat=0, interval=600, name="Escalation"):
    """levels: dicts of EscalationLevel fields; `order` defaults to position."""
    policy = EscalationPolicy.objects.create(
        name=name, repeat=repeat, repeat_interval_seconds=interval
    )
    for order, fields in enumerate(levels, start=1):
        users = fields.pop("notify_users", [])
        level = EscalationLevel.objects.create(policy=policy, order=order, **fields)
        level.notify_users.set(users)
    return policy


def run_engine(now):
    """What the deadline broker and a worker do at `now`: claim what is due and fire it."""
    return engine.fire_many(engine.claim_due(now=now), now=now)


def fired(ticket):
    return list(
        Firing.objects.filter(ticket=ticket, state=Firing.State.FIRED)
        .order_by("fired_at", "id")
        .values_list("kind", "level", "repeat")
    )


def sent_for(ticket, kind=None):
    rows = Notification.objects.filter(ticket=ticket)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id").values_list("kind", "recipient__username"))
