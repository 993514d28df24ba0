"""Who is asking: the one client address every throttle and the login lockout count by."""

from rest_framework.throttling import BaseThrottle


def client_ip(request):
    """REMOTE_ADDR, or with NUM_PROXIES > 0 the address the nearest trusted proxy saw.

    DRF's rule, so the API throttles, the page throttles and django-axes agree: a client's
    own X-Forwarded-For entries are never trusted, and behind a proxy each client counts alone."""
    return BaseThrottle().get_ident(request)
