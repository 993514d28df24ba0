"""An agent's own page: when they are on call, and their out of office with a deputy.

Setting an absence that overlaps one of their on-call shifts, or that leaves a level of their
teams' policies with nobody to reach, is said before saving: the page lists the shifts and the
levels, saving then takes a second, explicit "Save anyway", and the team's leads are told."""

from collections import defaultdict
from datetime import timedelta
from math import ceil

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_POST

from escalation import forecast, oncall
from escalation.models import CoverRequest, OnCallFeed
from incidents import roles
from incidents.models import Absence, Membership, Profile, Team
from notifications import outbox

from .forms import problems
from .on_call import AHEAD, LAYER_NAMES
from .views import agent_required


class AbsenceForm(forms.ModelForm):
    start = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    class Meta:
        model = Absence
        fields = ["start", "end", "deputy", "note"]
        labels = {"deputy": gettext_lazy("Deputy"), "note": gettext_lazy("Note")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
        self.fields["deputy"].queryset = roles.agents().exclude(pk=user.pk).order_by("username")
        self.fields["deputy"].empty_label = _("No deputy")
        self.fields["deputy"].help_text = _("Told instead of you while you are away.")
        zone = timezone.get_current_timezone_name()
        self.fields["start"].label = _("Away from (%(zone)s)") % {"zone": zone}
        self.fields["end"].label = _("Back at (%(zone)s)") % {"zone": zone}


class CoverForm(forms.ModelForm):
    start = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    class Meta:
        model = CoverRequest
        fields = ["team", "layer", "start", "end", "asked", "note"]
        labels = {
            "team": gettext_lazy("Team"),
            "asked": gettext_lazy("Ask"),
            "layer": gettext_lazy("Layer"),
            "note": gettext_lazy("Message to them"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, prefix="cover", **kwargs)
        self.instance.requested_by = user
        self.fields["team"].queryset = Team.objects.filter(memberships__user=user)
        self.fields["asked"].queryset = roles.agents().exclude(pk=user.pk).order_by("username")
        zone = timezone.get_current_timezone_name()
        self.fields["start"].label = _("From (%(zone)s)") % {"zone": zone}
        self.fields["end"].label = _("Until (%(zone)s)") % {"zone": zone}

    def clean(self):
        data = super().clean()
        team, asked = data.get("team"), data.get("asked")
        if team and asked and not Membership.objects.filter(team=team, user=asked).exists():
            self.add_error("asked", _("Not a member of %(team)s.") % {"team": team.name})
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The range ends after it starts."))
        return data


def my_shifts(user, start, end):
    """The user's on-call time in [start, end): (team, layer name, segment), by start."""
    memberships = Membership.objects.filter(user=user).select_related("team")
    teams = {m.team_id: m.team for m in memberships}
    plan = oncall.schedule(list(teams), start, end)
    found = [
        (teams[team_id], LAYER_NAMES[layer], segment)
        for (team_id, layer), segments in plan.items()
        for segment in segments
        if segment.user == user.pk
    ]
    return sorted(found, key=lambda row: row[2].start)


def conflicts(user, start, end):
    """The user's on-call time an absence over [start, end) would leave."""
    return my_shifts(user, start, end)


HOUR = timedelta(hours=1)


def emptied_levels(user, start, end, deputy=None):
    """The levels of the user's teams' policies that would reach nobody in some hour of
    [start, end) with this absence (and its deputy) and reach someone without it, as far ahead
    as the forecast looks: [(team, level title, from, until)]. The forecast itself decides,
    asked before and after writing the absence in a block that is then rolled back."""
    teams = [m.team for m in Membership.objects.filter(user=user).select_related("team")]
    if not teams or end <= start:
        return []
    days = max(1, min(forecast.DAYS, ceil((end - start) / timedelta(days=1))))
    before = _hole_hours(teams, start, end, days)
    with transaction.atomic():
        Absence.objects.create(user=user, start=start, end=end, deputy=deputy)
        after = _hole_hours(teams, start, end, days)
        transaction.set_rollback(True)
    emptied = []
    for team, title, hour in sorted(after - before, key=lambda h: (h[0].name, h[1], h[2])):
        last = emptied[-1] if emptied else None
        if last and last[:2] == (team, title) and last[3] == hour:
            emptied[-1] = (team, title, last[2], hour + HOUR)
        else:
            emptied.append((team, title, hour, hour + HOUR))
    return emptied


def _hole_hours(teams, start, end, days):
    """(team, level title, hour) of every hour of [start, end) in which a level reaches nobody."""
    found = set()
    for team in teams:
        for row in forecast.forecast(team, start, days):
            for span in row.holes:
                hour = span.start
                while hour < span.end:
                    if hour < end and hour + HOUR > start:
                        found.add((team, f"{row.policy}: {row.title}", hour))
                    hour += HOUR
    return found


def tell_leads(absence, clashes, emptied=()):
    """Tell the leads of every team whose on-call time the absence leaves, or whose levels it
    leaves with nobody (not the person themselves); returns their names."""
    if not clashes and not emptied:
        return []
    teams = {team.pk for team, _layer, _segment in clashes} | {row[0].pk for row in emptied}
    leads = [
        m.user
        for m in Membership.objects.filter(team__in=teams, role="lead")
        .exclude(user=absence.user)
        .select_related("user")
    ]
    by_language = defaultdict(list)  # each lead reads the mail in their own language
    for lead in leads:
        by_language[Profile.objects.language_of(lead) or settings.LANGUAGE_CODE].append(lead)
    for language, group in by_language.items():
        with override(language):
            subject, body = _conflict_words(absence, clashes, emptied)
            outbox.notify_text(
                "absence_conflict",
                group,
                key=f"absence:{absence.pk}:conflict",
                subject=subject,
                body=body,
            )
    return sorted({u.get_full_name() or u.get_username() for u in leads})


def _conflict_words(absence, clashes, emptied):
    """The leads' mail about an absence, (subject, body), in the active language."""
    person = absence.user.get_full_name() or absence.user.get_username()
    deputy = absence.deputy
    lines = [
        _("- %(team)s, %(layer)s: %(start)s – %(end)s")
        % {"team": team.name, "layer": layer, "start": _when(s.start), "end": _when(s.end)}
        for team, layer, s in clashes
    ] + [
        _("- %(team)s, %(level)s reaches nobody: %(start)s – %(end)s")
        % {"team": team.name, "level": title, "start": _when(begin), "end": _when(until)}
        for team, title, begin, until in emptied
    ]
    words = {"person": person, "start": _when(absence.start), "end": _when(absence.end)}
    if clashes:
        opening = _(
            "%(person)s will be out of office from %(start)s to %(end)s, during their on-call "
            "time that needs them:"
        )
    else:
        opening = _(
            "%(person)s will be out of office from %(start)s to %(end)s, during time that "
            "needs them:"
        )
    if deputy:
        who = _("%(deputy)s is paged instead.") % {
            "deputy": deputy.get_full_name() or deputy.get_username()
        }
    else:
        who = _("No deputy is named: no one would be paged in their place.")
    cover = _("Arrange cover if needed (an override in the admin, or a swap on the desk).")
    body = opening % words + "\n" + "\n".join(lines) + f"\n\n{who} {cover}"
    subject = _("%(person)s is away during their on-call time") % {"person": person}
    return subject, body


def _when(moment):
    return date_format(timezone.localtime(moment), "D j M, H:i T")


@agent_required
def availability(request):
    now = timezone.now()
    form = AbsenceForm(request.POST or None, user=request.user)
    cover = CoverForm(None, user=request.user)
    clashes, emptied = [], []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            clashes = conflicts(request.user, data["start"], data["end"])
            emptied = emptied_levels(request.user, data["start"], data["end"], data["deputy"])
            if not (clashes or emptied) or request.POST.get("confirm") == "yes":
                with transaction.atomic():
                    absence = form.save(commit=False)
                    absence.created_by = request.user
                    absence.save()
                    told = tell_leads(absence, clashes, emptied)
                saved = (
                    _("Out of office saved. Your team leads were told: %(leads)s.")
                    % {"leads": ", ".join(told)}
                    if told
                    else _("Out of office saved.")
                )
                messages.success(request, saved)
                return redirect("desk:availability")
        else:
            messages.error(request, problems(form))
    status = 400 if request.method == "POST" and (form.errors or clashes or emptied) else 200
    context = {
        "form": form,
        "clashes": clashes,
        "emptied": emptied,
        "shifts": my_shifts(request.user, now, now + AHEAD),
        "absences": Absence.objects.filter(user=request.user, end__gt=now).select_related("deputy"),
        "deputising": Absence.objects.filter(deputy=request.user, end__gt=now).select_related(
            "user"
        ),
        "cover_form": cover,
        "asked_of_me": CoverRequest.objects.filter(asked=request.user, end__gt=now).select_related(
            "team", "requested_by"
        ),
        "asked_by_me": CoverRequest.objects.filter(
            requested_by=request.user, end__gt=now
        ).select_related("team", "asked"),
        "feed_url": request.build_absolute_uri(
            reverse("desk:on-call-feed", args=[OnCallFeed.for_user(request.user).token])
        ),
    }
    return render(request, "desk/availability.html", context, status=status)


@agent_required
@require_POST
def ask_cover(request):
    """Ask another member of a team to take a range of one's on-call time."""
    form = CoverForm(request.POST, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Asked. The override is made when they accept."))
    else:
        messages.error(request, problems(form))
    return redirect("desk:availability")


@agent_required
@require_POST
def answer_cover(request, request_id, answer):
    asked = get_object_or_404(CoverRequest, pk=request_id, asked=request.user)
    if answer == "accept" and asked.accept(request.user):
        messages.success(request, _("You cover that range now; it is in the schedule."))
    elif answer == "decline" and asked.decline(request.user):
        messages.success(request, _("Declined."))
    else:
        messages.error(request, _("That request was answered already."))
    return redirect("desk:availability")


@agent_required
@require_POST
def renew_feed(request):
    """A new secret link for the calendar feed; the old one stops working."""
    OnCallFeed.for_user(request.user, renew=True)
    messages.success(request, _("New calendar link made; the old one no longer works."))
    return redirect("desk:availability")


@agent_required
@require_POST
def cancel_absence(request, absence_id):
    absence = get_object_or_404(Absence, pk=absence_id, user=request.user)
    absence.delete()
    messages.success(request, _("Out of office removed."))
    return redirect("desk:availability")
