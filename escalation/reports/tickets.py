"""The tickets a report counts and their figures, as SQL over the figures each ticket's clock
keeps (escalation/figures.py, docs/reports.md): whether each clock was met or missed, the time
to acknowledge and to resolve in business and wall seconds, and the escalations."""

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from incidents.models import Ticket, TicketEvent

# The clock's figures a report reads for percentiles, in this order.
TIMES = [
    "sla_clock__acknowledge_seconds",
    "sla_clock__acknowledge_wall_seconds",
    "sla_clock__resolve_seconds",
    "sla_clock__resolve_wall_seconds",
]


def counted(period):
    """The tickets a report over `period` counts: not drills, with the deadline they are judged
    by (resolution's, else first response's, else creation) in the period, of the teams and
    priority asked for."""
    tickets = Ticket.objects.annotate(deadline=deadline())
    tickets = tickets.filter(deadline__gte=period.start, deadline__lt=period.end)
    return period.narrow(tickets).order_by()


def deadline(ticket=""):
    """The instant a ticket counts by; `ticket`: the path to it from another model."""
    prefix = f"{ticket}__" if ticket else ""
    return Coalesce(f"{prefix}resolution_due_at", f"{prefix}response_due_at", f"{prefix}created_at")


def met(clock):
    """Tickets whose `clock` ("response" or "resolution") stopped in time."""
    return Q(**{f"sla_clock__{clock}_outcome": "met"})


def missed_by(clock, now):
    """Tickets whose `clock` missed its deadline by `now`: settled so at their last change, or
    still running past a due time that has come since (clock_state's rule: a running clock
    breaches when its due time comes; the first-response clock runs until acknowledgement, the
    resolution clock until the ticket waits or is resolved)."""
    settled = Q(**{f"sla_clock__{clock}_outcome": "missed"})
    running = Q(status__in=Ticket.ACTIVE_STATUSES, **{f"sla_clock__{clock}_outcome": ""})
    if clock == "response":
        running &= Q(acknowledged_at__isnull=True, response_due_at__lte=now)
    else:
        running &= Q(sla_paused_at__isnull=True, resolution_due_at__lte=now)
    return settled | running


def outcome(clock, now):
    """An SQL expression: "met", "missed" or "" for `clock` of each ticket at `now`."""
    return Case(
        When(missed_by(clock, now), then=Value("missed")),
        When(met(clock), then=Value("met")),
        default=Value(""),
        output_field=CharField(),
    )


OUTCOMES = ["response_met", "response_missed", "resolution_met", "resolution_missed"]


def counted_cells(now):
    """What a report counts of its tickets, for stats.grouped: every ticket, and the tickets of
    each outcome of each clock at `now`."""
    cells = {"tickets": None}
    for name in OUTCOMES:
        clock, what = name.split("_")
        cells[name] = Exact(outcome(clock, now), Value(what))
    return cells


# An `escalated` event that moved the ticket up the ladder: a manual escalation, or a level's
# first firing; a warning before a deadline and a repeat only told people again.
ESCALATION = Q(data__manual=True) | Q(data__warning=False, data__repeat=0)


def escalation_events(tickets):
    """The escalations (`escalated` events that count) of the tickets of a queryset."""
    return TicketEvent.objects.filter(
        ESCALATION, kind=TicketEvent.Kind.ESCALATED, ticket__in=tickets.values("pk")
    ).order_by()


def escalations(tickets, *group):
    """{(the tickets' `group` columns): escalations} for the tickets of a queryset."""
    keys = [f"ticket__{name}" for name in group]
    found = escalation_events(tickets).values(*keys).annotate(n=Count("pk"))
    return {tuple(row[k] for k in keys): row["n"] for row in found}
