"""Form pieces shared by the admins that configure webhooks (here and in escalation)."""

from django import forms

KEEP_SECRET = "Leave empty to keep the current secret."


class WriteOnlySecretField(forms.CharField):
    """A signing secret typed in but never rendered back into a page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", KEEP_SECRET)
        super().__init__(widget=forms.PasswordInput(render_value=False), **kwargs)


def kept_secret(form, name):
    """The secret typed in, or on a change left empty, the one already stored."""
    value = form.cleaned_data.get(name)
    if not value and form.instance.pk:
        return getattr(form.instance, name)
    return value
