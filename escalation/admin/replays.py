"""Replay buttons beside the escalation and SLA policy forms: run the unsaved draft against the
past.

A POST creates a Replay from the posted form (the same reading as the live preview) and queues
the task after the commit; the status fragment polls itself (htmx) until the result is kept."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from django_q.tasks import async_task

from ..models import Replay
from .live_preview import PostedDraft
from .sla_preview import PostedSLADraft

TEMPLATE = "admin/escalation/replay_status.html"


class DaysForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=30)


def start_replay_view(model_admin):
    """The replay button's view for the escalation or the SLA policy admin."""
    sla = model_admin.model._meta.model_name == "slapolicy"

    @require_POST
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        draft = (PostedSLADraft if sla else PostedDraft)(model_admin, request)
        days = DaysForm({"days": request.POST.get("replay-days") or 30})
        errors = draft.errors + [f"Days back: {' '.join(m)}" for m in days.errors.values()]
        if errors:
            return TemplateResponse(request, TEMPLATE, {"errors": errors})
        fields = {
            "kind": Replay.Kind.SLA if sla else Replay.Kind.ESCALATION,
            "draft": draft.snapshot,
            "scope": list(draft.scope),
            "days": days.cleaned_data["days"],
            "requested_by": request.user,
        }
        if sla:
            fields.update(sla_policy=draft.saved, name=draft.snapshot["name"])
        else:
            fields.update(policy=draft.saved, name=draft.policy.name or "Draft")
        replay = Replay.objects.create(**fields)
        transaction.on_commit(lambda: async_task("escalation.tasks.run_replay", replay.pk))
        return TemplateResponse(request, TEMPLATE, _context(model_admin, replay))

    return view


def replay_status_view(model_admin):
    @require_GET
    def view(request, replay_id):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        replay = get_object_or_404(Replay, pk=replay_id)
        return TemplateResponse(request, TEMPLATE, _context(model_admin, replay))

    return view


def replay_urls(model_admin, prefix):
    """The replay button's URL and its status fragment's, for a policy admin's get_urls."""
    return [
        path(
            "replay/",
            model_admin.admin_site.admin_view(start_replay_view(model_admin)),
            name=f"{prefix}_replay",
        ),
        path(
            "replay/<int:replay_id>/",
            model_admin.admin_site.admin_view(replay_status_view(model_admin)),
            name=f"{prefix}_replay_status",
        ),
    ]


def _context(model_admin, replay):
    name = f"admin:escalation_{model_admin.model._meta.model_name}_replay_status"
    return {"replay": replay, "status_url": reverse(name, args=[replay.pk])}
