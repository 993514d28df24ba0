"""Who a login attempt is for: the client address (by the rule the API throttles use) and the
account the name typed stands for, for the login lockout; and the lockout page."""

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils import timezone

from incidents.clients import client_ip  # AXES_CLIENT_IP_CALLABLE names it here


def _typed_name(request, credentials):
    credentials = credentials or {}
    for key in ("username", "email", "login"):
        if credentials.get(key):
            return str(credentials[key]).strip().lower()
    data = getattr(request, "POST", {}) or {}
    return str(data.get("login") or data.get("username") or "").strip().lower()


def login_name(request, credentials):
    """The account a login attempt is for, whichever form sent it (admin `username`, allauth
    `login`, or allauth's credentials by `email` or `username`): an email address stands for
    the username of its account, in any case, so one lockout counts both."""
    name = _typed_name(request, credentials)
    if "@" in name:
        username = (
            get_user_model()
            .objects.filter(email__iexact=name)
            .order_by("pk")
            .values_list("username", flat=True)
            .first()
        )
        if username:
            return username.lower()
    return name


def tries_left(request, name):
    """How many more wrong passwords `name` may type from this address before the lockout."""
    failures = AxesProxyHandler.get_failures(request, {"username": name})
    return max(settings.AXES_FAILURE_LIMIT - failures, 0)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout as a page of the site (AXES_LOCKOUT_CALLABLE): until when, and the way out
    that needs no waiting, a password reset."""
    username = login_name(request, credentials)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    until = (last or timezone.now()) + settings.AXES_COOLOFF_TIME
    return render(
        request,
        "account/lockout.html",
        {"until": until, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )
