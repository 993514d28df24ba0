"""Who a login attempt is for: the client address (by the rule the API throttles use) and the
name typed, for the login lockout."""

from incidents.clients import client_ip  # noqa: F401 (AXES_CLIENT_IP_CALLABLE names it here)


def login_name(request, credentials):
    """The name a login attempt typed, whichever form sent it (admin `username`, allauth `login`,
    or allauth's credentials by `email` or `username`)."""
    credentials = credentials or {}
    for key in ("username", "email", "login"):
        if credentials.get(key):
            return str(credentials[key]).strip().lower()
    data = getattr(request, "POST", {}) or {}
    return str(data.get("login") or data.get("username") or "").strip().lower()
