from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dbtools import configuration

from .. import roles

# There is always an intake team (SPEC "Tickets"): a migration makes one, and the flag only moves.
INTAKE_STAYS = "There is always an intake team: make another team the intake team instead."


class TeamQuerySet(models.QuerySet):
    def validate_delete(self):
        """Refuse deleting these teams if they hold the intake team: there is always one."""
        intake = self.filter(is_intake=True).first()
        if intake is not None:
            raise ValidationError(
                f"{intake.name} is the intake team and cannot be deleted. "
                "Make another team the intake team first.",
                code="intake_team",
            )


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
        "Exactly one team: ticking it here takes it from the team that had it.",
    )
    hold_for_next_shift = models.BooleanField(
        default=False,
        help_text="When a level's on-call targets reach no one, wait for the next shift to "
        "start and page it then, instead of telling the leads and firing the next level at once.",
    )

    class AutoAssign(models.TextChoices):
        OFF = "", "Off"
        ROUND_ROBIN = "round_robin", "Round robin"
        LEAST_LOADED = "least_loaded", "Least loaded (open tickets weighted by priority)"

    auto_assign = models.CharField(
        max_length=20,
        choices=AutoAssign.choices,
        default="",
        blank=True,
        help_text="Give each new ticket to a member on shift and not away (incidents.assignment).",
    )
    # Round robin's place: the id of the member last given a ticket.
    auto_assign_cursor = models.PositiveIntegerField(null=True, blank=True, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )

    objects = TeamQuerySet.as_manager()

    history = HistoricalRecords()

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

    def clean(self):
        self.validate_intake(self.is_intake)
        self.validate_escalation(self.escalates_to, self.tier)

    def validate_escalation(self, target, tier):
        """Escalation climbs and ends: no loop back to this team, the next tier higher, the
        teams escalating here lower (SPEC "Teams"). The admin, the API and the import ask this."""
        if target is None:
            return self._validate_tier_below(tier)
        if self.pk is not None and target.pk == self.pk:
            raise ValidationError({"escalates_to": "A team cannot escalate to itself."})
        loop = self._loop_through(target)
        if loop:
            names = " → ".join([self.name, *loop, self.name])
            raise ValidationError(
                {"escalates_to": f"{names} is a loop: escalation must end at some team."}
            )
        if target.tier <= tier:
            raise ValidationError({"escalates_to": "Escalate to a team of a higher tier."})
        self._validate_tier_below(tier)

    def _loop_through(self, target):
        """The names from `target` along the stored chain back to this team, or [] if none."""
        if self.pk is None:
            return []
        nexts = dict(Team.objects.values_list("pk", "escalates_to"))
        names = dict(Team.objects.values_list("pk", "name"))
        path, at = [], target.pk
        while at is not None and at not in path:
            if at == self.pk:
                return [names[pk] for pk in path]
            path.append(at)
            at = nexts.get(at)
        return []

    def _validate_tier_below(self, tier):
        if self.pk is not None and self.escalated_from.filter(tier__gte=tier).exists():
            raise ValidationError(
                {"tier": "Teams that escalate to this one must stay at a lower tier."}
            )

    def validate_intake(self, is_intake):
        """Refuse taking the flag off the intake team: it moves to another team, never goes.

        Judged by the stored row: a form has already set the new value on `self`."""
        if is_intake or self.pk is None:
            return
        if Team.objects.filter(pk=self.pk, is_intake=True).exists():
            raise ValidationError({"is_intake": ValidationError(INTAKE_STAYS, code="intake_team")})

    def validate_constraints(self, exclude=None):
        """A team flagged intake takes the flag over when saved (`save_moving_intake`), so the
        one-intake constraint holds by the move: no clash to report."""
        if self.is_intake:
            exclude = {*(exclude or ()), "is_intake"}
        super().validate_constraints(exclude=exclude)

    def save_moving_intake(self):
        """Save the team; flagged intake, it takes the flag from the team that had it, in the
        same transaction, so there is exactly one intake team after as before."""
        with transaction.atomic():
            if self.is_intake:
                # The other team first: the constraint allows one flag at every statement.
                Team.objects.filter(is_intake=True).exclude(pk=self.pk).update(is_intake=False)
            self.save()

    def validate_delete(self):
        """Refuse deleting the intake team (`TeamQuerySet.validate_delete`)."""
        Team.objects.filter(pk=self.pk).validate_delete()

    @classmethod
    def intake(cls):
        """The team a ticket that names none lands in: the marked one (a migration makes one),
        else the lowest tier (a database emptied behind the migrations' back).
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


TEAM_IDS = "_tierdesk_team_ids"


def remember_team_ids(user, team_ids):
    """Keep the ids of the teams `user` is a member of, read along with it (an API token's
    statement): Membership.objects.team_ids then asks no query."""
    setattr(user, TEAM_IDS, frozenset(team_ids))
    return getattr(user, TEAM_IDS)


class MembershipQuerySet(models.QuerySet):
    def team_ids(self, user):
        """The ids of the teams `user` is a member of, read once per user object: a bulk edit
        asks for every ticket it changes, a list for who may see what."""
        cached = getattr(user, TEAM_IDS, None)
        if cached is None:
            cached = remember_team_ids(
                user, self.filter(user=user).values_list("team_id", flat=True)
            )
        return cached


class Membership(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", "Agent"
        LEAD = "lead", "Lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)

    objects = MembershipQuerySet.as_manager()

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
