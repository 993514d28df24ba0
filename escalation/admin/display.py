"""Small display helpers shared by the escalation admin pages."""

from django import forms
from django.core.exceptions import ValidationError

from ..durations import FORMAT_HELP, DurationError, human_duration, parse_duration
from ..models.calendars import iana_zones


def duration(seconds):
    """Seconds as a human duration, exactly: 900 → "15m", 86400 → "1d", -5400 → "-1h 30m"."""
    return "—" if seconds is None else human_duration(seconds)


class HumanDurationField(forms.Field):
    """A duration typed in words ("1h 30m", "2d", "-15m") and stored as whole seconds.

    Shown back in the same words, so what a supervisor reads is what they would type."""

    widget = forms.TextInput(attrs={"size": 12, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, min_value, max_value, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_duration(value)
        except DurationError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < self.min_value:
            raise ValidationError(f"At least {human_duration(self.min_value)}.", code="min_value")
        if value > self.max_value:
            raise ValidationError(f"At most {human_duration(self.max_value)}.", code="max_value")

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return human_duration(value)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return human_duration(int(value))
        return value


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


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline whose inputs have names: its column headers are not <label>s."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else (field.label or name.replace("_", " "))
            field.widget.attrs.setdefault("aria-label", str(label).capitalize())


def draft_errors(form, formsets, row_noun):
    """Every error of an unsaved admin form and its inline formsets, a line each naming where."""
    lines = [
        f"{form[name].label if name in form.fields else 'Form'}: {' '.join(messages)}"
        for name, messages in form.errors.items()
    ]
    for formset in formsets:
        for number, row in enumerate(formset.forms, start=1):
            for name, messages in row.errors.items():
                label = row[name].label if name in row.fields else row_noun.lower()
                lines.append(f"{row_noun} row {number}, {label}: {' '.join(messages)}")
        lines += [f"{row_noun}s: {message}" for message in formset.non_form_errors()]
    return lines
