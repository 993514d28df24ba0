"""What a person chooses for themselves: the language and time zone of their pages and mails."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

# Every zone the system's tz database knows, by name, read once: available_timezones() walks
# the whole database on each call (20 ms), and every signed-in page asks (helpdesk/zones.py).
KNOWN_ZONES = frozenset(zoneinfo.available_timezones())
# The ones a person chooses from (Europe/Berlin, America/New_York, …).
ZONES = sorted(zone for zone in KNOWN_ZONES if "/" in zone or zone == "UTC")


def validate_zone(value):
    if value and value not in KNOWN_ZONES:
        raise ValidationError(
            "Choose a time zone from the list, such as Europe/Berlin.", code="zone"
        )


def known_zone(value):
    """`value` if it names a time zone, else ""; for input from a browser or a form."""
    value = (value or "").strip()
    return value if value in KNOWN_ZONES else ""


class ProfileQuerySet(models.QuerySet):
    def reading_for(self, user_ids):
        """{user id: (time zone, language)} of the users with a profile ("" where they chose
        none); one query."""
        rows = self.filter(user_id__in=user_ids).values_list("user_id", "time_zone", "language")
        return {pk: (zone, language) for pk, zone, language in rows}

    def zone_of(self, user):
        """The zone `user` reads times in: theirs, else the helpdesk's (settings.TIME_ZONE)."""
        zone, _ = self.reading_for([user.pk]).get(user.pk, ("", ""))
        return zone or settings.TIME_ZONE

    def language_of(self, user):
        """The language `user` chose or was first seen with ("": none yet)."""
        return self.reading_for([user.pk]).get(user.pk, ("", ""))[1]


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

    language = models.CharField(
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="Pages and mails are in this language. Empty: the browser's.",
    )

    objects = ProfileQuerySet.as_manager()

    def __str__(self):
        return f"{self.user}: {self.time_zone or 'default zone'}"

    @classmethod
    def detect(cls, user, zone="", language=""):
        """Keep the browser's zone and language, once, for a person who has none yet (the
        first sign-in, a guest's first ticket); return the profile."""
        zone = known_zone(zone)
        language = language if language in dict(settings.LANGUAGES) else ""
        profile, _ = cls.objects.get_or_create(user=user)
        changed = []
        if zone and not profile.time_zone:
            profile.time_zone = zone
            changed.append("time_zone")
        if language and not profile.language:
            profile.language = language
            changed.append("language")
        if changed:
            profile.save(update_fields=changed)
        return profile
