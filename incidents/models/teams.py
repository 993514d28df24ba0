from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .. import configuration, roles


class Team(models.Model):
    """A support team at one tier; `escalates_to` is the team at its next tier."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    tier = models.PositiveSmallIntegerField(default=1)
    escalates_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_from"
    )
    email = models.EmailField(blank=True)
    is_intake = models.BooleanField(
        "intake team",
        default=False,
        help_text="Takes every ticket that names no team (portal, API, email, desk). "
        "At most one team.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )

    class Meta:
        ordering = ["tier", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(tier__gte=1), name="team_tier_positive"),
            models.CheckConstraint(
                condition=~Q(escalates_to=models.F("id")), name="team_not_escalating_to_itself"
            ),
            models.UniqueConstraint(
                fields=["is_intake"],
                condition=Q(is_intake=True),
                name="team_one_intake",
                violation_error_message="Another team is already the intake team.",
            ),
        ]

    def __str__(self):
        return f"{self.name} (tier {self.tier})"

    @classmethod
    def intake(cls):
        """The team a ticket that names none lands in: the marked one, else the lowest tier.
        (A new instance each time, from values kept under the configuration's stamp.)"""
        values = configuration.cached("intake-team", cls._intake_values)
        if values is None:
            return None
        team = cls(**values)
        team._state.adding, team._state.db = False, "default"
        return team

    @classmethod
    def _intake_values(cls):
        fields = [f.attname for f in cls._meta.concrete_fields]
        return cls.objects.order_by("-is_intake", "tier", "name").values(*fields).first()

    def leads(self):
        return [m.user for m in self.memberships.all() if m.role == Membership.Role.LEAD]


class Membership(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", "Agent"
        LEAD = "lead", "Lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)

    class Meta:
        ordering = ["team", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team"],
                name="membership_unique_user_team",
                violation_error_message="This person is already a member of the team.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["agent", "lead"]),
                name="membership_role_valid",
                violation_error_message="A member is an agent or a lead.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.team.name} ({self.role})"

    def clean(self):
        """Only agents and supervisors work a team's queue; a customer is never a member."""
        if self.user_id and not roles.is_agent(self.user):
            raise ValidationError({"user": "Only agents and supervisors can be team members."})
