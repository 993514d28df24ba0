"""What a person chooses for themselves: the time zone their pages and mails show times in."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

# Every zone the system's tz database knows, by name (Europe/Berlin, America/New_York, …).
ZONES = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")


def validate_zone(value):
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            "Choose a time zone from the list, such as Europe/Berlin.", code="zone"
        )


def known_zone(value):
    """`value` if it names a time zone, else ""; for input from a browser or a form."""
    value = (value or "").strip()
    return value if value in zoneinfo.available_timezones() else ""


class ProfileQuerySet(models.QuerySet):
    def zones_for(self, user_ids):
        """{user id: their time zone} for the users that chose one; one query."""
        rows = self.filter(user_id__in=user_ids).exclude(time_zone="")
        return dict(rows.values_list("user_id", "time_zone"))

    def zone_of(self, user):
        """The zone `user` reads times in: theirs, else the helpdesk's (settings.TIME_ZONE)."""
        return self.zones_for([user.pk]).get(user.pk, settings.TIME_ZONE)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_zone],
        help_text="Times on pages and in mails are shown in this zone. Empty: the helpdesk's.",
    )

    objects = ProfileQuerySet.as_manager()

    def __str__(self):
        return f"{self.user}: {self.time_zone or 'default zone'}"

    @classmethod
    def detect_zone(cls, user, zone):
        """Keep the browser's zone, once, for a person who has none yet (the first sign-in);
        return the zone they read times in."""
        zone = known_zone(zone)
        profile, _ = cls.objects.get_or_create(user=user)
        if zone and not profile.time_zone:
            profile.time_zone = zone
            profile.save(update_fields=["time_zone"])
        return profile.time_zone or settings.TIME_ZONE
