"""Demo data for `manage.py seed_demo`: three support tiers, a Berlin business calendar, ITIL
SLA targets, escalation policies, demo people and ~50 tickets with realistic timelines.

Idempotent: configuration is keyed on natural keys (`ensure`, writing only what differs),
people on usernames and tickets on their subjects, so a second run changes nothing and
creates no ticket. Tickets are played through the lifecycle methods with past `at=` times,
so their timelines are real events the escalation app reacts to, exactly as it would have
live.
"""

import random
from datetime import date, time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from escalation.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    SLAPolicy,
    SLATarget,
)
from helpdesk import demo_history as history
from helpdesk.demo_tickets import plan_tickets, seed_tickets
from incidents import addresses, roles
from incidents.models import Membership, PriorityMatrixEntry, SavedReply, Team
from incidents.models.priority import DEFAULT_PRIORITY_MATRIX

DEMO_PASSWORD = "tierdesk-demo"
RANDOM_SEED = 2026
HOUR = 3600
BUSINESS_DAY = 8 * HOUR

TEAMS = [  # slug, name, tier, escalates_to, email
    ("engineering", "Engineering", 3, None, "engineering@example.com"),
    ("application-support", "Application Support", 2, "engineering", "apps@example.com"),
    ("service-desk", "Service Desk", 1, "application-support", "servicedesk@example.com"),
]
INTAKE_TEAM = "service-desk"  # takes every ticket that names no team

# username, full name, role (customer/agent/supervisor), team slug, team role
PEOPLE = [
    ("alice", "Alice Adams", "customer", None, None),
    ("bob", "Bob Brown", "customer", None, None),
    ("dana", "Dana Fischer", "agent", "service-desk", "agent"),
    ("tom", "Tom Keller", "agent", "service-desk", "agent"),
    ("lena", "Lena Wolf", "agent", "service-desk", "lead"),
    ("priya", "Priya Nair", "agent", "application-support", "agent"),
    ("marco", "Marco Rossi", "agent", "application-support", "lead"),
    ("erik", "Erik Larsen", "agent", "engineering", "agent"),
    ("sam", "Sam Okafor", "supervisor", None, None),
]

CALENDAR_NAME = "Berlin office hours"
HOLIDAYS = [
    (date(2026, 1, 1), "Neujahr"),
    (date(2026, 3, 8), "Internationaler Frauentag"),
    (date(2026, 4, 3), "Karfreitag"),
    (date(2026, 4, 6), "Ostermontag"),
    (date(2026, 5, 1), "Tag der Arbeit"),
    (date(2026, 5, 14), "Christi Himmelfahrt"),
    (date(2026, 5, 25), "Pfingstmontag"),
    (date(2026, 10, 3), "Tag der Deutschen Einheit"),
    (date(2026, 12, 25), "1. Weihnachtstag"),
    (date(2026, 12, 26), "2. Weihnachtstag"),
    (date(2027, 1, 1), "Neujahr"),
    (date(2027, 3, 8), "Internationaler Frauentag"),
    (date(2027, 3, 26), "Karfreitag"),
    (date(2027, 3, 29), "Ostermontag"),
    (date(2027, 5, 1), "Tag der Arbeit"),
    (date(2027, 5, 6), "Christi Himmelfahrt"),
    (date(2027, 5, 17), "Pfingstmontag"),
    (date(2027, 10, 3), "Tag der Deutschen Einheit"),
    (date(2027, 12, 25), "1. Weihnachtstag"),
    (date(2027, 12, 26), "2. Weihnachtstag"),
]

SLA_POLICY_NAME = "Standard SLA"
SLA_TARGETS = {  # priority: (first response, resolution), in business seconds
    "P1": (15 * 60, 4 * HOUR),
    "P2": (HOUR, 8 * HOUR),
    "P3": (4 * HOUR, 3 * BUSINESS_DAY),
    "P4": (BUSINESS_DAY, 5 * BUSINESS_DAY),
}


def _levels(reassign_to):
    """The standard ladder: warn, breach, warn, breach; the last one moves the ticket on."""
    return [
        (1, "response_due", -15 * 60, ["assignee", "team_leads"], None),
        (2, "response_due", 0, ["team_leads", "supervisors"], None),
        (3, "resolution_due", -HOUR, ["assignee", "team_leads"], None),
        (4, "resolution_due", 0, ["team_leads", "supervisors"], reassign_to),
    ]


# name, teams it names (empty = all), team the last level reassigns to
ESCALATION_POLICIES = [
    ("Standard escalation", [], "application-support"),
    ("Application Support escalation", ["application-support"], "engineering"),
    ("Engineering escalation", ["engineering"], None),
]


def ensure(model, defaults=None, **keys):
    """update_or_create that saves only what differs: a second run writes nothing, so the
    configuration's history (django-simple-history) gains no row either."""
    found = model.objects.filter(**keys).first()
    if found is None:
        return model.objects.create(**keys, **(defaults or {})), True
    changed = [name for name, value in (defaults or {}).items() if getattr(found, name) != value]
    for name in changed:
        setattr(found, name, defaults[name])
    if changed:
        found.save(update_fields=changed)
    return found, False


def seed(now=None, rng_seed=RANDOM_SEED):
    """Create or refresh the demo; returns how many tickets this run created."""
    now = now or timezone.now()
    with transaction.atomic():
        teams = seed_teams()
        people = seed_people(teams)
        calendar = seed_calendar()
        seed_sla(calendar)
        seed_priority_matrix()
        seed_escalation(teams)
        tickets = seed_tickets(plan_tickets(random.Random(rng_seed), now), teams, people)
        seed_saved_replies(teams)
        for ticket in tickets:
            history.until(ticket, now)
        history.settle_notifications(tickets)
        history.settle_updated_at(tickets)
    return len(tickets)


# Saved replies the README promises: team slug (None: every team), title, body.
SAVED_REPLIES = [
    (
        None,
        "Thanks, looking into it",
        "Thanks for reporting this. I'm looking into it now and "
        "will write again as soon as I know more.",
    ),
    (
        None,
        "Need more detail",
        "Could you tell us when it started, what you were doing, and "
        "send a screenshot of any error message?",
    ),
    (
        "service-desk",
        "Password reset steps",
        "You can reset your password at "
        "https://login.example.com/reset. The link in the mail works for 30 minutes.",
    ),
    (
        "service-desk",
        "VPN: reinstall the profile",
        "Please remove the VPN profile, download it "
        "again from the intranet and sign in once more. That fixes most drops.",
    ),
    (
        "application-support",
        "Fix deployed",
        "We deployed a fix a few minutes ago. Please reload "
        "the application and tell us if it works for you now.",
    ),
    (
        "engineering",
        "Root cause found",
        "We found the root cause and are preparing a fix; "
        "we'll update this ticket when it is live.",
    ),
]


def seed_saved_replies(teams):
    """Saved replies per team and for every team, created once."""
    for slug, title, body in SAVED_REPLIES:
        SavedReply.objects.get_or_create(
            team=teams[slug] if slug else None, title=title, defaults={"body": body}
        )


def seed_teams():
    teams = {}
    # Exactly one intake team: the demo's is the Service Desk, the one the migrations made on a
    # fresh install (same slug). Another team that has the flag gives it up first.
    Team.objects.filter(is_intake=True).exclude(slug=INTAKE_TEAM).update(is_intake=False)
    for slug, name, tier, escalates_to, email in TEAMS:
        teams[slug], _ = ensure(
            Team,
            slug=slug,
            defaults={
                "name": name,
                "tier": tier,
                "escalates_to": teams.get(escalates_to),
                "email": email,
                "is_intake": slug == INTAKE_TEAM,
            },
        )
    return teams


def seed_people(teams):
    """Demo users with their groups and memberships; the password is set only on creation."""
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.filter(name__in=[roles.AGENTS, roles.SUPERVISORS])}
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is the slow part
    people = {}
    for username, full_name, role, team_slug, team_role in PEOPLE:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": role == "supervisor",
                "password": password,
            },
        )
        if created:
            addresses.confirm(user)  # made by us: its address needs no confirming mail
        if role == "agent":
            user.groups.add(groups[roles.AGENTS])
        elif role == "supervisor":
            user.groups.add(groups[roles.SUPERVISORS])
        if team_slug:
            Membership.objects.update_or_create(
                user=user, team=teams[team_slug], defaults={"role": team_role}
            )
        people[username] = user
    return people


def seed_calendar():
    calendar, _ = ensure(
        BusinessCalendar, name=CALENDAR_NAME, defaults={"timezone": "Europe/Berlin"}
    )
    for weekday in range(5):
        OpeningHours.objects.get_or_create(
            calendar=calendar, weekday=weekday, start=time(9), end=time(17)
        )
    for day, name in HOLIDAYS:
        ensure(Holiday, calendar=calendar, date=day, defaults={"name": name})
    return calendar


def seed_sla(calendar):
    """The default SLA policy, unless an operator already made another policy the default."""
    other_default = SLAPolicy.objects.filter(is_default=True).exclude(name=SLA_POLICY_NAME)
    policy, _ = ensure(
        SLAPolicy,
        name=SLA_POLICY_NAME,
        defaults={"calendar": calendar, "is_default": not other_default.exists()},
    )
    for priority, (response, resolution) in SLA_TARGETS.items():
        ensure(
            SLATarget,
            policy=policy,
            priority=priority,
            defaults={"first_response_seconds": response, "resolution_seconds": resolution},
        )
    return policy


def seed_priority_matrix():
    for (impact, urgency), priority in DEFAULT_PRIORITY_MATRIX.items():
        ensure(PriorityMatrixEntry, impact=impact, urgency=urgency, defaults={"priority": priority})


def seed_escalation(teams):
    for name, team_slugs, reassign_slug in ESCALATION_POLICIES:
        policy, _ = ensure(
            EscalationPolicy,
            name=name,
            defaults={
                "priorities": [],
                "repeat": 2,
                "repeat_interval_seconds": 30 * 60,
                "is_active": True,
            },
        )
        wanted = {teams[slug].pk for slug in team_slugs}
        if set(policy.teams.values_list("pk", flat=True)) != wanted:
            policy.teams.set(wanted)
        for order, anchor, offset, notify, reassign in _levels(teams.get(reassign_slug)):
            ensure(
                EscalationLevel,
                policy=policy,
                order=order,
                defaults={
                    "anchor": anchor,
                    "offset_seconds": offset,
                    "notify": notify,
                    "reassign_to": reassign,
                    "set_priority": None,
                },
            )


def credentials_table():
    """The demo logins as a fixed-width table, for the end of the command's output."""
    rows = [("username", "password", "role", "team")]
    for username, _name, role, team_slug, team_role in PEOPLE:
        team = f"{team_slug} ({team_role})" if team_slug else ""
        rows.append((username, DEMO_PASSWORD, role, team))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
