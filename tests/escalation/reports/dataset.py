"""The reports' fixed dataset: 39 tickets across two calendars, hand-computed (docs/reports.md).

Teams (tests/conftest.py `teams`): the Service Desk and Engineering run on the default policy,
24x7; Application Support on "Berlin office", Mon-Fri 09:00-17:00 plus a Sunday night watch
01:00-05:00, Europe/Berlin (UTC+1 in March until Sunday 29 March 2026, 02:00 -> 03:00, then
UTC+2). Every instant below is UTC. The engine runs once, at ENGINE_RUN.

| targets (first response / resolution) | P2      | P3       |
|---|---|---|
| default (24x7)                          | 1h / 4h | 2h / 8h  |
| Berlin office (business hours)          | 2h / 8h | 4h / 16h |

One escalation policy, P2 only: level 1 at the first-response deadline, notifying the team's
leads. Acknowledgement cancels it, so only P2 tickets never acknowledged fire it (B4, E11).

The expected figures of each group are written beside it (see the tests)."""

from datetime import UTC, datetime, time, timedelta

from escalation.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    OpeningHours,
    SLAPolicy,
    SLATarget,
)
from incidents.models import Ticket

from ..sla_setup import run_engine

HOUR = 3600
ONE_HOUR = timedelta(hours=1)
TEN_MINUTES = timedelta(minutes=10)
FIFTEEN_MINUTES = timedelta(minutes=15)
ENGINE_RUN = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 21, 12, 0, tzinfo=UTC)


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def configure(teams):
    office = BusinessCalendar.objects.create(name="Berlin office", timezone="Europe/Berlin")
    for weekday in range(5):
        OpeningHours.objects.create(calendar=office, weekday=weekday, start=time(9), end=time(17))
    OpeningHours.objects.create(calendar=office, weekday=6, start=time(1), end=time(5))
    around = SLAPolicy.objects.create(name="Around the clock", is_default=True)
    berlin = SLAPolicy.objects.create(name="Berlin office", calendar=office)
    berlin.teams.add(teams["apps"])
    for policy, p2, p3 in ((around, (1, 4), (2, 8)), (berlin, (2, 8), (4, 16))):
        for priority, (response, resolution) in (("P2", p2), ("P3", p3)):
            SLATarget.objects.create(
                policy=policy,
                priority=priority,
                first_response_seconds=response * HOUR,
                resolution_seconds=resolution * HOUR,
            )
    policy = EscalationPolicy.objects.create(name="P2 first response", priorities=["P2"])
    EscalationLevel.objects.create(
        policy=policy, order=1, anchor="response_due", offset_seconds=0, notify=["team_leads"]
    )


P2 = {"impact": "high", "urgency": "medium"}
P3 = {"impact": "medium", "urgency": "medium"}
P4 = {"impact": "low", "urgency": "low"}


class Builder:
    def __init__(self, customer, agent, teams):
        self.customer, self.agent, self.teams = customer, agent, teams
        self.tickets = {}

    def open(self, name, team, priority, created):
        ticket = Ticket.open_ticket(
            requester=self.customer,
            subject=name,
            description=f"Ticket {name} of the reports dataset.",
            team=self.teams[team],
            at=created,
            **priority,
        )
        self.tickets[name] = ticket
        return ticket

    def story(self, name, team, priority, created, *steps):
        """Open a ticket, then apply (action, instant) steps: ack, pending, on_hold, open,
        resolve, reopen, escalate."""
        ticket = self.open(name, team, priority, created)
        for action, moment in steps:
            if action == "ack":
                ticket.acknowledge(self.agent, at=moment)
            elif action in ("pending", "on_hold", "open"):
                ticket.change_status(self.agent, action, at=moment)
            elif action == "resolve":
                ticket.resolve(self.agent, at=moment)
            elif action == "reopen":
                ticket.reopen(self.agent, at=moment)
            elif action == "escalate":
                ticket.escalate(self.agent, "Needs the application team", at=moment)
        return ticket


def build(customer, agent, teams):
    """Every ticket of the dataset, by name."""
    configure(teams)
    b = Builder(customer, agent, teams)
    # A: Service Desk, P3, 24x7 (2h / 8h). Created 2 to 11 March at 10:00; the i-th (0-9)
    # acknowledged after (i+1)*10 min and resolved after i+1 hours. MTTA 600..6000 s: median
    # (5th) 3000, p90 (9th) 5400; MTTR 3600..36000: median 18000, p90 32400; all responses
    # met; resolutions met up to 8 hours (8 of them, the 8-hour one exactly on time), 2 missed.
    for i in range(10):
        created = at(3, 2 + i, 10)
        b.story(
            f"A{i}",
            "desk",
            P3,
            created,
            ("ack", created + (i + 1) * TEN_MINUTES),
            ("resolve", created + (i + 1) * ONE_HOUR),
        )
    # B: Service Desk, P2, 24x7 (1h / 4h), with pauses and a reopening.
    b.story(
        "B1",
        "desk",
        P2,
        at(3, 16, 9),
        ("ack", at(3, 16, 9, 30)),
        ("pending", at(3, 16, 10)),
        ("open", at(3, 16, 12)),
        ("resolve", at(3, 16, 13)),
    )
    # MTTA 1800; MTTR 4h - 2h pending = 7200; due 15:00 (pause moved it): met.
    b.story(
        "B2",
        "desk",
        P2,
        at(3, 16, 10),
        ("ack", at(3, 16, 10, 45)),
        ("resolve", at(3, 16, 12)),
        ("reopen", at(3, 16, 14)),
        ("resolve", at(3, 16, 15)),
    )
    # Reopened: counted once, final resolution. MTTA 2700; MTTR 5h - 2h resolved = 10800;
    # due 16:00: met.
    b.story("B3", "desk", P2, at(3, 17, 9), ("ack", at(3, 17, 10, 30)), ("resolve", at(3, 17, 14)))
    # MTTA 5400 (due 10:00: missed); MTTR 18000 (due 13:00: missed).
    b.open("B4", "desk", P2, at(3, 17, 12))
    # Never answered: both clocks missed, no MTTA or MTTR; the engine fires level 1: 1 escalation.
    b.story(
        "B5",
        "desk",
        P2,
        at(3, 18, 8),
        ("ack", at(3, 18, 8, 10)),
        ("on_hold", at(3, 18, 9)),
        ("open", at(3, 18, 11)),
        ("resolve", at(3, 18, 12, 30)),
    )
    # MTTA 600; MTTR 4.5h - 2h on hold = 9000; due 14:00: met.
    b.story("B6", "desk", P2, at(3, 18, 20), ("ack", at(3, 18, 20, 20)), ("resolve", at(3, 19, 1)))
    # MTTA 1200; MTTR 18000 (due 00:00: missed).
    b.story(
        "B7",
        "desk",
        P2,
        at(3, 19, 9),
        ("ack", at(3, 19, 9, 5)),
        ("pending", at(3, 19, 14)),
        ("open", at(3, 19, 16)),
        ("resolve", at(3, 19, 17)),
    )
    # MTTA 300; pending after the 13:00 deadline: missed, and the deadline stays, but MTTR
    # still leaves the pause out: 8h - 2h = 21600.
    b.story(
        "B8",
        "desk",
        P2,
        at(3, 20, 9),
        ("ack", at(3, 20, 9, 15)),
        ("pending", at(3, 20, 10)),
        ("resolve", at(3, 20, 11)),
    )
    # MTTA 900; resolved while pending: the clock stopped at 10:00, MTTR 3600; met.
    # B: MTTA 300,600,900,1200,1800,2700,5400: median (4th) 1200, p90 (7th) 5400.
    #    MTTR 3600,7200,9000,10800,18000,18000,21600: median 10800, p90 21600.
    #    response met 6 missed 2; resolution met 4 (B1 B2 B5 B8) missed 4; escalations 1.
    build_office(b)
    # F: Engineering, P4: no target in any policy, so counted by its creation.
    b.story("F1", "eng", P4, at(3, 5, 10), ("ack", at(3, 5, 11)), ("resolve", at(3, 5, 13)))
    b.story("F2", "eng", P4, at(2, 10, 10), ("ack", at(2, 10, 11)))  # February
    b.story("F3", "eng", P4, at(4, 2, 10), ("ack", at(4, 2, 11)))  # April
    run_engine(ENGINE_RUN)
    for ticket in b.tickets.values():
        ticket.refresh_from_db()
    return b.tickets


def build_office(b):
    """Application Support on the Berlin office calendar (business seconds differ from wall)."""
    # C: P3 (4h / 16h business). Berlin is UTC+1 until 29 March.
    b.story("C1", "apps", P3, at(3, 2, 15), ("ack", at(3, 3, 9)), ("resolve", at(3, 4, 10)))
    # Mon 16:00 Berlin. MTTA: Mon 16-17 + Tue 09-10 = 7200 business, 18h = 64800 wall.
    # MTTR: Mon 1h + Tue 8h + Wed 2h = 39600 business, 43h = 154800 wall. Both met.
    b.story(
        "C2",
        "apps",
        P3,
        at(3, 6, 14),
        ("ack", at(3, 9, 9)),
        ("pending", at(3, 9, 10)),
        ("open", at(3, 10, 8)),
        ("resolve", at(3, 10, 12)),
    )
    # Fri 15:00 Berlin. MTTA: Fri 2h + Sun 01-05 4h + Mon 1h = 25200 business (due Sun 03:00:
    # missed), 67h = 241200 wall. Pending Mon 11:00 to Tue 09:00 Berlin: 6h business, 22h wall,
    # before the deadline (Tue 11:00), which moves to Tue 17:00. MTTR: (Fri 2 + Sun 4 + Mon 8 +
    # Tue 4 = 18h) - 6h = 43200 business; 94h - 22h = 259200 wall. Met.
    b.story("C3", "apps", P3, at(3, 29, 0), ("ack", at(3, 29, 3)), ("resolve", at(3, 30, 12)))
    # The DST night: Sunday 01:00 CET to 05:00 CEST is 3 real hours: MTTA 10800 business and
    # wall (the clock face says 4). MTTR: 3h + Mon 09:00-14:00 CEST = 28800 business; 36h =
    # 129600 wall. Resolution due Tue 31 March 14:00 CEST: counted in March. Both met.
    b.story("C5", "apps", P3, at(3, 30, 14), ("ack", at(3, 30, 14, 30)), ("resolve", at(4, 1, 10)))
    # Created in March, resolution due Wed 1 April 16:00 CEST: counted in April, not March.
    # MTTA 1800; MTTR Mon 1h + Tue 8h + Wed 3h = 43200 business, 44h = 158400 wall.
    b.story("C6", "apps", P3, at(2, 27, 15), ("ack", at(3, 2, 8)), ("resolve", at(3, 3, 15)))
    # Created in February (Fri 16:00 Berlin), resolution due Tue 3 March 12:00 Berlin: counted
    # in March. MTTA Fri 1h + Sun 4h = 18000 business (due Sun 04:00: missed), 65h = 234000
    # wall; MTTR 1+4+8+7 = 72000 business (missed), 96h = 345600 wall.
    drill = b.story("C4", "apps", P3, at(3, 2, 9), ("ack", at(3, 9, 9)))
    Ticket.objects.filter(pk=drill.pk).update(drill=True)
    # A drill, a week unanswered: never counted.
    b.story(
        "D1",
        "desk",
        P3,
        at(3, 10, 8),
        ("escalate", at(3, 10, 9)),
        ("ack", at(3, 10, 10)),
        ("resolve", at(3, 10, 15)),
    )
    # Escalated by hand from the Service Desk to Application Support: counted there, on its
    # calendar, with 1 escalation. MTTA 2h = 7200 both; MTTR 7h = 25200 both; both met.
    # apps P3 (C1 C2 C3 C6 D1): MTTA business 7200,7200,10800,18000,25200: median (3rd)
    # 10800, p90 (5th) 25200; wall 7200,10800,64800,234000,241200: median 64800, p90 241200.
    # MTTR business 25200,28800,39600,43200,72000: median 39600, p90 72000; wall
    # 25200,129600,154800,259200,345600: median 154800, p90 345600. Response met 3 (C1 C3 D1)
    # missed 2; resolution met 4, missed 1 (C6).
    # E: P2 (2h / 8h business), created weekdays 2-13 March at 10:00 Berlin; the i-th (0-9)
    # acknowledged after (i+1)*15 min (900..9000: median 4500, p90 8100; 8 met, 2 missed) and
    # resolved at 16:00 Berlin (21600, met).
    days = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]
    for i, day in enumerate(days):
        created = at(3, day, 9)
        b.story(
            f"E{i}",
            "apps",
            P2,
            created,
            ("ack", created + (i + 1) * FIFTEEN_MINUTES),
            ("resolve", at(3, day, 15)),
        )
    b.open("E10", "apps", P2, at(3, 20, 9))
    # Never answered: due Fri 12:00 and Mon 23 March 10:00 Berlin, both missed; 1 escalation.
    # apps P2: 11 tickets, response met 8 missed 3, resolution met 10 missed 1.
