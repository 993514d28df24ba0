"""How allauth signs people in here (ACCOUNT_FORMS)."""

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.models import EmailAddress


class LoginForm(AllauthLoginForm):
    """allauth's login form, except for accounts allauth never enrolled.

    Sign-up (and a guest choosing a password) records the address allauth must see confirmed.
    Staff and customers created in the admin, by seed_demo or over the API have no such record:
    whoever created them vouched for the address, and they keep signing in as before.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email or username"
        # The page links "Forgot your password?" once, under the form.
        self.fields["password"].help_text = ""

    def clean(self):
        cleaned = super().clean()
        login = getattr(self, "_login", None)
        user = getattr(login, "user", None)
        if user is not None and not EmailAddress.objects.filter(user=user).exists():
            login.email_verification = EmailVerificationMethod.NONE
        return cleaned
