"""A small fixed-window counter in Django's cache, for forms anyone may post (guest tickets).

Sign-up, login and password reset are throttled by allauth (ACCOUNT_RATE_LIMITS); this covers
what allauth does not see.
"""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def hit(scope, ident, limit, window=WINDOW_SECONDS):
    """Count one attempt for `ident`; False once it has made more than `limit` in the window."""
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit
