"""What a new clock freezes for a (team, priority): the SLA policy with its calendar and
targets, and the escalation policy with its levels (SPEC "SLA policies", "Escalation policies").

Every ticket opened asks this. The answer is kept per process under the configuration's stamp
(dbtools/configuration.py); reading it afresh (after a supervisor's change) costs two queries
whatever the configuration, the related rows riding along as JSON columns.
The choosing is done here over the few policies there are: this module is where the rules that
choose a ticket's policies live."""

from django.db.models import F, OuterRef, Subquery

from dbtools import configuration, rows
from dbtools.aggregates import json_rows, loads

from .calendars import BusinessCalendar
from .policies import EscalationLevel, EscalationPolicy, most_specific
from .sla import SLAPolicy, SLATarget


def version(model):
    """A subquery column: the newest history row's id of each row (django-simple-history), the
    version a ticket's frozen terms name."""
    rows = model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_id")
    return Subquery(rows.values("history_id")[:1])


def sla_policies():
    """Every SLA policy with its teams, targets and calendar, in one query."""
    return SLAPolicy.objects.annotate(
        team_ids=json_rows(SLAPolicy.teams.through, "slapolicy", "pk", "team"),
        target_rows=json_rows(
            SLATarget, "policy", "pk", "priority", "first_response_seconds", "resolution_seconds"
        ),
        calendar_name=F("calendar__name"),
        calendar_timezone=F("calendar__timezone"),
        calendar_hours=BusinessCalendar.hours_json(),
        calendar_holidays=BusinessCalendar.holidays_json(),
        version=version(SLAPolicy),
    ).values(
        "id",
        "name",
        "version",
        "is_default",
        "calendar_id",
        "team_ids",
        "target_rows",
        "calendar_name",
        "calendar_timezone",
        "calendar_hours",
        "calendar_holidays",
    )


def escalation_policies():
    """Every active escalation policy with its teams and levels, in one query."""
    return (
        EscalationPolicy.objects.filter(is_active=True)
        .annotate(
            team_ids=json_rows(EscalationPolicy.teams.through, "escalationpolicy", "pk", "team"),
            level_rows=EscalationLevel.rows_json(),
            version=version(EscalationPolicy),
        )
        .values(
            "id",
            "name",
            "version",
            "priorities",
            "repeat",
            "repeat_interval_seconds",
            "team_ids",
            "level_rows",
        )
    )


def frozen_terms(team_id, priority):
    """The fields of a clock frozen now for a (team, priority) ticket (see TicketClock.freeze).

    Kept under the configuration's stamp (dbtools/configuration.py), so opening a ticket
    costs one query here until a supervisor changes a policy. Shared: never change it."""
    return configuration.cached(
        ("frozen-terms", team_id, priority), lambda: _terms(team_id, priority)
    )


def _terms(team_id, priority):
    terms = {**_sla_terms(team_id, priority), **_escalation_terms(team_id, priority)}
    # Written to every new clock, their levels to its firings: encoded once, not per ticket.
    levels = (terms["policy"] or {}).get("levels", [])
    rows.shared(*(v for v in (terms["calendar"], terms["policy"], *levels) if v is not None))
    return terms


def _ids(rows):
    return {pk for (pk,) in loads(rows)}


def _sla_terms(team_id, priority):
    return sla_terms_of(choose_sla_policy(sla_policy_rows(), team_id), priority)


def sla_policy_rows():
    """`sla_policies()` with each row's "team_ids" as a set, as `choose_sla_policy` reads it."""
    return [{**p, "team_ids": _ids(p["team_ids"])} for p in sla_policies()]


def choose_sla_policy(policies, team_id):
    """The policy naming the team (lowest id first), else the default one, else None.
    `policies`: rows of `sla_policies()` (or a draft's row, for a replay) whose "team_ids" is
    a set of ids."""
    named = [p for p in policies if team_id is not None and team_id in p["team_ids"]]
    defaults = [p for p in policies if p["is_default"]]
    return min(named or defaults, key=lambda p: p["id"], default=None)


def sla_terms_of(policy, priority):
    """The clock fields a row of `sla_policies()` (None: no policy) gives a priority."""
    if policy is None:
        return {
            "sla_policy_id": None,
            "sla_policy_name": "",
            "sla_policy_version": None,
            "calendar": None,
            "response_target_seconds": None,
            "resolution_target_seconds": None,
        }
    targets = {row[0]: row[1:] for row in loads(policy["target_rows"])}
    response, resolution = targets.get(priority, (None, None))
    return {
        "sla_policy_id": policy["id"],
        "sla_policy_name": policy["name"],
        "sla_policy_version": policy["version"],
        "calendar": _calendar(policy),
        "response_target_seconds": response,
        "resolution_target_seconds": resolution,
    }


def _calendar(policy):
    if policy["calendar_id"] is None:
        return None
    calendar = BusinessCalendar(
        pk=policy["calendar_id"],
        name=policy["calendar_name"],
        timezone=policy["calendar_timezone"],
    )
    return calendar.snapshot(loads(policy["calendar_hours"]), loads(policy["calendar_holidays"]))


def _escalation_terms(team_id, priority):
    candidates = [
        (p, _ids(p["team_ids"]), p["priorities"] or [], p["id"]) for p in escalation_policies()
    ]
    policy = most_specific(candidates, team_id, priority)
    if policy is None:
        return {"policy": None, "policy_key": ""}
    snapshot = {
        "id": policy["id"],
        "name": policy["name"],
        "version": policy["version"],
        "repeat": policy["repeat"],
        "repeat_interval_seconds": policy["repeat_interval_seconds"],
        "levels": EscalationLevel.snapshots_of(policy["level_rows"]),
    }
    return {"policy": snapshot, "policy_key": str(policy["id"])}


def draft_chosen(scope, team_id, priority, policies=None):
    """Would a draft escalation policy, saved as it is, be chosen for this (team, priority)?

    `scope`: the draft's (team ids, priorities, saved id or None, is active); `policies`: the
    active policies' rows (`escalation_policies()`) when the caller asks many times."""
    team_ids, priorities, saved_id, is_active = scope
    if not is_active:
        return False
    rows = escalation_policies() if policies is None else policies
    candidates = [("draft", set(team_ids), list(priorities), saved_id or float("inf"))]
    candidates += [
        (p["id"], _ids(p["team_ids"]), p["priorities"] or [], p["id"])
        for p in rows
        if p["id"] != saved_id
    ]
    return most_specific(candidates, team_id, priority) == "draft"
