"""Guard rails for an escalation policy before it is saved, the same on every path.

`check_policy` takes a draft (what the admin form, the API or an import would save) and
returns its faults, each with the path of the field to blame, and its warnings. The admin, the
API and `import_policies` call it and word the paths their own way; none has a rule of its own.

Due times are compared in business seconds after creation: an anchor is its SLA target, a
level its anchor plus its offset, and business time maps to wall time in order, so the order
holds in every calendar.
"""

from dataclasses import dataclass, field

from incidents.models import Team
from incidents.models.tickets import Priority

from .durations import human_duration
from .models.policies import EscalationLevel
from .models.terms import draft_chosen, escalation_policies, frozen_terms

ANCHOR_TARGET = {
    EscalationLevel.Anchor.RESPONSE_DUE: "response_target_seconds",
    EscalationLevel.Anchor.RESOLUTION_DUE: "resolution_target_seconds",
}


@dataclass
class Findings:
    """Faults as (path, message) — a path like ("levels", 2, "offset_seconds") — and warnings."""

    faults: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def fault(self, path, message):
        if not any(found == path for found, _ in self.faults):  # one fault per field
            self.faults.append((path, message))


@dataclass
class Draft:
    """A policy as it would be saved. `levels` are dicts in input order, each with `order`,
    `anchor`, `offset_seconds` and `reassign_to` (a team id or None)."""

    name: str
    teams: list
    priorities: list
    levels: list
    is_active: bool = True
    pk: int | None = None


def draft_of(policy, team_ids, levels):
    """`policy` (an EscalationPolicy, its fields as they would be saved) with these teams and
    levels (dicts of the levels' fields; `reassign_to` a Team, its id or None)."""
    return Draft(
        name=policy.name,
        teams=list(team_ids),
        priorities=list(policy.priorities or []),
        is_active=policy.is_active,
        pk=policy.pk,
        levels=[
            {
                "order": level["order"],
                "anchor": level.get("anchor") or EscalationLevel.Anchor.RESPONSE_DUE,
                "offset_seconds": level.get("offset_seconds") or 0,
                "reassign_to": getattr(level.get("reassign_to"), "pk", level.get("reassign_to")),
            }
            for level in levels
        ],
    )


def check_policy(draft):
    """The faults that refuse `draft` and the warnings that let it through."""
    findings = Findings()
    team_names = dict(Team.objects.values_list("pk", "name"))
    _reassignments(draft, team_names, findings)
    for scenario, targets in _scenarios(draft, team_names):
        _due_order(draft, scenario, targets, findings)
    unused = _unused(draft, team_names)
    if unused:
        findings.warnings.append(unused)
    return findings


def _by_order(draft):
    return sorted(enumerate(draft.levels), key=lambda pair: pair[1]["order"])


def _reassignments(draft, team_names, findings):
    """A level must not hand the ticket to the team that holds it already."""
    holder = {team: "the policy is for that team" for team in draft.teams}
    for index, level in _by_order(draft):
        team = level.get("reassign_to")
        if team is None or level["offset_seconds"] < 0:
            continue  # a warning only tells people: it hands the ticket to no one
        if team in holder:
            findings.fault(
                ("levels", index, "reassign_to"),
                f"Level {level['order']} reassigns to {team_names.get(team, team)}, which "
                f"already holds the ticket ({holder[team]}).",
            )
        holder = {team: f"level {level['order']} gave it to them"}


def _scenarios(draft, team_names):
    """[(words, {anchor target: seconds})]: each SLA the policy's tickets could run under."""
    teams = draft.teams or list(team_names)
    priorities = draft.priorities or Priority.values
    seen = {}
    for team in teams:
        for priority in priorities:
            terms = frozen_terms(team, priority)
            targets = (terms["response_target_seconds"], terms["resolution_target_seconds"])
            if targets not in seen:
                sla = terms["sla_policy_name"] or "no SLA policy"
                seen[targets] = f"{priority} tickets of {team_names.get(team, team)} ({sla})"
    return [
        (words, dict(zip(ANCHOR_TARGET.values(), targets, strict=True)))
        for targets, words in seen.items()
    ]


def _due(level, targets):
    """Business seconds after creation the level is due, or None when its anchor has no target."""
    if level["anchor"] == EscalationLevel.Anchor.CREATED:
        return level["offset_seconds"]
    target = targets[ANCHOR_TARGET[level["anchor"]]]
    return None if target is None else target + level["offset_seconds"]


def _due_order(draft, scenario, targets, findings):
    """No level before the ticket exists; each level due no earlier than the one before it."""
    previous = None
    for index, level in _by_order(draft):
        due = _due(level, targets)
        if due is None:
            continue
        path = ("levels", index, "offset_seconds")
        if due < 0:
            findings.fault(
                path,
                f"Level {level['order']} would fire {human_duration(-due)} before the ticket "
                f"is created, for {scenario}.",
            )
        elif previous is not None and due < previous[1]:
            findings.fault(
                path,
                f"Level {level['order']} would fire at {human_duration(due)} after creation, "
                f"before level {previous[0]} at {human_duration(previous[1])}, for {scenario}. "
                "Order levels by when they fire.",
            )
        previous = (level["order"], due)


def _unused(draft, team_names):
    """A sentence when no (team, priority) would get this policy, else None."""
    scope = (draft.teams, draft.priorities, draft.pk, draft.is_active)
    if not draft.is_active:
        return None
    policies = list(escalation_policies())
    for team in draft.teams or list(team_names):
        for priority in draft.priorities or Priority.values:
            if draft_chosen(scope, team, priority, policies):
                return None
    return f"No team uses “{draft.name}”: a more specific policy applies to every ticket it names."
