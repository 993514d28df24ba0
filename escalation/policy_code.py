"""Policies as code: the configuration as one YAML document keyed by natural keys.

`export_document()` writes calendars (with hours and holidays), teams' tiers and escalation,
SLA and escalation policies and the priority matrix, naming things by slug, name or username,
never by id. `apply_document()` reads such a document back through the API's own serializers
(so the same checks and guard rails as every other path), in one transaction: every error is
reported with its path (`escalation_policies[2].levels[0].offset`) and nothing is changed; a
dry run, or a document that changes nothing, is rolled back. Rows the document does not name
are left alone: an import adds and updates, it never deletes.
"""

import difflib
from dataclasses import dataclass, field

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from dbtools.history import changed_by
from incidents.api.serializers import TeamSerializer
from incidents.models import PriorityMatrixEntry, Team
from incidents.models.priority import Level

from .api import serializers as api
from .durations import human_duration
from .models import BusinessCalendar, EscalationLevel, EscalationPolicy, SLAPolicy

SECTIONS = ("calendars", "teams", "sla_policies", "escalation_policies", "matrix")
LEVELS = [level for level, _ in Level.choices]


def export_document():
    """The configuration as a plain dict, in a stable order (natural keys only)."""
    return {
        "calendars": [
            _calendar(c)
            for c in BusinessCalendar.objects.prefetch_related("hours", "holidays").order_by("name")
        ],
        "teams": [
            _team(t) for t in Team.objects.select_related("escalates_to").order_by("tier", "slug")
        ],
        "sla_policies": [
            _sla(p)
            for p in SLAPolicy.objects.select_related("calendar")
            .prefetch_related("teams", "targets")
            .order_by("name")
        ],
        "escalation_policies": [
            _escalation(p)
            for p in EscalationPolicy.objects.prefetch_related(
                "teams", "levels__notify_users", "levels__reassign_to"
            ).order_by("name")
        ],
        "matrix": {
            impact: {urgency: priority for (i, urgency), priority in _matrix_rows() if i == impact}
            for impact in LEVELS
        },
    }


def dump(document):
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _calendar(calendar):
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "hours": [
            {
                "weekday": h.weekday,
                "start": h.start.strftime("%H:%M"),
                "end": h.end.strftime("%H:%M"),
            }
            for h in sorted(calendar.hours.all(), key=lambda h: (h.weekday, h.start))
        ],
        "holidays": [
            {"date": h.date.isoformat(), "name": h.name}
            for h in sorted(calendar.holidays.all(), key=lambda h: h.date)
        ],
    }


def _team(team):
    return {
        "slug": team.slug,
        "name": team.name,
        "tier": team.tier,
        "escalates_to": team.escalates_to.slug if team.escalates_to else None,
        "email": team.email,
        "is_intake": team.is_intake,
    }


def _slugs(teams):
    return sorted(t.slug for t in teams)


def _sla(policy):
    return {
        "name": policy.name,
        "calendar": policy.calendar.name if policy.calendar else None,
        "teams": _slugs(policy.teams.all()),
        "is_default": policy.is_default,
        "targets": [
            {
                "priority": t.priority,
                "first_response": human_duration(t.first_response_seconds),
                "resolution": human_duration(t.resolution_seconds),
            }
            for t in sorted(policy.targets.all(), key=lambda t: t.priority)
        ],
    }


def _escalation(policy):
    return {
        "name": policy.name,
        "is_active": policy.is_active,
        "teams": _slugs(policy.teams.all()),
        "priorities": list(policy.priorities),
        "repeat": policy.repeat,
        "repeat_interval": human_duration(policy.repeat_interval_seconds),
        "levels": [_level(level) for level in sorted(policy.levels.all(), key=lambda lv: lv.order)],
    }


def _level(level):
    # The webhook secret stays out of the document: it is a secret, kept on import.
    return {
        "order": level.order,
        "anchor": level.anchor,
        "offset": human_duration(level.offset_seconds),
        "notify": list(level.notify),
        "notify_users": sorted(u.get_username() for u in level.notify_users.all()),
        "reassign_to": level.reassign_to.slug if level.reassign_to else None,
        "set_priority": level.set_priority,
        "webhook_url": level.webhook_url or None,
    }


def _matrix_rows():
    return sorted(PriorityMatrixEntry.matrix().items(), key=lambda item: LEVELS.index(item[0][0]))


@dataclass
class Outcome:
    """What an import did or would do: the diff (unified, of the exported documents), the
    errors by path, and whether it was applied."""

    diff: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    applied: bool = False


class _Rollback(Exception):
    pass


def apply_document(document, *, dry_run=False, user=None):
    """Import `document` (a dict as `export_document` gives); all or nothing."""
    outcome = Outcome()
    before = dump(export_document())
    try:
        with transaction.atomic(), changed_by("import", user):
            errors = _Importer(document, user).run()
            after = dump(export_document()) if not errors else before
            outcome.errors = errors
            outcome.diff = list(
                difflib.unified_diff(
                    before.splitlines(), after.splitlines(), "current", "document", lineterm=""
                )
            )
            if errors or dry_run or not outcome.diff:
                raise _Rollback
            outcome.applied = True
    except _Rollback:
        pass
    return outcome


class _Importer:
    def __init__(self, document, user):
        self.document, self.user, self.errors, self.seen = document, user, {}, {}
        self.context = {"history_source": "import", "history_user": user}

    def run(self):
        if not isinstance(self.document, dict):
            return {"": ["The document must be a mapping of sections."]}
        unknown = sorted(set(self.document) - set(SECTIONS))
        if unknown:
            self.errors[""] = [
                f"Unknown sections: {', '.join(unknown)}. Use {', '.join(SECTIONS)}."
            ]
        for section in SECTIONS[:-1]:
            items = self.document.get(section) or []
            if not isinstance(items, list):
                self.errors[section] = ["Give a list."]
                continue
            getattr(self, f"_{section}")(items)
        self._matrix(self.document.get("matrix") or {})
        return self.errors

    def _save(self, path, serializer):
        if serializer.is_valid():
            return serializer.save()
        for key, messages in api_error_paths(serializer.errors, path).items():
            self.errors.setdefault(key, []).extend(messages)
        return None

    def _item(self, path, item, key="name"):
        """The item as a dict, or None (an error at its path) when it is no mapping or names
        what an earlier item of its section names: the second would silently overwrite the
        first, so neither is taken as meant."""
        if not isinstance(item, dict):
            self.errors[path] = ["Give a mapping."]
            return None
        section = path.split("[", 1)[0]
        seen = self.seen.setdefault(section, {})
        value = item.get(key)
        if isinstance(value, str | int) and value in seen:
            self.errors.setdefault(f"{path}.{key}", []).append(
                f"“{value}” is named twice: also at {seen[value]}. Name each once."
            )
            return None
        if isinstance(value, str | int):
            seen[value] = path
        return dict(item)

    def _ids(self, path, model, key, values):
        """Natural keys to ids; an unknown one is an error at its path."""
        values = values or []
        found = dict(model.objects.filter(**{f"{key}__in": values}).values_list(key, "pk"))
        for index, value in enumerate(values):
            if value not in found:
                self.errors.setdefault(f"{path}[{index}]", []).append(
                    f"No {model._meta.verbose_name} “{value}”."
                )
        return [found[v] for v in values if v in found]

    def _id(self, path, model, key, value):
        if value is None:
            return None
        ids = self._ids(path, model, key, [value])
        if not ids:
            self.errors[path] = self.errors.pop(f"{path}[0]")
        return ids[0] if ids else None

    def _calendars(self, items):
        for index, item in enumerate(items):
            path = f"calendars[{index}]"
            data = self._item(path, item)
            if data is not None:
                existing = BusinessCalendar.objects.filter(name=data.get("name")).first()
                self._save(path, api.CalendarSerializer(existing, data=data, context=self.context))

    def _teams(self, items):
        """Twice: every team first, then who escalates to whom (a team may name a later one)."""
        rows = []
        for index, item in enumerate(items):
            path = f"teams[{index}]"
            data = self._item(path, item, key="slug")
            if data is None:
                continue
            later = {k: data.pop(k) for k in ("escalates_to", "is_intake") if k in data}
            existing = Team.objects.filter(slug=data.get("slug")).first()
            team = self._save(
                path, TeamSerializer(existing, data=data, partial=existing is not None)
            )
            rows.append((path, team, later))
        for path, team, later in rows:
            if team is None or not later:
                continue
            if "escalates_to" in later:
                later["escalates_to"] = self._id(
                    f"{path}.escalates_to", Team, "slug", later["escalates_to"]
                )
            self._save(path, TeamSerializer(team, data=later, partial=True))

    def _policies(self, section, items):
        """(path, a copy of the item with its team slugs read as ids) for each policy."""
        for index, item in enumerate(items):
            path = f"{section}[{index}]"
            data = self._item(path, item)
            if data is not None:
                data["teams"] = self._ids(f"{path}.teams", Team, "slug", data.get("teams"))
                yield path, data

    def _sla_policies(self, items):
        for path, data in self._policies("sla_policies", items):
            data["calendar"] = self._id(
                f"{path}.calendar", BusinessCalendar, "name", data.get("calendar")
            )
            existing = SLAPolicy.objects.filter(name=data.get("name")).first()
            self._save(path, api.SLAPolicySerializer(existing, data=data, context=self.context))

    def _escalation_policies(self, items):
        users = get_user_model()
        for path, data in self._policies("escalation_policies", items):
            existing = EscalationPolicy.objects.filter(name=data.get("name")).first()
            secrets = _secrets(existing)
            levels = data.get("levels") or []
            for number, level in enumerate(levels if isinstance(levels, list) else []):
                if not isinstance(level, dict):
                    continue
                here = f"{path}.levels[{number}]"
                level["notify_users"] = self._ids(
                    f"{here}.notify_users", users, users.USERNAME_FIELD, level.get("notify_users")
                )
                level["reassign_to"] = self._id(
                    f"{here}.reassign_to", Team, "slug", level.get("reassign_to")
                )
                level.setdefault("webhook_secret", secrets.get(level.get("order"), ""))
            self._save(
                path, api.EscalationPolicySerializer(existing, data=data, context=self.context)
            )

    def _matrix(self, matrix):
        if not isinstance(matrix, dict):
            self.errors["matrix"] = ["Give impact → urgency → priority."]
            return
        cells = {}
        for impact, row in matrix.items():
            if impact not in LEVELS or not isinstance(row, dict):
                self.errors[f"matrix.{impact}"] = [f"Impact is one of {', '.join(LEVELS)}."]
                continue
            for urgency, priority in row.items():
                if urgency not in LEVELS or priority not in ("P1", "P2", "P3", "P4"):
                    self.errors[f"matrix.{impact}.{urgency}"] = [
                        f"Urgency is one of {', '.join(LEVELS)}; priority P1 to P4."
                    ]
                    continue
                cells[(impact, urgency)] = priority
        if not self.errors:
            PriorityMatrixEntry.set_matrix(cells)


def _secrets(policy):
    if policy is None:
        return {}
    return dict(
        EscalationLevel.objects.filter(policy=policy).values_list("order", "webhook_secret")
    )


def api_error_paths(errors, prefix):
    """DRF's nested errors as {"escalation_policies[2].levels[0].offset": [messages]}."""
    found = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "non_field_errors":
                    walk(item, path)
                else:
                    walk(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}")
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, item in enumerate(value):
                if item:
                    walk(item, f"{path}[{index}]")
        elif value:
            found.setdefault(path, []).extend(
                str(v) for v in (value if isinstance(value, list) else [value])
            )

    walk(errors, prefix)
    return found
