"""Small display helpers shared by the escalation admin pages."""

from django import forms

from ..models.calendars import iana_zones


def duration(seconds):
    """Seconds as a short human duration: 900 → "15m", 86400 → "24h", 5400 → "1h 30m"."""
    if seconds is None:
        return "—"
    sign = "−" if seconds < 0 else ""
    minutes, secs = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return sign + (" ".join(p for p in parts if p) or "0s")


class JSONChoicesField(forms.MultipleChoiceField):
    """Checkboxes for a JSON list field; the cleaned value is the list in the choices' order."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        return list(value or [])

    def clean(self, value):
        chosen = set(super().clean(value))
        return [key for key, _ in self.choices if key in chosen]


class ZoneField(forms.ChoiceField):
    """An IANA time zone picked from the list, UTC first chosen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", "UTC")
        super().__init__(choices=[(tz, tz) for tz in sorted(iana_zones())], **kwargs)
