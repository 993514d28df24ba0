"""Admin page: holidays into a business calendar from an iCalendar (.ics) file."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ..holidays_ics import IcsError, holidays_from_ics

TEMPLATE = "admin/escalation/businesscalendar/import_holidays.html"
MAX_BYTES = 2 * 1024 * 1024


class IcsForm(forms.Form):
    file = forms.FileField(
        label="iCalendar file",
        help_text="An .ics file, e.g. a public-holiday feed. Days already holidays are kept.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError("The file is over 2 MB: no holiday feed is that long.")
        try:
            return holidays_from_ics(upload.read())
        except IcsError as exc:
            raise ValidationError(str(exc)) from exc


def import_holidays_view(model_admin):
    """The page for `model_admin`'s calendars; wrap it in `admin_site.admin_view`."""

    def view(request, object_id):
        calendar = model_admin.get_object(request, unquote(object_id))
        if calendar is None:
            raise Http404("No such calendar.")
        if not model_admin.has_change_permission(request, calendar):
            raise PermissionDenied
        form = IcsForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = calendar.add_holidays(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                found = len(form.cleaned_data["file"])
                model_admin.message_user(
                    request,
                    f"{added} holiday(s) added from {found} day(s) in the file.",
                    messages.SUCCESS,
                )
                return redirect("admin:escalation_businesscalendar_change", calendar.pk)
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"Import holidays: {calendar}",
            "subtitle": None,
            "opts": model_admin.model._meta,
            "original": calendar,
            "form": form,
        }
        request.current_app = model_admin.admin_site.name
        return TemplateResponse(request, TEMPLATE, context)

    return view
