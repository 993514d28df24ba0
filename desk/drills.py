"""Drills on the desk: run one (supervisors), read its scorecard, and the acknowledgement a
drill mail links to (any agent it reached)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from escalation.majors import drills
from escalation.majors.models import Drill
from escalation.models import EscalationPolicy
from incidents import roles
from incidents.models import Team, Ticket, priority_choices
from incidents.models.lifecycle import TransitionError

from .forms import as_id, problems
from .views import agent_required


class DrillForm(forms.Form):
    policy = forms.ModelChoiceField(
        queryset=EscalationPolicy.objects.filter(is_active=True), label=gettext_lazy("Policy")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("tier", "name"), label=gettext_lazy("Team")
    )
    priority = forms.ChoiceField(
        choices=priority_choices, initial="P2", label=gettext_lazy("Priority")
    )
    spacing_seconds = forms.IntegerField(
        min_value=1, max_value=3600, initial=5, label=gettext_lazy("Seconds between levels")
    )


@agent_required
def drill_list(request):
    if not roles.is_supervisor(request.user):
        raise PermissionDenied
    # The policy's admin page links here with ?policy=<id> (its "Run a drill" button).
    chosen = as_id(request.GET.get("policy", ""))
    form = DrillForm(request.POST or None, initial={"policy": chosen} if chosen else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            drill = drills.start(
                data["policy"],
                data["team"],
                request.user,
                data["priority"],
                data["spacing_seconds"],
            )
            messages.success(
                request, gettext("Drill started: levels fire as the policy says, compressed.")
            )
            return redirect("desk:drill", drill.pk)
        messages.error(request, problems(form))
    recent = Drill.objects.select_related("policy", "team", "started_by")[:50]
    return render(request, "desk/drills/list.html", {"form": form, "drills": recent})


@agent_required
def drill(request, drill_id):
    run = get_object_or_404(Drill.objects.select_related("policy", "team", "ticket"), pk=drill_id)
    levels = drills.scorecard(run)
    ids = {pk for lv in levels for pk in [*lv["reached"], *lv["skipped"], lv["acknowledged_by"]]}
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in roles.agents().filter(pk__in=[pk for pk in ids if pk])
    }
    for level in levels:
        level["reached_names"] = [names.get(pk) or gettext("someone") for pk in level["reached"]]
        level["acknowledged_name"] = names.get(level["acknowledged_by"], "")
    context = {"drill": run, "levels": levels, "status": drills.status(run)}
    if request.htmx:
        return render(request, "desk/drills/_levels.html", context)
    return render(request, "desk/drills/scorecard.html", context)


@require_http_methods(["GET", "POST"])
@agent_required
def acknowledge(request, ticket_id):
    """The link in a drill mail: a button acknowledges the drill ticket as this agent."""
    run = get_object_or_404(Drill.objects.select_related("ticket"), ticket_id=ticket_id)
    ticket = run.ticket
    if request.method == "POST" and not drills.may_acknowledge(run, request.user):
        messages.error(request, gettext("Only someone this drill reached can acknowledge it."))
    elif request.method == "POST":
        try:
            ticket.acknowledge(request.user)
            messages.success(
                request, gettext("Drill acknowledged: the scorecard records your answer.")
            )
        except TransitionError as error:
            messages.error(request, str(error))
        ticket = Ticket.objects.get(pk=ticket.pk)
    return render(request, "desk/drills/acknowledge.html", {"drill": run, "ticket": ticket})
