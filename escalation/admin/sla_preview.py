"""The live preview beside the SLA policy form: htmx posts the unsaved form here.

The admin's own form and target formset read the post; nothing is saved. The panel shows, for
a ticket created when the supervisor says (default now), each priority's due times under the
draft's calendar and targets, computed by the clock the engine freezes."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import SLAPolicy
from ..preview import sla_due_times
from .display import draft_errors
from .preview import MOMENT, LocalDateTimeField, default_created_at

TEMPLATE = "admin/escalation/slapolicy/live_preview.html"


class PostedSLADraft:
    """The SLA policy form as posted, read by the admin's own form and target formset, unsaved:
    its `errors`, else its `targets` {priority: (response, resolution)}, `calendar`, frozen
    form (`snapshot`, what a replay keeps) and `scope` [team ids, is default, saved id]."""

    def __init__(self, model_admin, request):
        object_id = request.POST.get("preview-policy")
        saved = model_admin.get_object(request, unquote(object_id)) if object_id else None
        if object_id and saved is None:
            raise Http404("No such SLA policy.")
        self.saved = saved
        form = model_admin.get_form(request, saved, change=saved is not None)(
            request.POST, request.FILES, instance=saved or SLAPolicy()
        )
        form_ok = form.is_valid()
        formsets = [
            cls(
                request.POST, request.FILES, instance=form.instance, prefix=cls.get_default_prefix()
            )
            for cls, _inline in model_admin.get_formsets_with_inlines(request, saved)
        ]
        formsets_ok = all([formset.is_valid() for formset in formsets])
        self.form, self.errors = form, draft_errors(form, formsets, "Target")
        if not (form_ok and formsets_ok) or self.errors:
            self.errors = self.errors or ["The draft has errors: see the form."]
            return
        self.targets = {
            f.cleaned_data["priority"]: (
                f.cleaned_data["first_response_seconds"],
                f.cleaned_data["resolution_seconds"],
            )
            for f in formsets[0].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        }
        self.calendar = form.cleaned_data.get("calendar")
        self.snapshot = {
            "name": form.cleaned_data.get("name") or "Draft",
            "calendar": self.calendar.snapshot() if self.calendar else None,
            "targets": {p: list(t) for p, t in sorted(self.targets.items())},
        }
        teams = [team.pk for team in form.cleaned_data.get("teams") or []]
        self.scope = [teams, bool(form.cleaned_data.get("is_default")), saved and saved.pk]


def sla_preview_view(model_admin):
    """The panel's view for `model_admin`; wrap it in `admin_site.admin_view`."""

    @require_POST
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        draft = PostedSLADraft(model_admin, request)
        errors = list(draft.errors)
        created = LocalDateTimeField(required=False)
        try:
            created_at = created.clean(request.POST.get("preview-created_at")) or (
                default_created_at(timezone.now())
            )
        except ValidationError as exc:
            errors.append(f"Created at: {' '.join(exc.messages)}")
            created_at = None
        context = {"errors": errors}
        if not errors:
            context.update(_context(draft, created_at))
        return TemplateResponse(request, TEMPLATE, context)

    return view


def _context(draft, created_at):
    targets, calendar = draft.targets, draft.calendar
    zone = _zone(calendar)
    return {
        "created": created_at.astimezone(zone).strftime(MOMENT),
        "calendar_name": calendar.name if calendar else "24×7 (no business calendar)",
        "rows": [
            {
                "priority": priority,
                "response": response.astimezone(zone).strftime(MOMENT) if response else None,
                "resolution": resolution.astimezone(zone).strftime(MOMENT) if resolution else None,
            }
            for priority, response, resolution in sla_due_times(calendar, targets, created_at)
        ],
    }


def _zone(calendar):
    return ZoneInfo(calendar.timezone if calendar else settings.TIME_ZONE)
