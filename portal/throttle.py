"""Throttles for what the portal's forms add: guest tickets (a small fixed-window counter in
Django's cache), and replies and files (the API's throttles, so a person has one allowance).

Sign-up, login and password reset are throttled by allauth (ACCOUNT_RATE_LIMITS); this covers
what allauth does not see.
"""

import hashlib

from django.core.cache import cache

from incidents.api.throttling import ReplyRateThrottle, UploadRateThrottle
from incidents.clients import client_ip

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


def allows(request, *, reply=False, files=False, guest_ticket=None):
    """Count one more reply and/or message with files; False once over REPLY_THROTTLE or
    UPLOAD_THROTTLE: per account, or for a guest per link and per client address."""
    wanted = [cls for cls, yes in ((ReplyRateThrottle, reply), (UploadRateThrottle, files)) if yes]
    idents = [None] if guest_ticket is None else [f"guest-{guest_ticket.pk}", client_ip(request)]
    answers = [cls(ident).allow_request(request, None) for cls in wanted for ident in idents]
    return all(answers)
