"""GET /api/reports/escalations/: what the ladder did in a period (docs/reports.md).

Three tables: the levels per team (fired, late, repeats, passed over, cancelled, skipped, and
fired levels that reached nobody), the hand-offs between teams (who hands up to whom, by hand,
by a level or by a supervisor's move), and the manual escalations with their reasons."""

from collections import Counter

from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from incidents.models import TicketEvent
from notifications.models import Notification

from ..models import Firing
from .teams import teams_in_order as _teams

LEVEL_COLUMNS = [
    "team",
    "team_name",
    "level",
    "fired",
    "late",
    "repeats",
    "reached_nobody",
    "passed",
    "cancelled",
    "skipped",
]
HANDOFF_COLUMNS = [
    "from_team",
    "from_team_name",
    "from_tier",
    "to_team",
    "to_team_name",
    "to_tier",
    "manual",
    "by_level",
    "moved",
]
MANUAL_COLUMNS = ["ticket", "reference", "at", "from_team_name", "to_team_name", "actor", "reason"]


def level_firings(period):
    """The escalation levels' firing rows due in the period, of the tickets asked for."""
    firings = Firing.objects.filter(
        kind=Firing.Kind.LEVEL, due_at__gte=period.start, due_at__lt=period.end
    )
    return period.narrow(firings, ticket="ticket")


def levels(period):
    """Level firings that fell due in the period, per (ticket's team, level)."""
    firings = level_firings(period)
    cause = Concat(Value("firing:"), Cast(OuterRef("pk"), CharField()))
    firings = firings.annotate(told=Exists(Notification.objects.filter(cause=cause)))
    fired = Q(state=Firing.State.FIRED)
    found = (
        firings.order_by()
        .values("ticket__team_id", "level")
        .annotate(
            fired=Count("pk", filter=fired & Q(repeat=0)),
            late=Count("pk", filter=fired & Q(repeat=0, late=True)),
            repeats=Count("pk", filter=fired & Q(repeat__gt=0)),
            reached_nobody=Count("pk", filter=fired & Q(told=False)),
            passed=Count("pk", filter=Q(state=Firing.State.PASSED)),
            cancelled=Count("pk", filter=Q(state=Firing.State.CANCELLED)),
            skipped=Count("pk", filter=Q(state=Firing.State.SKIPPED)),
        )
    )
    teams = _teams(row["ticket__team_id"] for row in found)
    rows = [
        {
            "team": row["ticket__team_id"],
            "team_name": teams.get(row["ticket__team_id"], ("", 0))[0],
            **{name: row[name] for name in LEVEL_COLUMNS[2:]},
        }
        for row in found
    ]
    return sorted(rows, key=lambda r: (_order(teams, r["team"]), r["level"]))


def _events(period, kind):
    events = TicketEvent.objects.filter(kind=kind, at__gte=period.start, at__lt=period.end)
    # Teams: a hand-off is the lead's when it leaves or reaches one of theirs (_visible).
    return period.narrow(events, ticket="ticket", teams=False).order_by("at", "id")


def _visible(period, *team_ids):
    return period.teams is None or any(pk in period.teams for pk in team_ids)


def handoffs(period):
    """Team changes in the period, per (from team, to team): by hand (a manual escalation), by
    an escalation level, or moved by a supervisor; a lead sees those to or from their teams."""
    counts = Counter()
    for before, after, data in _events(period, TicketEvent.Kind.TEAM_CHANGED).values_list(
        "before", "after", "data"
    ):
        source, target = (before or {}).get("team"), (after or {}).get("team")
        if not _visible(period, source, target):
            continue
        data = data or {}
        how = "moved"
        if data.get("escalation"):
            how = "by_level" if "level" in data else "manual"
        counts[source, target, how] += 1
    teams = _teams(pk for key in counts for pk in key[:2])
    pairs = sorted(
        {key[:2] for key in counts},
        key=lambda pair: (_order(teams, pair[0]), _order(teams, pair[1])),
    )
    return [
        {
            "from_team": source,
            "from_team_name": teams.get(source, ("", 0))[0],
            "from_tier": teams.get(source, ("", None))[1],
            "to_team": target,
            "to_team_name": teams.get(target, ("", 0))[0],
            "to_tier": teams.get(target, ("", None))[1],
            **{how: counts[source, target, how] for how in ("manual", "by_level", "moved")},
        }
        for source, target in pairs
    ]


def manual(period):
    """Each manual escalation in the period with its reason, oldest first."""
    events = _events(period, TicketEvent.Kind.ESCALATED).filter(data__manual=True)
    found = events.values_list(
        "ticket_id", "ticket__reference", "at", "before", "after", "data", "actor__username"
    )
    found = [f for f in found if _visible(period, f[3].get("team"), f[4].get("team"))]
    teams = _teams(pk for f in found for pk in (f[3].get("team"), f[4].get("team")))
    return [
        {
            "ticket": ticket,
            "reference": reference,
            "at": at.isoformat(),
            "from_team_name": teams.get(before.get("team"), ("", 0))[0],
            "to_team_name": teams.get(after.get("team"), ("", 0))[0],
            "actor": actor or "",
            "reason": data.get("reason", ""),
        }
        for ticket, reference, at, before, after, data, actor in found
    ]


def escalations_report(period):
    return {"rows": levels(period), "handoffs": handoffs(period), "manual": manual(period)}


def _order(teams, pk):
    return list(teams).index(pk) if pk in teams else len(teams)
