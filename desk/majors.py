"""Major incidents on the desk: the list, declaring (from a ticket or from scratch), the
incident's page with its live board, and the actions on it. Views parse and call the
incident's lifecycle (majors/lifecycle.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from escalation.majors import board
from escalation.majors.lifecycle import IncidentError
from escalation.majors.models import MajorIncident, Review
from escalation.majors.severity import CHOICES
from incidents import roles
from incidents.models import Team, Ticket
from notifications.models import Contact

from .forms import as_id, problems
from .history import STATUS_WORDS
from .views import agent_required


class DeclareForm(forms.Form):
    title = forms.CharField(max_length=200, label=pgettext_lazy("incident", "Title"))
    severity = forms.ChoiceField(choices=CHOICES, initial="SEV1", label=gettext_lazy("Severity"))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Summary for responders"),
        help_text=gettext_lazy("Internal: the paged agents and the desk read it, never a contact."),
    )
    public_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Public summary"),
        help_text=gettext_lazy("What outside contacts read in their pages and behind their link."),
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("tier", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Teams"),
        help_text=gettext_lazy(
            "Each team's on-call person is paged (its leads when it keeps no rotation)."
        ),
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Outside contacts"),
    )
    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(), widget=forms.MultipleHiddenInput, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = Ticket.objects.visible_to(user)

    def clean(self):
        data = super().clean()
        if not data.get("teams") and not data.get("contacts"):
            self.add_error("teams", gettext("Choose at least one team or contact to call."))
        return data


@agent_required
def incidents(request):
    rows = MajorIncident.objects.select_related("commander").prefetch_related("parties")[:100]
    return render(request, "desk/majors/list.html", {"incidents": rows})


@agent_required
def declare(request):
    given = [as_id(v) for v in request.GET.getlist("ticket")]
    initial_tickets = Ticket.objects.visible_to(request.user).filter(
        pk__in=[pk for pk in given if pk]
    )
    first = initial_tickets.first()
    initial = {"tickets": initial_tickets, "title": first.subject if first else ""}
    if first and first.team_id:
        initial["teams"] = [first.team_id]
    form = DeclareForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = MajorIncident.declare(request.user, **form.cleaned_data)
            except IncidentError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(
                    request,
                    gettext("%(incident)s declared; every party paged.")
                    % {"incident": incident.reference},
                )
                nobody = [p.name for p in incident.parties.all() if p.state == "unreached"]
                if nobody:
                    messages.error(
                        request,
                        gettext("Nobody to page for: %(parties)s.")
                        % {"parties": ", ".join(nobody)},
                    )
                return redirect("desk:major", incident.pk)
        messages.error(request, problems(form))
    linked = initial_tickets if request.method == "GET" else form.cleaned_data.get("tickets", [])
    return render(
        request,
        "desk/majors/declare.html",
        {"form": form, "linked": linked},
        status=400 if request.method == "POST" else 200,
    )


def _board_context(incident, now):
    parties = list(incident.parties.select_related("team", "contact", "acknowledged_by"))
    sent = board.delivered(incident)
    names = board.names_of(parties)
    for party in parties:
        party.delivered_at = sent.get(party.pk)
        party.paged_names = [names[pk] for pk in party.paged if pk in names]
    state, words = board.update_clock(incident, now)
    return {
        "incident": incident,
        "parties": parties,
        "clock_state": state,
        "clock_words": words,
        "acknowledged": sum(1 for p in parties if p.acknowledged_at),
    }


@agent_required
def incident(request, incident_id):
    incident = get_object_or_404(MajorIncident.objects.select_related("commander"), pk=incident_id)
    context = _board_context(incident, timezone.now())
    tickets = list(incident.tickets.select_related("requester").order_by("pk"))
    for ticket in tickets:
        ticket.status_words = STATUS_WORDS[ticket.status]
    context.update(
        tickets=tickets,
        entries=incident.entries.select_related("actor"),
        review=Review.objects.filter(incident=incident).first(),
        agents=roles.agents().order_by("username"),
        mine=incident.parties_of(request.user, context["parties"]),
    )
    return render(request, "desk/majors/incident.html", context)


@agent_required
def board_part(request, incident_id):
    incident = get_object_or_404(MajorIncident, pk=incident_id)
    context = _board_context(incident, timezone.now())
    context["mine"] = incident.parties_of(request.user, context["parties"])
    return render(request, "desk/majors/_board.html", context)


@require_POST
@agent_required
def act(request, incident_id, action):
    incident = get_object_or_404(MajorIncident, pk=incident_id)
    body = request.POST.get("body", "").strip()
    try:
        if action == "acknowledge":
            incident.acknowledge(request.user)
            messages.success(request, gettext("Acknowledged: your pages have stopped."))
        elif action == "join":
            incident.join(request.user)
            messages.success(request, gettext("You joined the incident."))
        elif action in ("update", "note", "resolve") and not body:
            messages.error(request, gettext("Write the message first."))
        elif action == "update":
            incident.post_update(request.user, body)
            messages.success(request, gettext("Update posted to every linked ticket."))
        elif action == "note":
            incident.post_note(request.user, body)
            messages.success(request, gettext("Internal note added."))
        elif action == "resolve":
            incident.resolve(request.user, body)
            messages.success(request, gettext("Resolved, with every linked ticket."))
        elif action == "link":
            _link_by_reference(request, incident)
        elif action == "review":
            _save_review(request, incident)
        elif action == "close-review":
            Review.objects.get_or_create(incident=incident)[0].close()
            messages.success(request, gettext("Review closed."))
        else:
            raise IncidentError(gettext("Unknown action."))
    except IncidentError as error:
        messages.error(request, str(error))
    return redirect("desk:major", incident.pk)


def _save_review(request, incident):
    """The review form: owner, due date, and the action rows (text, owner, done), parsed."""
    review, _ = Review.objects.get_or_create(incident=incident)
    people = {u.pk: u for u in roles.agents()}
    pick = lambda value: people.get(as_id(value))  # noqa: E731
    due = forms.DateField(required=False)
    try:
        due_on = due.clean(request.POST.get("due_on", ""))
    except forms.ValidationError:
        messages.error(request, gettext("Due date: enter a date such as 2026-06-09."))
        return
    texts, owners = request.POST.getlist("action-text"), request.POST.getlist("action-owner")
    done = set(request.POST.getlist("action-done"))
    actions = [
        (text.strip()[:300], pick(owner), str(n) in done)
        for n, (text, owner) in enumerate(zip(texts, owners, strict=False))
    ]
    review.save_plan(pick(request.POST.get("owner", "")), due_on, actions)
    messages.success(request, gettext("Review saved."))


def _link_by_reference(request, incident):
    text = request.POST.get("ticket", "").strip().upper()
    pk = as_id(text.removeprefix("HD-"))
    ticket = Ticket.objects.visible_to(request.user).filter(pk=pk).first() if pk else None
    if ticket is None:
        if text:
            messages.error(request, gettext("No ticket %(reference)s.") % {"reference": text})
        else:
            messages.error(request, gettext("Give a ticket reference."))
        return
    if incident.link(request.user, ticket):
        messages.success(request, gettext("%(ticket)s linked.") % {"ticket": ticket.reference})
    else:
        messages.info(
            request, gettext("%(ticket)s was already linked.") % {"ticket": ticket.reference}
        )


@require_POST
@agent_required
def link_selected(request):
    """The queue's action on a selection: link the tickets to the active incident (the one
    chosen when several are active; with none, declare one from them)."""
    ids = [pk for pk in (as_id(v) for v in request.POST.getlist("ticket")) if pk]
    if not ids:
        messages.error(request, gettext("Select at least one ticket."))
        return redirect("desk:home")
    active = list(MajorIncident.objects.active().order_by("-declared_at"))
    chosen = as_id(request.POST.get("incident", ""))
    incident = next((i for i in active if i.pk == chosen), None)
    if incident is None and len(active) == 1:
        incident = active[0]
    if incident is None and not active:
        query = "&".join(f"ticket={pk}" for pk in ids)
        return redirect(f"{reverse('desk:major-declare')}?{query}")
    if incident is None:
        tickets = Ticket.objects.visible_to(request.user).filter(pk__in=ids).order_by("pk")
        return render(request, "desk/majors/choose.html", {"active": active, "tickets": tickets})
    linked = []
    for ticket in Ticket.objects.visible_to(request.user).filter(pk__in=ids).order_by("pk"):
        try:
            if incident.link(request.user, ticket):
                linked.append(ticket.reference)
        except IncidentError as error:
            messages.error(request, str(error))
    if linked:
        said = gettext("Linked to %(incident)s: %(tickets)s.") % {
            "incident": incident.reference,
            "tickets": ", ".join(linked),
        }
    else:
        said = gettext("Linked to %(incident)s: nothing new.") % {"incident": incident.reference}
    messages.success(request, said)
    return redirect("desk:major", incident.pk)
