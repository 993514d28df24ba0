"""The benchmark's scenario, run inside one setup's Django environment (see escalation_latency)."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as dt_time
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from bench.stats import percentiles

ROOT = Path(__file__).resolve().parents[1]
SPREAD_SECONDS = 60


def reset_database():
    """Migrate the (fresh, empty) database, clear the demo schedules and the Redis queue."""
    from django.conf import settings
    from django_q.models import Schedule

    call_command("migrate", verbosity=0, interactive=False)
    Schedule.objects.all().delete()  # the sweeps are not what is measured
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).flushdb()
    _fixtures()


def _fixtures():
    from django.contrib.auth.models import Group, User

    from escalation.models import (
        BusinessCalendar,
        EscalationLevel,
        EscalationPolicy,
        Holiday,
        OpeningHours,
        SLAPolicy,
        SLATarget,
    )
    from incidents.models import Membership, Team

    global TEAM, TIER2, CUSTOMER
    TEAM = Team.objects.create(name="Bench", slug="bench", tier=1)
    TIER2 = Team.objects.create(name="Bench tier 2", slug="bench-2", tier=2)
    for name, team in (("bench-lead", TEAM), ("bench-lead-2", TIER2)):
        lead = User.objects.create_user(name, f"{name}@example.com", "x")
        lead.groups.add(Group.objects.get(name="agents"))
        Membership.objects.create(user=lead, team=team, role="lead")
    CUSTOMER = User.objects.create_user("bench-customer", "c@example.com", "x")
    sla = SLAPolicy.objects.create(name="24x7", is_default=True)
    for p in ("P1", "P2", "P3", "P4"):
        SLATarget.objects.create(
            policy=sla, priority=p, first_response_seconds=86400, resolution_seconds=7 * 86400
        )
    # Tier 2 works on a business calendar like seed_demo's (Berlin, Mon-Fri 09-17, holidays):
    # a ticket a level moves there is re-planned on it.
    calendar = BusinessCalendar.objects.create(name="Bench office", timezone="Europe/Berlin")
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, start=dt_time(9), end=dt_time(17)
        )
    for day in (date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)):
        Holiday.objects.create(calendar=calendar, date=day)
    tier2_sla = SLAPolicy.objects.create(name="Bench tier 2", calendar=calendar)
    tier2_sla.teams.add(TIER2)
    for p in ("P1", "P2", "P3", "P4"):
        SLATarget.objects.create(
            policy=tier2_sla, priority=p, first_response_seconds=4 * 3600, resolution_seconds=86400
        )
    policy = EscalationPolicy.objects.create(name="Bench")
    EscalationLevel.objects.create(
        policy=policy, order=1, anchor="created", offset_seconds=0, notify=["team_leads"]
    )


def start_cluster():
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_cluster(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def plant(tag, count, due_at_for, moving=False):
    """Bulk-plant `count` tickets whose one level is due at due_at_for(n): the rows the planner
    would make, written in bulk so planting 10,000 takes seconds, not minutes. `moving`: the
    level also reassigns the ticket to tier 2 and raises it to P1."""
    from dbtools import rows
    from escalation import clocks
    from escalation.models import Firing, TicketClock
    from incidents.models import Ticket

    now = timezone.now()
    template = Ticket.open_ticket(
        requester=CUSTOMER, subject="template", description="x", team=TEAM, at=now
    )
    template_clock = TicketClock.objects.get(ticket=template)
    policy = template_clock.policy
    if moving:
        levels = [
            {**level, "reassign_to": TIER2.pk, "set_priority": "P1"} for level in policy["levels"]
        ]
        policy = {**policy, "levels": levels}
    Firing.objects.filter(ticket=template).delete()
    firings = []
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    requester=CUSTOMER,
                    subject=f"{tag} {n}",
                    description="x",
                    team=TEAM,
                    created_at=due_at_for(n),
                    priority=template.priority,
                    status="open",
                )
                for n in range(count)
            ],
            batch_size=500,
        )
        for t in tickets:
            t.reference = f"HD-{t.pk}"
        Ticket.objects.bulk_update(tickets, ["reference"], batch_size=500)
        clock_rows = []
        for t in tickets:
            clock = TicketClock(
                ticket=t,
                calendar=None,
                policy=policy,
                response_target_seconds=template_clock.response_target_seconds,
                resolution_target_seconds=template_clock.resolution_target_seconds,
                frozen_at=now,
            )
            clock_rows.append(clock)
            for plan in clock.planned_firings(t):
                if plan.kind == "level":
                    firings.append(clocks.firing_row(t, plan, now, holding=False))
        TicketClock.objects.bulk_create(clock_rows, batch_size=500)
        rows.insert(Firing, firings)
    return tagged(tag)


def tagged(tag):
    from escalation.models import Firing

    return Firing.objects.filter(kind="level", ticket__subject__startswith=f"{tag} ")


def wait_fired(tag, count, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if tagged(tag).filter(state="fired").count() >= count:
            return True
        time.sleep(0.25)
    return False


def spread_run(count):
    """`count` levels and as many ONCE schedules, due at spread-out instants in the next minute."""
    from django_q.models import Schedule, Task

    start = timezone.now() + timedelta(seconds=5)
    offsets = [SPREAD_SECONDS * n / count for n in range(count)]
    rows = plant("spread", count, lambda n: start + timedelta(seconds=offsets[n]))
    schedules = [
        Schedule(
            name=f"baseline-{n}",
            func="math.floor",
            args="1",
            schedule_type=Schedule.ONCE,
            repeats=-1,
            next_run=start + timedelta(seconds=offsets[n]),
        )
        for n in range(count)
    ]
    Schedule.objects.bulk_create(schedules)
    wait_fired("spread", count, timeout=SPREAD_SECONDS + 120)
    levels = [
        (fired - due).total_seconds()
        for fired, due in rows.filter(state="fired").values_list("fired_at", "due_at")
    ]
    due = {s.name: s.next_run for s in schedules}
    deadline = time.monotonic() + 90
    # django-q2 names a schedule's task group after the schedule.
    while (
        Task.objects.filter(group__startswith="baseline-").count() < count
        and time.monotonic() < deadline
    ):
        time.sleep(1)
    baseline = [
        (t.started - due[t.group]).total_seconds()
        for t in Task.objects.filter(group__startswith="baseline-")
        if t.group in due
    ]
    return {
        "levels": _stats(levels),
        "baseline": _stats(baseline),
        "levels_missed": count - len(levels),
    }


def _stats(values):
    return percentiles(values)


def burst_run(count, moving=False):
    """`count` levels due in the same second; how long until the last one has fired?
    `moving`: each level reassigns its ticket to tier 2 and raises it to P1."""
    from incidents.models import TicketEvent
    from notifications.models import Notification

    due = (timezone.now() + timedelta(seconds=20)).replace(microsecond=0)
    plant_start = time.monotonic()
    tag = "moving" if moving else "burst"
    burst = plant(tag, count, lambda n: due, moving=moving)
    planted_in = time.monotonic() - plant_start
    completed = wait_fired(tag, count, timeout=300)
    last = burst.order_by("-fired_at").values_list("fired_at", flat=True).first()
    fired = burst.filter(state="fired").count()
    events = TicketEvent.objects.filter(kind="escalated", ticket__subject__startswith=f"{tag} ")
    notes = Notification.objects.filter(ticket__subject__startswith=f"{tag} ")
    return {
        "burst": count,
        "planted_seconds": round(planted_in, 2),
        "drain_seconds": (last - due).total_seconds() if last else float("nan"),
        "burst_fired": fired,
        "duplicates": max(events.count() - fired, 0) + max(notes.count() - fired, 0),
        "missed": count - fired,
        "outbox_rows": notes.count(),
        "completed": completed,
    }
