"""Auto-assignment per team (opt-in): who gets a new ticket, and why, in words.

Among the team's members who are on shift and not away (out of office, incidents.availability's
rule: an away person is skipped):

- round robin: the next member after the one last given a ticket, in id order;
- least loaded: the member with the lightest open load, each open ticket assigned to them
  weighted by priority (P1 = 4 … P4 = 1); ties go to the lower id.

"On shift" is the team's on-call schedule when it keeps one: the escalation app tells this
module who holds a layer (`provide_on_shift`, in its ready()), since `incidents` imports no
other app. A team without rotations has every member on shift.
"""

from django.db.models import Case, IntegerField, Sum, Value, When
from django.utils.translation import gettext as _

from .absences import Absence

WEIGHTS = {"P1": 4, "P2": 3, "P3": 2, "P4": 1}
OPEN = ("new", "open", "pending", "on_hold")
_on_shift = []


def provide_on_shift(func):
    """`func(team_id, at)`: the ids of the members holding a shift at `at`, or None when the
    team keeps no rotation."""
    _on_shift[:] = [func]


def on_shift(team, at):
    return _on_shift[0](team.pk, at) if _on_shift else None


def choose(team, at, tickets):
    """(user, facts) for a ticket of `team` at `at`; (None, facts) when no one can take it.
    `facts` say why, as data (`words` puts them in the reader's language).
    `tickets`: the Ticket manager, whose open tickets make a member's load."""
    members = list(
        team.memberships.filter(user__is_active=True).select_related("user").order_by("user_id")
    )
    shift = on_shift(team, at)
    away = set(Absence.objects.covering(at).values_list("user_id", flat=True))
    pool = [m.user for m in members if (shift is None or m.user_id in shift)]
    skipped = [u for u in pool if u.pk in away]
    pool = [u for u in pool if u.pk not in away]
    facts = {"team": team.name, "shift": shift is not None, "pool": len(pool)}
    if not pool:
        return None, {**facts, "rule": "nobody"}
    if team.auto_assign == team.AutoAssign.ROUND_ROBIN:
        after = [
            u
            for u in pool
            if team.auto_assign_cursor is not None and u.pk > team.auto_assign_cursor
        ]
        chosen = (after or pool)[0]
        type(team).objects.filter(pk=team.pk).update(auto_assign_cursor=chosen.pk)
        team.auto_assign_cursor = chosen.pk
        facts["rule"] = "round_robin"
    else:
        weight = Case(
            *[When(priority=p, then=Value(w)) for p, w in WEIGHTS.items()],
            default=Value(1),
            output_field=IntegerField(),
        )
        loads = dict(
            tickets.filter(assignee__in=pool, status__in=OPEN)
            .values("assignee")
            .annotate(load=Sum(weight))
            .values_list("assignee", "load")
        )
        chosen = min(pool, key=lambda u: (loads.get(u.pk, 0), u.pk))
        facts.update(rule="least_loaded", load=loads.get(chosen.pk, 0))
    if skipped:
        facts["away"] = [_name(u) for u in skipped]
    return chosen, facts


def words(facts):
    """Why, in the active language: "round robin: next in turn of 2 not away (ben away)"."""
    where = _("on shift and not away") if facts["shift"] else _("not away")
    numbers = {"pool": facts["pool"], "where": where, "team": facts["team"]}
    if facts["rule"] == "nobody":
        return _("no member of %(team)s is %(where)s") % numbers
    if facts["rule"] == "round_robin":
        why = _("round robin: next in turn of %(pool)s %(where)s") % numbers
    else:
        why = _("least loaded: open load %(load)s of %(pool)s %(where)s") % {
            **numbers,
            "load": facts["load"],
        }
    if facts.get("away"):
        why += " " + _("(%(people)s away)") % {"people": ", ".join(facts["away"])}
    return why


def _name(user):
    return user.get_full_name() or user.get_username()
