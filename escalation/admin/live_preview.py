"""The live preview beside the escalation policy form: htmx posts the unsaved form here.

The admin's own form and level formset read the post (so the guard rails and field checks are
the ones a save would meet), nothing is saved, and the timeline comes from the engine's planner
through `preview.preview_policy`. A draft with errors answers them in the panel, with a 200.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import EscalationPolicy
from ..preview import default_ticket, draft_snapshot
from .display import draft_errors
from .preview import PreviewForm, default_created_at, timeline

TEMPLATE = "admin/escalation/escalationpolicy/live_preview.html"
PREFIX = "preview"


class Draft:
    """What `timeline` asks of a policy not saved: is it active (whether the engine would
    choose it comes from the draft's scope, `draft_chosen`)."""

    def __init__(self, policy, team_ids):
        self.is_active, self.priorities, self.team_ids = (
            policy.is_active,
            policy.priorities,
            team_ids,
        )


class PostedDraft:
    """The policy form as posted, read by the admin's own form and level formset, unsaved:
    its errors, else its frozen form (`snapshot`) and `scope` for the planner."""

    def __init__(self, model_admin, request):
        self.saved = _saved(model_admin, request)
        # A copy of its own for the form, which writes the draft onto its instance.
        form, formset = _bound_forms(model_admin, request, _saved(model_admin, request))
        self.form, self.formset = form, formset
        self.errors = draft_errors(form, [formset], "Level")
        if self.errors:
            return
        self.policy, self.team_ids = form.instance, form.instance.draft_teams
        levels = [f.cleaned_data for f in formset.forms if _kept(f)]
        self.snapshot = draft_snapshot({**form.cleaned_data, "levels": levels})
        saved_id = self.saved.pk if self.saved else None
        self.scope = (self.team_ids, self.policy.priorities, saved_id, self.policy.is_active)


def live_preview_view(model_admin):
    """The panel's view for `model_admin`; wrap it in `admin_site.admin_view`."""

    @require_POST
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        draft = PostedDraft(model_admin, request)
        now = timezone.now()
        context = {"errors": draft.errors}
        if not draft.errors:
            policy, team_ids = draft.policy, draft.team_ids
            ticket = PreviewForm(
                request.POST,
                prefix=PREFIX,
                user=request.user,
                now=now,
                defaults=default_ticket(team_ids, policy.priorities),
            )
            context["ticket_form"] = ticket
            if ticket.is_valid():
                arguments = ticket.preview_arguments()
                if arguments.get("created_at") is None:
                    arguments["created_at"] = default_created_at(now)
                arguments["scope"] = draft.scope
                context.update(timeline(draft.snapshot, arguments, now, Draft(policy, team_ids)))
                context["warnings"] = getattr(draft.formset, "guard_warnings", ())
                context["changes"] = _changes(draft.saved, context["rows"], arguments, now)
            else:
                context["errors"] = [
                    f"{ticket[name].label}: {' '.join(messages)}"
                    for name, messages in ticket.errors.items()
                ]
        return TemplateResponse(request, TEMPLATE, context)

    return view


def _saved(model_admin, request):
    """The policy being edited, or None on the add page."""
    object_id = request.POST.get(f"{PREFIX}-policy")
    if not object_id:
        return None
    policy = model_admin.get_object(request, unquote(object_id))
    if policy is None:
        raise Http404("No such escalation policy.")
    return policy


def _bound_forms(model_admin, request, saved):
    """The admin's policy form and level formset, bound to the post, validated, unsaved."""
    form = model_admin.get_form(request, saved, change=saved is not None)(
        request.POST, request.FILES, instance=saved or EscalationPolicy()
    )
    if form.is_valid():
        # Only the in-memory copy: form.instance is never saved here.
        form.instance.draft_teams = [team.pk for team in form.cleaned_data["teams"]]
    formsets = [
        formset_class(request.POST, request.FILES, instance=form.instance, prefix=prefix)
        for formset_class, prefix in _formset_classes(model_admin, request, saved)
    ]
    formset = formsets[0]
    formset.is_valid()
    return form, formset


def _formset_classes(model_admin, request, saved):
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request, saved):
        yield formset_class, formset_class.get_default_prefix()


def _kept(form):
    return form.cleaned_data and not form.cleaned_data.get("DELETE")


def _changes(saved, rows, arguments, now):
    """For each draft row, the saved policy's due time for the same firing when it differs
    ("was …"), and the saved firings the draft drops; None on the add page."""
    if saved is None:
        return None
    scope = ([t.pk for t in saved.teams.all()], saved.priorities, saved.pk, saved.is_active)
    before = timeline(saved.snapshot(), {**arguments, "scope": scope}, now, applies_to=saved)
    before = before["rows"]
    before_by_key = {row["key"]: row for row in before}
    keys = {row["key"] for row in rows}
    for row in rows:
        old = before_by_key.get(row["key"])
        if old is None:
            row["was"] = "new"
        elif old["due"] != row["due"]:
            row["was"] = f"was {old['due']['local']}"
    return [row for row in before if row["key"] not in keys]
