"""On-call rotations and overrides per team (SPEC "On-call, availability, major incidents")."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents.models import Team

from ..rotations import Cycle
from .calendars import validate_timezone


class Layer(models.IntegerChoices):
    PRIMARY = 1, "Primary"
    SECONDARY = 2, "Secondary"


def layer_constraint(name):
    return models.CheckConstraint(
        condition=Q(layer__in=Layer.values),
        name=name,
        violation_error_message="Layer 1 is the primary, 2 the secondary.",
    )


class Rotation(models.Model):
    """Ordered members taking turns at a layer of a team's on-call, handing off on the wall
    clock of `timezone` (escalation/rotations.py)."""

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    # What a supervisor configures, in the admin and over the API alike.
    CONFIG_FIELDS = (
        "team",
        "name",
        "layer",
        "timezone",
        "cadence",
        "handoff_time",
        "handoff_weekday",
        "start_date",
    )

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rotations")
    name = models.CharField(max_length=100)
    layer = models.PositiveSmallIntegerField(choices=Layer.choices, default=Layer.PRIMARY)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    handoff_time = models.TimeField(help_text="Wall-clock time of the handoff, in the zone.")
    handoff_weekday = models.PositiveSmallIntegerField(
        default=0,
        choices=[(i, d) for i, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))],
        help_text="Weekly rotations hand off on this day.",
    )
    start_date = models.DateField(help_text="The first shift starts this day at the handoff time.")

    class Meta:
        ordering = ["team", "layer"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "layer"],
                name="rotation_one_per_team_layer",
                violation_error_message="This team already has a rotation for this layer.",
            ),
            layer_constraint("rotation_layer_1_or_2"),
            models.CheckConstraint(
                condition=Q(handoff_weekday__lte=6),
                name="rotation_weekday_0_to_6",
                violation_error_message="A weekday is 0 (Monday) to 6 (Sunday).",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.team}, {self.get_layer_display().lower()})"

    def cycle(self, members=None):
        """The rotation's shape; `members`: the user ids in order, when read already."""
        if members is None:
            members = self.memberships.order_by("position").values_list("user_id", flat=True)
        return Cycle(
            self.timezone,
            self.cadence,
            self.handoff_time,
            self.handoff_weekday,
            self.start_date,
            tuple(members),
        )


class RotationMember(models.Model):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rotation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "user"],
                name="rotation_member_once",
                violation_error_message="A person is in a rotation once.",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.user}"


class OnCallOverrideQuerySet(models.QuerySet):
    def meeting(self, start, end):
        """Overrides that cover part of [start, end)."""
        return self.filter(start__lt=end, end__gt=start)


class OnCallOverride(models.Model):
    """Someone covers a team's layer for a range; the latest made wins where two overlap."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="on_call_overrides")
    layer = models.PositiveSmallIntegerField(choices=Layer.choices, default=Layer.PRIMARY)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_overrides"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    covering_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked to be covered (a swap accepted on the desk).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OnCallOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["team", "end"], name="override_team_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="override_ends_after_start",
                violation_error_message="An override ends after it starts.",
            ),
            layer_constraint("override_layer_1_or_2"),
        ]

    def __str__(self):
        return f"{self.user} covers {self.team} ({self.get_layer_display().lower()})"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "An override ends after it starts."})


class OnCallFeed(models.Model):
    """A person's secret iCalendar link to their on-call shifts; a new token retires the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return f"On-call feed of {self.user}"

    @classmethod
    def for_user(cls, user, renew=False):
        """The user's feed, made on first use; `renew` replaces its token."""
        feed, made = cls.objects.get_or_create(user=user, defaults={"token": new_token()})
        if renew and not made:
            feed.token = new_token()
            feed.save(update_fields=["token"])
        return feed


def new_token():
    return secrets.token_urlsafe(32)


class CoverRequest(models.Model):
    """A member asks another to take their on-call time for a range; accepting makes an
    override in the other's name that records both."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cover_requests")
    layer = models.PositiveSmallIntegerField(choices=Layer.choices, default=Layer.PRIMARY)
    start = models.DateTimeField()
    end = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cover_requests_made"
    )
    asked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cover_requests"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    override = models.OneToOneField(
        OnCallOverride, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="cover_request_ends_after_start",
                violation_error_message="The range ends after it starts.",
            ),
            layer_constraint("cover_request_layer_1_or_2"),
        ]

    def __str__(self):
        return f"{self.requested_by} asks {self.asked} to cover"

    @property
    def open(self):
        return self.override_id is None and self.declined_at is None

    def accept(self, user):
        """The asked person takes the range: an override in their name, covering the one who
        asked. Once: a second accept (or one by anyone else) changes nothing."""
        if user.pk != self.asked_id or not self.open:
            return None
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if not locked.open:
                return None
            override = OnCallOverride.objects.create(
                team_id=self.team_id,
                layer=self.layer,
                user_id=self.asked_id,
                start=self.start,
                end=self.end,
                covering_for_id=self.requested_by_id,
                created_by=user,
                note=self.note,
            )
            type(self).objects.filter(pk=self.pk).update(override=override)
            self.override = override
        return override

    def decline(self, user):
        if user.pk != self.asked_id or not self.open:
            return False
        return bool(
            type(self)
            .objects.filter(pk=self.pk, override__isnull=True, declined_at__isnull=True)
            .update(declined_at=timezone.now())
        )
