"""Replay buttons beside the escalation policy form: run the unsaved draft against the past.

A POST creates a Replay from the posted form (the same reading as the live preview) and queues
the task after the commit; the status fragment polls itself (htmx) until the result is kept."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django_q.tasks import async_task

from ..models import Replay
from .live_preview import PostedDraft

TEMPLATE = "admin/escalation/escalationpolicy/replay_status.html"


class DaysForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=30)


def start_replay_view(model_admin):
    @require_POST
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        draft = PostedDraft(model_admin, request)
        days = DaysForm({"days": request.POST.get("replay-days") or 30})
        errors = draft.errors + [f"Days: {' '.join(m)}" for m in days.errors.values()]
        if errors:
            return TemplateResponse(request, TEMPLATE, {"errors": errors})
        replay = Replay.objects.create(
            policy=draft.saved,
            name=draft.policy.name or "Draft",
            draft=draft.snapshot,
            scope=list(draft.scope),
            days=days.cleaned_data["days"],
            requested_by=request.user,
        )
        transaction.on_commit(lambda: async_task("escalation.tasks.run_replay", replay.pk))
        return TemplateResponse(request, TEMPLATE, {"replay": replay})

    return view


def replay_status_view(model_admin):
    @require_GET
    def view(request, replay_id):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        replay = get_object_or_404(Replay, pk=replay_id)
        return TemplateResponse(request, TEMPLATE, {"replay": replay})

    return view
