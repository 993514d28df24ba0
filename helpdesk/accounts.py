"""How allauth signs people in here (ACCOUNT_FORMS, ACCOUNT_ADAPTER), and signing out
everywhere."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import addresses
from incidents.api.auth import revoke_tokens
from incidents.models import Profile

from . import security


def last_try():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "One more wrong password and sign-ins to this account from your address pause for "
        "%(minutes)d minutes. Forgot it? Reset your password instead."
    ) % {"minutes": minutes}


def browser_zone_field():
    """A hidden field static/zone.js fills with the browser's time zone (no inline script)."""
    return forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class LoginForm(AllauthLoginForm):
    """allauth's login form, with the rule of incidents.addresses: an account is let in unless
    its primary address awaits confirmation, as the API is.

    Sign-up (and a guest choosing a password) records the address allauth must see confirmed.
    Staff and customers created in the admin or by seed_demo get it confirmed; older accounts
    with no record at all were vouched for by whoever made them, and sign in as before.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = browser_zone_field()
        self.fields["login"].label = gettext_lazy("Email or username")
        # The page links "Forgot your password?" once, under the form.
        self.fields["password"].help_text = ""

    def clean(self):
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if security.tries_left(self.request, self.data.get("login", "")) == 1:
                raise forms.ValidationError([*error.error_list, last_try()]) from None
            raise
        login = getattr(self, "_login", None)
        user = getattr(login, "user", None)
        if user is not None and addresses.is_confirmed(user):
            login.email_verification = EmailVerificationMethod.NONE
        return cleaned


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, taking as long for an address that has an account as for a new one.

    A new account costs a password hash; an address already taken costs only a mail ("you
    already have an account"), so the time of the answer told which addresses have accounts.
    The taken branch hashes the password too, and throws the hash away."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The name agents see on the desk, first: without it they saw the username allauth
        # made up from the address ("carol.new").
        name = forms.CharField(
            label=gettext_lazy("Your name"),
            max_length=150,
            help_text=gettext_lazy("How we address you, and what our agents see."),
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.fields = {"name": name, **self.fields, "time_zone": browser_zone_field()}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Tell us your name."))
        return name

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter; a new password (changed, reset or set) revokes the API tokens."""

    def set_password(self, user, password):
        super().set_password(user, password)
        revoke_tokens(user)

    def save_user(self, request, user, form, commit=True):
        """A new account keeps its name, and the zone its browser reported on the sign-up form."""
        user = super().save_user(request, user, form, commit=False)
        user.first_name, user.last_name = form.cleaned_data.get("name", ""), ""
        if commit:
            user.save()
            Profile.detect(user, form.cleaned_data.get("time_zone"), get_language())
        return user


class SignOutEverywhereForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


def sign_out_everywhere(user, password):
    """End every session of `user` and revoke their API tokens.

    Django keeps a session only while it carries the hash of the user's password: hashing the
    same password again, with a new salt, ends them all, wherever they are stored."""
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_tokens(user)


@login_required
@require_POST
def sign_out_everywhere_view(request):
    form = SignOutEverywhereForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Not signed out: that is not your password."))
        return redirect("account_change_password")
    sign_out_everywhere(request.user, form.cleaned_data["password"])
    logout(request)
    messages.success(
        request, _("You are signed out on every device, and your API token is revoked.")
    )
    return redirect("login")
