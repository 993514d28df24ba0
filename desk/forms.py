"""Forms of the desk: the queue's filters and the inputs of the workspace's actions."""

from django import forms

from incidents.models import Priority, Ticket


class QueueFilters(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(required=False, label="Status")
    priority = forms.ChoiceField(required=False, label="Priority")
    assignee = forms.ChoiceField(required=False, label="Assignee")
    team = forms.ChoiceField(required=False, label="Team")

    def __init__(self, data, *, teams, agents):
        super().__init__(data)
        self.fields["status"].choices = [("", "Open (any)"), *Ticket.Status.choices]
        self.fields["priority"].choices = [("", "Any"), *Priority.choices]
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("none", "Unassigned"),
            *((str(u.pk), u.get_full_name() or u.get_username()) for u in agents),
        ]
        self.fields["team"].choices = [
            ("", "Any"),
            *((t.slug, f"{t.name} (tier {t.tier})") for t in teams),
        ]

    def narrow(self, tickets):
        """Apply the valid filters; an invalid value is ignored rather than emptying the queue."""
        data = self.cleaned_data if self.is_valid() else {}
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
