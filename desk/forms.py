"""Forms of the desk: the queue's filters, the bulk form and the inputs of the workspace's
actions. They parse (a bad value is a form error, never a query); whether a change is allowed
is the lifecycle's to decide (incidents.models.lifecycle)."""

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents import roles
from incidents.models import Team, Ticket, priority_choices

MAX_ID = 2**63 - 1  # the largest id a database's bigint holds; a larger one is never looked up
OUT_OF_DATE = gettext_lazy("This form is out of date; reload the ticket.")
# Statuses a bulk edit may set; "new" is where tickets start, never where they go back to.
BULK_STATUSES = [(value, label) for value, label in Ticket.Status.choices if value != "new"]


def as_id(value):
    """A whole number a database id can be, from text; else None."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def problems(form):
    """A form's errors as one sentence for a message: each under its field's label."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        lines += [f"{label}: {error}" if label else error for error in errors]
    return " ".join(lines)


class VersionField(forms.Field):
    """The `updated_at` a workspace form was rendered with (desk.timeline.version): an ISO
    datetime with its offset. A naive, impossible or unrepresentable one is out of date."""

    default_error_messages = {"required": OUT_OF_DATE, "invalid": OUT_OF_DATE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            moment = parse_datetime(str(value).strip())
            if moment is not None and timezone.is_aware(moment):
                return moment.astimezone(UTC)  # overflows near the years 1 and 9999
        except (ValueError, OverflowError):
            pass
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class ObjectField(forms.ModelChoiceField):
    """An object by its id; text that is no id a database holds is refused, not looked up."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if as_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(as_id(value))


def person_field(**kwargs):
    return ObjectField(
        queryset=roles.agents(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a person who works the desk.")},
        **kwargs,
    )


class ActionForm(forms.Form):
    """A workspace form: every one carries the version of the ticket it was shown with."""

    updated_at = VersionField(label=None)


class StatusForm(ActionForm):
    status = forms.ChoiceField(
        choices=Ticket.Status.choices,
        error_messages={
            "required": gettext_lazy("Choose a status."),
            "invalid_choice": gettext_lazy("Choose a status."),
        },
    )


class AssignForm(ActionForm):
    assignee = person_field(label=gettext_lazy("Assign to"))  # blank: nobody


class PriorityForm(ActionForm):
    priority = forms.ChoiceField(
        choices=priority_choices,
        error_messages={
            "required": gettext_lazy("Choose a priority from P1 to P4."),
            "invalid_choice": gettext_lazy("Choose a priority from P1 to P4."),
        },
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)


class EscalateForm(ActionForm):
    team = ObjectField(
        label=gettext_lazy("Escalate to"),
        queryset=Team.objects.all(),
        required=False,  # blank: the team's next tier
        error_messages={"invalid_choice": gettext_lazy("Choose a team from the list.")},
    )
    assignee = person_field(label=gettext_lazy("To a person"))
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False)


class ReplyForm(ActionForm):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        error_messages={"required": gettext_lazy("Write a reply or a note before sending.")},
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Send as"),
        choices=[
            ("public", gettext_lazy("Public reply")),
            ("internal", gettext_lazy("Internal note")),
        ],
        required=False,
    )


class IdsField(forms.Field):
    """The ids of the selected rows, each a whole number a database holds."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one ticket first."),
        "invalid": gettext_lazy(
            "The selection holds something that is no ticket; reload the queue."
        ),
    }

    def to_python(self, value):
        ids = {as_id(item) for item in value or ()}
        if None in ids:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class BulkForm(forms.Form):
    ticket = IdsField(label=None)
    action = forms.ChoiceField(
        choices=[("assign", gettext_lazy("Assign")), ("status", gettext_lazy("Change status"))],
        error_messages={
            "required": gettext_lazy("Choose what to do with the selected tickets."),
            "invalid_choice": gettext_lazy("Choose what to do with the selected tickets."),
        },
    )
    assignee = person_field(label=gettext_lazy("Assign to"))  # blank: unassign
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=BULK_STATUSES, required=False)
    next = forms.CharField(label=None, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        return data

    def change(self):
        """The fields for Ticket.update."""
        if self.cleaned_data["action"] == "status":
            return {"status": self.cleaned_data["status"]}
        return {"assignee": self.cleaned_data["assignee"]}


class QueueFilters(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"), max_length=200)
    status = forms.ChoiceField(required=False, label=gettext_lazy("Status"))
    priority = forms.ChoiceField(required=False, label=gettext_lazy("Priority"))
    assignee = forms.ChoiceField(required=False, label=gettext_lazy("Assignee"))
    team = forms.ChoiceField(required=False, label=gettext_lazy("Team"))
    # Carried by the links and the hidden input of the page, not shown as filters.
    view = forms.CharField(
        required=False, label=gettext_lazy("View"), max_length=120, widget=forms.HiddenInput
    )
    page = forms.IntegerField(
        required=False,
        label=gettext_lazy("Page"),
        min_value=1,
        max_value=10**9,
        widget=forms.HiddenInput,
    )

    def __init__(self, data, *, teams, agents):
        super().__init__(data)
        self.fields["status"].choices = [("", _("Open (any)")), *Ticket.Status.choices]
        self.fields["priority"].choices = [("", _("Any")), *priority_choices()]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("none", _("Unassigned")),
            *((str(u.pk), u.get_full_name() or u.get_username()) for u in agents),
        ]
        self.fields["team"].choices = [
            ("", _("Any")),
            *(
                (t.slug, _("%(team)s (tier %(tier)s)") % {"team": t.name, "tier": t.tier})
                for t in teams
            ),
        ]

    def narrow(self, tickets):
        """Apply the valid filters; an invalid value is left out rather than emptying the
        queue (and the page says so)."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status")
        tickets = tickets.filter(status=status) if status else tickets.active()
        if data.get("priority"):
            tickets = tickets.filter(priority=data["priority"])
        assignee = data.get("assignee")
        if assignee == "none":
            tickets = tickets.filter(assignee__isnull=True)
        elif assignee:
            tickets = tickets.filter(assignee_id=int(assignee))
        if data.get("team"):
            tickets = tickets.filter(team__slug=data["team"])
        return tickets
