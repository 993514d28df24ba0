"""The priority matrix in the admin as what it is: a 3×3 grid, impact down, urgency across."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .models import PriorityMatrixEntry
from .models.priority import DEFAULT_PRIORITY_MATRIX, Level, Priority

TEMPLATE = "admin/incidents/prioritymatrixentry/grid.html"
LEVELS = [level for level, _ in Level.choices]  # high, medium, low: the most severe first
LEVEL_LABELS = dict(Level.choices)


def cell_name(impact, urgency):
    return f"{impact}-{urgency}"


class PriorityMatrixForm(forms.Form):
    """One priority per (impact, urgency) cell, each named for a screen reader."""

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        for impact in LEVELS:
            for urgency in LEVELS:
                label = f"Impact {LEVEL_LABELS[impact]}, urgency {LEVEL_LABELS[urgency]}"
                self.fields[cell_name(impact, urgency)] = forms.ChoiceField(
                    choices=Priority.choices,
                    initial=matrix[(impact, urgency)],
                    label=label.lower().capitalize(),
                    widget=forms.Select(attrs={"aria-label": label.lower().capitalize()}),
                )

    def cells(self):
        return {(i, u): self.cleaned_data[cell_name(i, u)] for i in LEVELS for u in LEVELS}

    def rows(self):
        """[(impact label, [(bound field, priority shown, is ITIL's default)])] for the grid."""
        return [
            (
                LEVEL_LABELS[impact],
                [self._cell(impact, urgency) for urgency in LEVELS],
            )
            for impact in LEVELS
        ]

    def _cell(self, impact, urgency):
        field = self[cell_name(impact, urgency)]
        priority = field.value()
        return field, str(priority).lower(), DEFAULT_PRIORITY_MATRIX[(impact, urgency)] == priority


def grid_view(model_admin, request, extra_context=None):
    """The matrix as a grid; a POST stores the cells that changed, the ones kept stay."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    can_change = model_admin.has_change_permission(request) and model_admin.has_add_permission(
        request
    )
    form = PriorityMatrixForm(
        request.POST if request.method == "POST" else None, matrix=PriorityMatrixEntry.matrix()
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            changed = PriorityMatrixEntry.set_matrix(form.cells())
            model_admin.message_user(
                request, f"Priority matrix saved: {len(changed)} cell(s) changed.", messages.SUCCESS
            )
            return redirect(request.path)
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Priority matrix",
        "subtitle": None,
        "opts": opts,
        "form": form,
        "urgencies": [LEVEL_LABELS[level] for level in LEVELS],
        "can_change": can_change,
        "history": PriorityMatrixEntry.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[:20],
        **(extra_context or {}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)
