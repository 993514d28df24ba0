from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from dbtools.aggregates import AsJSON, json_rows, loads
from incidents.models import Team
from incidents.models.tickets import Priority
from notifications.models import Contact

from ..durations import human_duration

NOTIFY_TARGETS = (
    "assignee",
    "team",
    "team_leads",
    "supervisors",
    "on_call",
    "on_call_secondary",
)
MAX_OFFSET_SECONDS = 90 * 86400


def validate_priorities(value):
    unknown = [p for p in value or [] if p not in Priority.values]
    if unknown or not isinstance(value, list):
        raise ValidationError(f"Unknown priorities: {unknown}. Use P1, P2, P3, P4.")


def validate_notify(value):
    unknown = [t for t in value or [] if t not in NOTIFY_TARGETS]
    if unknown or not isinstance(value, list):
        choices = ", ".join(NOTIFY_TARGETS)
        raise ValidationError(f"Unknown notify targets: {unknown}. Use {choices}.")


def most_specific(policies, team_id, priority):
    """Of (policy, team ids, priorities, id), the policy that applies to a ticket of this team
    and priority: naming the team beats all teams, naming priorities beats all priorities, the
    lowest id wins ties; None when none applies."""
    applying = [
        p for p in policies if (not p[1] or team_id in p[1]) and (not p[2] or priority in p[2])
    ]
    if not applying:
        return None
    return min(applying, key=lambda p: (not p[1], not p[2], p[3]))[0]


class EscalationPolicy(models.Model):
    """Ordered levels that fire relative to a ticket's clocks (SPEC "Escalation policies")."""

    name = models.CharField(max_length=100, unique=True)
    teams = models.ManyToManyField(
        Team, blank=True, related_name="escalation_policies", help_text="Empty means every team."
    )
    priorities = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_priorities],
        help_text='Empty means every priority, e.g. ["P1", "P2"].',
    )
    repeat = models.PositiveSmallIntegerField(default=0, help_text="0–9 repeats of the last level.")
    repeat_interval_seconds = models.PositiveIntegerField(
        default=600, validators=[MaxValueValidator(MAX_OFFSET_SECONDS)]
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(m2m_fields=[teams])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "escalation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat__gte=0, repeat__lte=9),
                name="escalation_policy_repeat_0_to_9",
                violation_error_message="Repeat the last level 0 to 9 times.",
            ),
            models.CheckConstraint(
                condition=Q(repeat=0) | Q(repeat_interval_seconds__gt=0),
                name="escalation_policy_repeat_interval_positive",
                violation_error_message="A repeated level needs an interval of at least 1 second.",
            ),
            models.CheckConstraint(
                condition=Q(repeat_interval_seconds__lte=MAX_OFFSET_SECONDS),
                name="escalation_policy_repeat_interval_bounded",
                violation_error_message="Repeat at most every 90 days.",
            ),
        ]

    def __str__(self):
        return self.name

    def applies_to(self, team_id, priority):
        team_ids = {t.pk for t in self.teams.all()}
        return (not team_ids or team_id in team_ids) and (
            not self.priorities or priority in self.priorities
        )

    def snapshot(self):
        """A frozen, JSON-able copy of the policy and its levels, kept on each ticket."""
        return {
            "id": self.pk,
            "name": self.name,
            "repeat": self.repeat,
            "repeat_interval_seconds": self.repeat_interval_seconds,
            "levels": [
                level.snapshot(users, contacts)
                for level, users, contacts in self._levels_with_people()
            ],
        }

    def _levels_with_people(self):
        """(level, ids of its users, ids of its contacts) in two queries, however many levels."""
        levels, users = {}, {}
        for level in self.levels.annotate(user_id=F("notify_users")).order_by("order", "pk"):
            levels.setdefault(level.pk, level)
            users.setdefault(level.pk, set())
            if level.user_id is not None:
                users[level.pk].add(level.user_id)
        contacts = defaultdict(set)
        through = EscalationLevel.notify_contacts.through.objects.filter(
            escalationlevel__in=list(levels)
        )
        for level_id, contact_id in through.values_list("escalationlevel_id", "contact_id"):
            contacts[level_id].add(contact_id)
        return [(level, users[pk], contacts[pk]) for pk, level in levels.items()]


class EscalationLevel(models.Model):
    # What a supervisor configures on a level, in the admin and over the API alike.
    CONFIG_FIELDS = (
        "order",
        "anchor",
        "offset_seconds",
        "notify",
        "notify_users",
        "notify_contacts",
        "reassign_to",
        "set_priority",
        "webhook_url",
        "webhook_secret",
    )

    class Anchor(models.TextChoices):
        CREATED = "created", "Ticket created"
        RESPONSE_DUE = "response_due", "First response due"
        RESOLUTION_DUE = "resolution_due", "Resolution due"

    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=20, choices=Anchor.choices, default=Anchor.RESPONSE_DUE)
    offset_seconds = models.IntegerField(
        default=0,
        validators=[MinValueValidator(-MAX_OFFSET_SECONDS), MaxValueValidator(MAX_OFFSET_SECONDS)],
        help_text="Business seconds after the anchor; negative = before (a warning).",
    )
    notify = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_notify],
        help_text=f"Any of {', '.join(NOTIFY_TARGETS)}.",
    )
    notify_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    notify_contacts = models.ManyToManyField(
        Contact,
        blank=True,
        related_name="+",
        help_text="Outside contacts told what a customer would be.",
    )
    reassign_to = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_priority = models.CharField(max_length=2, choices=Priority.choices, null=True, blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["webhook_secret"])

    class Meta:
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "order"],
                name="escalation_level_order",
                violation_error_message="Two levels of a policy cannot have the same order.",
            ),
            models.CheckConstraint(
                condition=Q(offset_seconds__gte=-MAX_OFFSET_SECONDS)
                & Q(offset_seconds__lte=MAX_OFFSET_SECONDS),
                name="escalation_level_offset_bounded",
                violation_error_message="An offset is at most 90 days before or after its anchor.",
            ),
            models.CheckConstraint(
                condition=Q(anchor__in=["created", "response_due", "resolution_due"]),
                name="escalation_level_anchor_valid",
                violation_error_message=(
                    "Anchor a level on creation, response due or resolution due."
                ),
            ),
        ]

    def __str__(self):
        offset = human_duration(self.offset_seconds)
        sign = "" if self.offset_seconds < 0 else "+"
        return f"Level {self.order}: {self.get_anchor_display().lower()} {sign}{offset}"

    def clean(self):
        if self.anchor == self.Anchor.CREATED and self.offset_seconds < 0:
            raise ValidationError(
                {"offset_seconds": "A level cannot fire before the ticket exists."}
            )

    # The columns of `rows_json`, in order (what a supervisor configures); `snapshots_of` reads
    # them back.
    ROW_FIELDS = CONFIG_FIELDS

    @classmethod
    def rows_json(cls):
        """A subquery column: the outer policy's levels, each with its users' ids."""
        related = {
            "notify_users": json_rows(cls.notify_users.through, "escalationlevel", "pk", "user"),
            "notify_contacts": json_rows(
                cls.notify_contacts.through, "escalationlevel", "pk", "contact"
            ),
        }
        columns = [AsJSON(related[f]) if f in related else f for f in cls.ROW_FIELDS]
        columns[cls.ROW_FIELDS.index("notify")] = AsJSON("notify")
        return json_rows(cls, "policy", "pk", "pk", *columns)

    @classmethod
    def snapshots_of(cls, rows):
        """The levels' snapshots, in order, from a `rows_json` column."""
        snapshots = []
        for _pk, *values in sorted(loads(rows), key=lambda row: (row[1], row[0])):
            snapshot = dict(zip(cls.ROW_FIELDS, values, strict=True))
            snapshot["notify"] = snapshot["notify"] or []
            for name in ("notify_users", "notify_contacts"):
                snapshot[name] = sorted(pk for (pk,) in snapshot[name] or [])
            snapshots.append(snapshot)
        return snapshots

    def snapshot(self, user_ids=None, contact_ids=None):
        """`user_ids`, `contact_ids`: the ids of `notify_users` and `notify_contacts` when the
        caller read them already."""
        if user_ids is None:
            user_ids = [u.pk for u in self.notify_users.all()]
        if contact_ids is None:
            contact_ids = [c.pk for c in self.notify_contacts.all()]
        return {
            "order": self.order,
            "anchor": self.anchor,
            "offset_seconds": self.offset_seconds,
            "notify": list(self.notify or []),
            "notify_users": sorted(user_ids),
            "notify_contacts": sorted(contact_ids),
            "reassign_to": self.reassign_to_id,
            "set_priority": self.set_priority,
            "webhook_url": self.webhook_url,
            "webhook_secret": self.webhook_secret,
        }
