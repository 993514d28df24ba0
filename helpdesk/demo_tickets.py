"""The demo's ~50 tickets (helpdesk/demo.py): drawn up front from a seeded random generator,
then played through the lifecycle methods with past `at=` times, so each timeline is made of
real events the escalation app reacts to, as it would have live. Tickets are keyed on their
subjects: a second run creates none."""

from dataclasses import dataclass, field
from datetime import timedelta

from helpdesk import demo_history as history
from helpdesk.demo_text import DESCRIPTIONS, SUBJECTS
from incidents.models import Ticket

STATUS_MIX = (
    ["new"] * 8
    + ["open"] * 12
    + ["pending"] * 6
    + ["on_hold"] * 5
    + ["resolved"] * 9
    + ["closed"] * 10
)
# Oldest and youngest age, in hours, per final status: closed tickets had time to close.
AGE_HOURS = {
    "new": (0.2, 96),
    "open": (1, 240),
    "pending": (6, 240),
    "on_hold": (6, 240),
    "resolved": (24, 240),
    "closed": (72, 240),
}
LEVELS = ["high", "medium", "low"]


@dataclass
class TicketPlan:
    """Everything random about one demo ticket, drawn up front so runs are reproducible."""

    subject: str
    description: str
    status: str
    created_at: object
    span: timedelta
    requester: str
    channel: str
    impact: str
    urgency: str
    start_team: str
    escalations: list = field(default_factory=list)
    acknowledge_by_reply: bool = True
    bounced_back: bool = False
    override_priority: bool = False
    rating: int | None = None

    def at(self, fraction):
        return self.created_at + self.span * fraction


def plan_tickets(rng, now):
    """Draw every ticket's plan from `rng`; subjects, statuses and shape depend only on it."""
    statuses = list(STATUS_MIX)
    rng.shuffle(statuses)
    plans = []
    for subject, status in zip(SUBJECTS, statuses, strict=True):
        low, high = AGE_HOURS[status]
        age = timedelta(hours=rng.uniform(low, high))
        channel = rng.choice(Ticket.Channel.values)
        escalations = []
        if status != "new" and channel != "api" and rng.random() < 0.4:
            escalations = ["application-support"]
            if rng.random() < 0.4:
                escalations.append("engineering")
        plans.append(
            TicketPlan(
                subject=subject,
                description=rng.choice(DESCRIPTIONS),
                status=status,
                created_at=now - age,
                span=age - timedelta(minutes=5),
                requester=rng.choice(["alice", "bob"]),
                channel=channel,
                impact=rng.choice(LEVELS),
                urgency=rng.choice(LEVELS),
                start_team="application-support" if channel == "api" else "service-desk",
                escalations=escalations,
                acknowledge_by_reply=rng.random() < 0.8,
                bounced_back=status == "open" and rng.random() < 0.3,
                override_priority=rng.random() < 0.1,
                rating=rng.choice([3, 4, 5, 5, None]) if status == "closed" else None,
            )
        )
    return plans


def seed_tickets(plans, teams, people):
    """Play every plan whose ticket does not exist yet; returns the tickets created."""
    existing = set(
        Ticket.objects.filter(
            subject__in=SUBJECTS, requester__username__in=["alice", "bob"]
        ).values_list("subject", flat=True)
    )
    return [play(plan, teams, people) for plan in plans if plan.subject not in existing]


WORKERS = {  # team slug: (agents who take its tickets, its lead)
    "service-desk": (["dana", "tom"], "lena"),
    "application-support": (["priya"], "marco"),
    "engineering": (["erik"], "marco"),
}


def play(plan, teams, people):
    """Open the ticket at its creation time, then act it out up to its final status."""
    customer = people[plan.requester]
    ticket = Ticket.open_ticket(
        requester=customer,
        subject=plan.subject,
        description=plan.description,
        channel=plan.channel,
        impact=plan.impact,
        urgency=plan.urgency,
        team=teams[plan.start_team],
        at=plan.created_at,
    )
    if plan.status == "new":
        return ticket
    agent = _take(ticket, plan, people, 0.05)
    if plan.override_priority:
        lead = people[WORKERS[plan.start_team][1]]
        ticket.set_priority(
            lead,
            "P2" if ticket.priority != "P2" else "P1",
            at=history.until(ticket, plan.at(0.07)),
            reason="Affects a whole department.",
        )
    for step, slug in enumerate(plan.escalations):
        at = history.until(ticket, plan.at(0.3 + 0.15 * step))
        if teams[slug].tier <= ticket.team.tier:
            continue  # a level of the policy already moved it there
        ticket.add_reply(
            agent, "Needs a specialist: handing over with my notes.", internal=True, at=at
        )
        ticket.escalate(
            agent, f"Beyond {ticket.team.name}: needs {teams[slug].name}.", team=teams[slug], at=at
        )
        agent = _take(ticket, plan, people, 0.32 + 0.15 * step)
    _finish(ticket, plan, agent, customer)
    return ticket


def _take(ticket, plan, people, fraction):
    """An agent of the ticket's team takes it and answers (or just acknowledges) it. The team
    is the one it is in by then: a level of its policy may have moved it meanwhile."""
    at = history.until(ticket, plan.at(fraction))
    agents, _lead = WORKERS[ticket.team.slug]
    agent = people[agents[len(plan.subject) % len(agents)]]
    ticket.assign(agent, agent, at=at)
    at = history.until(ticket, plan.at(fraction + 0.01))
    if plan.acknowledge_by_reply:
        ticket.add_reply(agent, "Thanks for reporting this, I'm looking into it now.", at=at)
    else:
        ticket.acknowledge(agent, at=at)
    return agent


def _finish(ticket, plan, agent, customer):
    """Take the ticket from open to its planned final status."""
    if plan.bounced_back:
        ticket.add_reply(
            agent,
            "Could you tell me which browser you use?",
            at=history.until(ticket, plan.at(0.7)),
        )
        ticket.change_status(agent, "pending", at=history.until(ticket, plan.at(0.7)))
        ticket.add_reply(
            customer, "Firefox, latest version.", at=history.until(ticket, plan.at(0.85))
        )
    elif plan.status == "pending":
        ticket.add_reply(
            agent,
            "Could you send a screenshot of the error?",
            at=history.until(ticket, plan.at(0.75)),
        )
        ticket.change_status(agent, "pending", at=history.until(ticket, plan.at(0.75)))
    elif plan.status == "on_hold":
        ticket.add_reply(
            agent,
            "Waiting for the vendor's answer (case 4711).",
            internal=True,
            at=history.until(ticket, plan.at(0.75)),
        )
        ticket.change_status(agent, "on_hold", at=history.until(ticket, plan.at(0.75)))
    elif plan.status in ("resolved", "closed"):
        ticket.add_reply(
            agent,
            "Fixed: the configuration was corrected. Please check.",
            at=history.until(ticket, plan.at(0.6)),
        )
        ticket.resolve(agent, at=history.until(ticket, plan.at(0.6)))
        if plan.status == "closed":
            if plan.rating:
                ticket.rate(
                    customer,
                    plan.rating,
                    "Quick and friendly.",
                    at=history.until(ticket, plan.at(0.7)),
                )
            ticket.close(agent, at=history.until(ticket, plan.at(0.9)))
