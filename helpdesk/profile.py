"""Your settings: the name others see, and the language and time zone of your pages and mails."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from incidents.models import Profile
from incidents.models.profiles import ZONES

from . import zones


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=150,
        help_text=gettext_lazy("Shown to the people you write to."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        help_text=gettext_lazy("Of these pages and of our mails to you."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=[(zone, zone.replace("_", " ")) for zone in ZONES],
        help_text=gettext_lazy("Times on every page and in our mails are shown in this zone."),
    )


@login_required
def profile(request):
    """Show and change the name and the time zone."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user.first_name, user.last_name = form.cleaned_data["name"].strip(), ""
            user.save(update_fields=["first_name", "last_name"])
            zone, language = form.cleaned_data["time_zone"], form.cleaned_data["language"]
            Profile.objects.update_or_create(
                user=user, defaults={"time_zone": zone, "language": language}
            )
            zones.remember(request, zone, language)
            messages.success(request, _("Your settings are saved."))
            return redirect("profile")
        status = 400
    else:
        initial = {
            "name": user.get_full_name(),
            "time_zone": Profile.objects.zone_of(user),
            "language": Profile.objects.language_of(user) or get_language(),
        }
        form, status = ProfileForm(initial=initial), 200
    context = {"form": form, "current_zone": zones.current(), "now": timezone.now()}
    return render(request, "account/profile.html", context, status=status)
