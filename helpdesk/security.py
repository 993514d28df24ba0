"""The client address login lockout counts, by the rule the API throttles use."""

from rest_framework.throttling import BaseThrottle


def client_ip(request):
    """REMOTE_ADDR, or with NUM_PROXIES > 0 the address the nearest trusted proxy saw."""
    return BaseThrottle().get_ident(request)
