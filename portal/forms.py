"""Customer forms: plain words in, the domain's values out. Attachments are checked here, all
of them, before anything is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents import uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files from one `<input type=file multiple>`, each within the attachment limits.

    The cleaned value is a list of (upload, content_type) pairs.
    """

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        errors, cleaned = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                cleaned.append((upload, uploads.checked_content_type(upload)))
            except uploads.UploadRefused as refused:
                errors.append(str(refused))
        if errors:
            raise forms.ValidationError(errors)
        try:
            uploads.check_request([upload for upload, _content_type in cleaned])
        except uploads.UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return cleaned


IMPACT_CHOICES = [
    ("low", _("Just me")),
    ("medium", _("My team")),
    ("high", _("The whole company")),
]
URGENCY_CHOICES = [
    ("low", _("It can wait a few days")),
    ("medium", _("Today or tomorrow")),
    ("high", _("Right now: work has stopped")),
]


class NewTicketForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you expected, what happened instead, and any error message."),
    )
    impact = forms.ChoiceField(
        label=_("How many people are affected?"),
        choices=IMPACT_CHOICES,
        initial="low",
        widget=forms.RadioSelect,
    )
    urgency = forms.ChoiceField(
        label=_("How soon do you need it?"),
        choices=URGENCY_CHOICES,
        initial="medium",
        widget=forms.RadioSelect,
    )
    attachments = AttachmentsField(
        label=_("Attachments"),
        help_text=_("Optional. Screenshots, logs or documents."),
    )


class TicketSearchForm(forms.Form):
    """The filters of the customer's ticket list."""

    q = forms.CharField(required=False, max_length=200)
    show = forms.ChoiceField(required=False, choices=[("", ""), ("open", ""), ("closed", "")])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Attachments"), help_text=_("Optional."))


RATING_CHOICES = [
    ("5", _("Very good")),
    ("4", _("Good")),
    ("3", _("OK")),
    ("2", _("Bad")),
    ("1", _("Very bad")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything you'd like to tell us? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GuestTicketForm(NewTicketForm):
    """A new ticket from someone without an account: who they are, then the usual questions."""

    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the confirmation and every answer here."),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)

    field_order = ["email", "name", "subject", "description", "impact", "urgency", "attachments"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
