"""Bench data for `manage.py seed_bench N`: N tickets with replies, events, SLA clocks and
firings, loaded in bulk so the queues can be measured at 100k (SQLite) or 1M (PostgreSQL).

The configuration (teams, people, calendar, SLA, escalation policies) is the demo's, plus more
teams and agents; tickets are written straight to their tables (COPY on PostgreSQL, one
`executemany` per batch elsewhere), not played through the lifecycle: the point is volume with
realistic shapes (team sizes, statuses, breached and due-soon tickets), fast.
"""

import json
import random
from datetime import timedelta
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from escalation import ranks, work
from escalation.models import Firing, TicketClock, WorkSlot
from helpdesk import demo
from incidents import roles
from incidents.models import Membership, Reply, Team, Ticket, TicketEvent

BENCH_PASSWORD = "tierdesk-bench"
BATCH = 5000
# slug, name, tier, escalates_to: more teams beside the demo's three, weighted by tier below.
EXTRA_TEAMS = [
    ("bench-l1-north", "Service Desk North", 1, "application-support"),
    ("bench-l1-south", "Service Desk South", 1, "application-support"),
    ("bench-l1-east", "Service Desk East", 1, "application-support"),
    ("bench-l2-erp", "ERP Support", 2, "engineering"),
    ("bench-l2-network", "Network Support", 2, "engineering"),
    ("bench-l3-platform", "Platform Engineering", 3, None),
]
TIER_WEIGHT = {1: 4, 2: 2, 3: 1}
AGENTS_PER_TEAM = 8
PRIORITIES = [("P1", 5), ("P2", 15), ("P3", 50), ("P4", 30)]
LEVELS = {"P1": ("high", "high"), "P2": ("high", "medium"), "P3": ("medium", "medium")}
# A quarter of the tickets active, up to a backlog of 25,000: the open backlog follows the size
# of the team, not the years of history behind it, so 1M tickets are mostly closed ones.
ACTIVE_SHARE = 0.25
BACKLOG = 25_000
WORDS = [
    *("printer", "vpn", "laptop", "password", "outlook", "invoice", "erp", "report", "badge"),
    *("wifi", "monitor", "license", "backup", "database", "timeout", "export", "login"),
    *("certificate", "phone", "calendar", "share", "drive"),
]


def seed(count, now=None, rng_seed=1):
    """Load `count` tickets (and their rows) on top of the demo configuration; returns counts."""
    now = now or timezone.now()
    rng = random.Random(rng_seed)
    with transaction.atomic():
        teams = seed_teams()
        agents = seed_agents(teams)
        customers = seed_customers(max(20, count // 50))
        clocks = clock_templates(teams, now)
    totals = {name: 0 for name, _model, _columns in TABLES}
    plan = TicketFactory(rng, now, teams, agents, customers, clocks)
    rows = plan.rows(next_id(Ticket), count)
    while batch := list(islice(rows, BATCH)):
        with transaction.atomic():
            for table, table_rows in zip(TABLES, zip(*batch, strict=True), strict=True):
                flat = [row for rows_of_ticket in table_rows for row in rows_of_ticket]
                insert(table, flat)
                totals[table[0]] += len(flat)
    reset_sequences()
    # The clocks were written directly, not by the reactions: their days of sorted figures
    # (escalation/ranks.py) are built from them all at once.
    totals["days of figures"] = ranks.rebuild_all()
    analyze()
    return totals


def seed_teams():
    """The demo's teams and people, the demo's policies (covering the extra teams too)."""
    teams = demo.seed_teams()
    for slug, name, tier, escalates_to in EXTRA_TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "tier": tier, "escalates_to": teams.get(escalates_to)},
        )
    demo.seed_people({slug: teams[slug] for slug, *_ in demo.TEAMS})
    demo.seed_sla(demo.seed_calendar())
    demo.seed_priority_matrix()
    demo.seed_escalation(teams)
    return teams


def seed_agents(teams):
    """AGENTS_PER_TEAM agents per team (the first is its lead); returns {team id: [user ids]}."""
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)
    group = Group.objects.get(name=roles.AGENTS)
    members = {}
    for team in teams.values():
        users = []
        for n in range(AGENTS_PER_TEAM):
            user, _ = User.objects.get_or_create(
                username=f"bench-{team.slug}-{n}",
                defaults={"first_name": "Agent", "last_name": f"{team.name} {n}"},
            )
            if not user.password:
                user.password = password
                user.save(update_fields=["password"])
            user.groups.add(group)
            role = Membership.Role.LEAD if n == 0 else Membership.Role.AGENT
            Membership.objects.get_or_create(user=user, team=team, defaults={"role": role})
            users.append(user.pk)
        existing = Membership.objects.filter(team=team).values_list("user_id", flat=True)
        members[team.pk] = sorted(set(users) | set(existing))
    return members


def seed_customers(count):
    """`count` customers named bench-customer-<n>; returns their ids."""
    User = get_user_model()
    have = set(
        User.objects.filter(username__startswith="bench-customer-").values_list(
            "username", flat=True
        )
    )
    password = make_password(BENCH_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name=f"Customer{n}",
                last_name=rng_name(n),
                email=f"{name}@example.com",
                password=password,
            )
            for n in range(count)
            if (name := f"bench-customer-{n}") not in have
        ],
        batch_size=1000,
    )
    return list(
        User.objects.filter(username__startswith="bench-customer-")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def rng_name(n):
    return ["Meyer", "Schmidt", "Novak", "Garcia", "Okafor", "Larsen", "Rossi", "Kim"][n % 8]


def clock_templates(teams, now):
    """{(team id, priority): a frozen TicketClock} — what a ticket of that team would freeze."""
    templates = {}
    for team in teams.values():
        for priority, _weight in PRIORITIES:
            clock = TicketClock()
            clock.freeze(Ticket(team=team, priority=priority), now)
            templates[team.pk, priority] = clock
    return templates


def next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


class TicketFactory:
    """Rows for one ticket at a time: the ticket, its replies, events, clock and firings."""

    def __init__(self, rng, now, teams, agents, customers, clocks):
        self.rng, self.now, self.agents, self.customers = rng, now, agents, customers
        self.clocks = clocks
        team_list = list(teams.values())
        self.team_ids = [t.pk for t in team_list]
        self.team_weights = [TIER_WEIGHT.get(t.tier, 1) for t in team_list]
        self.reply_id = next_id(Reply)
        self.event_id = next_id(TicketEvent)
        self.clock_id = next_id(TicketClock)
        self.firing_id = next_id(Firing)

    def rows(self, first_id, count):
        """Oldest first: the backlog is among the newest BACKLOG / ACTIVE_SHARE tickets, as in
        a real table, where open tickets are recent and years of closed ones lie behind."""
        recent = first_id + count - int(BACKLOG / ACTIVE_SHARE)
        for pk in range(first_id, first_id + count):
            age = (first_id + count - pk) / count  # 1 for the oldest, ~0 for the newest
            yield self.ticket(pk, age, pk >= recent)

    def ticket(self, pk, age, recent):
        rng = self.rng
        team = rng.choices(self.team_ids, self.team_weights)[0]
        priority = rng.choices(*zip(*PRIORITIES, strict=True))[0]
        active = recent and rng.random() < ACTIVE_SHARE
        t = {"id": pk, "team_id": team, "priority": priority, "age": age * 365 * 86400}
        t["requester_id"] = rng.choice(self.customers)
        t["assignee_id"] = (
            rng.choice(self.agents[team]) if not active or rng.random() < 0.6 else None
        )
        if active:
            self.active_state(t)
        else:
            self.done_state(t)
        replies = self.replies(t)
        events = self.events(t, replies)
        return [self.ticket_row(t)], replies, events, *self.sla_rows(t), work_slots(t, events)

    def active_state(self, t):
        rng, now = self.rng, self.now
        t["status"] = rng.choices(["new", "open", "pending", "on_hold"], [25, 50, 15, 10])[0]
        t["created_at"] = now - timedelta(seconds=rng.uniform(600, 10 * 86400))
        kind = rng.random()
        if kind < 0.15:  # breached: resolution overdue
            due = now - timedelta(seconds=rng.uniform(60, 3 * 86400))
        elif kind < 0.22:  # at risk: due within the hour
            due = now + timedelta(seconds=rng.uniform(60, 3500))
        else:
            due = now + timedelta(seconds=rng.uniform(3700, 5 * 86400))
        t["resolution_due_at"] = max(due, t["created_at"] + timedelta(minutes=15))
        if t["resolution_due_at"] < now:
            t["resolution_breached_at"] = t["resolution_due_at"]
        if t["status"] == "new":
            t["response_due_at"] = min(t["created_at"] + timedelta(hours=1), t["resolution_due_at"])
            if t["response_due_at"] < now:
                t["response_breached_at"] = t["response_due_at"]
        else:
            t["acknowledged_at"] = t["created_at"] + timedelta(minutes=rng.uniform(1, 10))
            t["response_due_at"] = t["acknowledged_at"] + timedelta(minutes=5)
        if t["status"] in ("pending", "on_hold"):
            t["sla_paused_at"] = now - timedelta(seconds=rng.uniform(60, 86400))
        t["breached"] = bool(t.get("response_breached_at") or t.get("resolution_breached_at"))

    def done_state(self, t):
        rng = self.rng
        t["status"] = rng.choices(["resolved", "closed"], [30, 70])[0]
        seconds = max(t["age"], 3 * 86400) * rng.uniform(0.99, 1.0)  # ids follow time
        t["created_at"] = self.now - timedelta(seconds=seconds)
        t["acknowledged_at"] = t["created_at"] + timedelta(minutes=rng.uniform(1, 60))
        t["response_due_at"] = t["created_at"] + timedelta(hours=1)
        t["resolution_due_at"] = t["created_at"] + timedelta(days=2)
        t["resolved_at"] = t["created_at"] + timedelta(hours=rng.uniform(1, 60))
        if t["status"] == "closed":
            t["closed_at"] = min(t["resolved_at"] + timedelta(days=3), self.now)
        if t["resolved_at"] > t["resolution_due_at"]:
            t["resolution_breached_at"] = t["resolution_due_at"]
        t["breached"] = "resolution_breached_at" in t
        t["rating"] = rng.choice([None, None, 3, 4, 5])

    def ticket_row(self, t):
        rng = self.rng
        words = rng.sample(WORDS, 3)
        impact, urgency = LEVELS.get(t["priority"], ("low", "low"))
        return (
            t["id"], f"HD-{t['id']}", f"{words[0].capitalize()} {words[1]} problem ({words[2]})",
            f"Since this morning the {words[0]} fails when I use the {words[1]}. " * 3,
            t["status"], impact, urgency, t["priority"], False,
            rng.choice(["portal", "email", "api", "desk"]), t["requester_id"], t["team_id"],
            t["assignee_id"], t["created_at"], t.get("closed_at") or t["created_at"],
            t.get("acknowledged_at"), t.get("resolved_at"), t.get("closed_at"), 0,
            t.get("response_due_at"), t.get("resolution_due_at"), t.get("sla_paused_at"),
            t.get("response_breached_at"), t.get("resolution_breached_at"), t["breached"],
            t.get("rating"), "",
        )  # fmt: skip

    def replies(self, t):
        rng, rows = self.rng, []
        for n in range(rng.choices([0, 1, 2, 3, 4], [15, 30, 30, 15, 10])[0]):
            internal = n % 3 == 2
            author = t["assignee_id"] if n % 2 and t["assignee_id"] else t["requester_id"]
            at = t["created_at"] + timedelta(minutes=30 * (n + 1))
            body = "Internal: checked the logs." if internal else f"Update {n + 1} on the issue."
            rows.append((self.reply_id, t["id"], author, body, internal, at))
            self.reply_id += 1
        return rows

    def events(self, t, replies):
        """created, assigned, one per reply, status changes and the breach, in time order."""
        found = [("created", t["requester_id"], t["created_at"], {}, {"status": "new"})]
        if t["assignee_id"]:
            at = t["created_at"] + timedelta(minutes=1)
            found.append(("assigned", None, at, {"assignee": None}, {"assignee": t["assignee_id"]}))
        for _id, _ticket, author, _body, internal, at in replies:
            found.append(("note_added" if internal else "replied", author, at, {}, {}))
        if t["status"] != "new":
            at = t.get("resolved_at") or t.get("acknowledged_at")
            found.append(("status_changed", t["assignee_id"], at, {}, {"status": t["status"]}))
        if t["breached"]:
            at = t.get("resolution_breached_at") or t.get("response_breached_at")
            found.append(("breached", None, at, {}, {}))
        rows = []
        for kind, actor, at, before, after in sorted(found, key=lambda e: e[2]):
            rows.append((self.event_id, t["id"], kind, actor, at, before, after, {}))
            self.event_id += 1
        return rows

    def sla_rows(self, t):
        """The ticket's clock and, while it is active, its resolution-breach firing."""
        clock = self.clocks[t["team_id"], t["priority"]]
        paused = t.get("sla_paused_at")
        clock_row = (
            self.clock_id, t["id"], clock.sla_policy_id, clock.sla_policy_name, clock.calendar,
            clock.response_target_seconds, clock.resolution_target_seconds, clock.policy,
            clock.policy_key, 0, paused, t["created_at"], *report_figures(t),
        )  # fmt: skip
        self.clock_id += 1
        if t["status"] in ("resolved", "closed") or not t.get("resolution_due_at"):
            return [clock_row], []
        due = t["resolution_due_at"]
        fired = due < self.now
        state = "fired" if fired else ("held" if paused else "pending")
        firing = (
            self.firing_id, t["id"], f"bench:{t['id']}:resolution_breach", "resolution_breach",
            0, 0, "resolution", due, due, state, None, "", {}, t["created_at"],
            due if fired else None, False, {},
        )  # fmt: skip
        self.firing_id += 1
        return [clock_row], [firing]


def report_figures(t):
    """The clock's report figures (escalation/figures.py) of a bench ticket, in wall seconds
    (business seconds are taken as equal: the point is their volume, not their calendar)."""
    created, acknowledged, resolved = (
        t["created_at"],
        t.get("acknowledged_at"),
        t.get("resolved_at"),
    )
    response = resolution = ""
    acknowledge = resolve = None
    if acknowledged is not None:
        acknowledge = int((acknowledged - created).total_seconds())
        response = "met" if acknowledged <= t["response_due_at"] else "missed"
    if resolved is not None and t["status"] in ("resolved", "closed"):
        resolve = int((resolved - created).total_seconds())
        resolution = "met" if resolved <= t["resolution_due_at"] else "missed"
    figures = response, resolution, acknowledge, acknowledge, resolve, resolve
    return *figures, *report_copies(t, response, resolution)


def work_slots(t, events):
    """The people's slots of work (escalation/work.py) of a bench ticket, from its events, as
    the keep_clocks reaction keeps them."""
    acknowledge = report_figures(t)[2]
    kept = work.slots(t["id"], [e[2:5] + e[6:8] for e in events], (acknowledge, acknowledge))
    return [tuple(row[name] for name in work.COLUMNS) for row in kept]


def report_copies(t, response, resolution):
    """What a report counts the ticket by, as escalation/figures.py `copies` keeps it."""
    active = t["status"] not in ("resolved", "closed")
    response_runs = active and t.get("acknowledged_at") is None and not response
    resolution_runs = active and t.get("sla_paused_at") is None and not resolution
    return (
        t.get("resolution_due_at") or t.get("response_due_at") or t["created_at"],
        t["team_id"],
        t["priority"],
        t.get("response_due_at") if response_runs else None,
        t.get("resolution_due_at") if resolution_runs else None,
    )


def _columns(model, names):
    return model, [model._meta.get_field(n).column for n in names]


TABLES = [
    ("tickets", *_columns(Ticket, [
        "id", "reference", "subject", "description", "status", "impact", "urgency", "priority",
        "priority_overridden", "channel", "requester", "team", "assignee", "created_at",
        "updated_at", "acknowledged_at", "resolved_at", "closed_at", "escalation_level",
        "response_due_at", "resolution_due_at", "sla_paused_at", "response_breached_at",
        "resolution_breached_at", "breached", "rating", "rating_comment",
    ])),
    ("replies", *_columns(Reply, ["id", "ticket", "author", "body", "internal", "created_at"])),
    ("events", *_columns(TicketEvent, [
        "id", "ticket", "kind", "actor", "at", "before", "after", "data",
    ])),
    ("clocks", *_columns(TicketClock, [
        "id", "ticket", "sla_policy_id", "sla_policy_name", "calendar",
        "response_target_seconds", "resolution_target_seconds", "policy", "policy_key",
        "paused_microseconds", "paused_since", "frozen_at", "response_outcome",
        "resolution_outcome", "acknowledge_seconds", "acknowledge_wall_seconds",
        "resolve_seconds", "resolve_wall_seconds", "deadline", "team", "priority",
        "response_due_running", "resolution_due_running",
    ])),
    ("firings", *_columns(Firing, [
        "id", "ticket", "key", "kind", "level", "repeat", "anchor", "anchor_at", "due_at",
        "state", "claimed_until", "claimed_by", "actions", "created_at", "fired_at", "late",
        "outcome",
    ])),
    ("work slots", *_columns(WorkSlot, work.COLUMNS)),
]  # fmt: skip


def insert(table, rows):
    """Write rows to the table: COPY on PostgreSQL, one executemany elsewhere."""
    _name, model, columns = table
    if not rows:
        return
    db_table = model._meta.db_table
    adapt = _adapter()
    rows = [tuple(adapt(v) for v in row) for row in rows]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        copy_sql = f"COPY {db_table} ({quoted}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {db_table} ({quoted}) VALUES ({marks})", rows)


def _adapter():
    sqlite = connection.vendor == "sqlite"

    def adapt(value):
        if isinstance(value, dict):
            return json.dumps(value)
        if sqlite and hasattr(value, "tzinfo") and value.tzinfo is not None:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    return adapt


def reset_sequences():
    """After explicit ids, let the database's next id follow the highest one."""
    models = [Ticket, Reply, TicketEvent, TicketClock, Firing]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze():
    """Refresh the planner's statistics: after a bulk load, without them SQLite picks the
    status index for the queues and reads every active ticket of every team."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
