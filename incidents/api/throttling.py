"""DRF's rate throttles with the request history kept as an array of doubles.

DRF keeps a throttled client's history as a list of timestamps, newest first, and the cache
pickles it on every request: at the default 1,200 requests a minute that is up to 1,200 floats,
about 135 µs to unpickle and pickle again per request, more the busier the client. An array is
pickled as one copy of its bytes. The rule is DRF's own, to the request: at most `num_requests`
in any `duration`, and the same Retry-After."""

from array import array
from bisect import bisect_right

from django.conf import settings
from rest_framework import throttling

from .. import roles


class CompactHistory:
    """For a SimpleRateThrottle: the history as array('d'), oldest first.

    `counts` says whether the request is counted here (and finds its key), `admit` decides
    on the history read: TogetherThrottles reads and writes every throttle of a view at once."""

    def allow_request(self, request, view):
        if not self.counts(request, view):
            return True
        if not self.admit(self.cache.get(self.key)):
            return False
        self.cache.set(self.key, self.history, self.duration)
        return True

    def counts(self, request, view):
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, view)
        return self.key is not None

    def admit(self, history):
        """DRF's rule: at most `num_requests` in the last `duration`; a request let through
        joins the history (not yet written)."""
        self.history = history or array("d")
        self.now = self.timer()
        del self.history[: bisect_right(self.history, self.now - self.duration)]
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        self.history.append(self.now)
        return True

    def wait(self):
        oldest = self.history[0] if self.history else self.now
        available = self.num_requests - len(self.history) + 1
        if available <= 0:
            return None
        return (self.duration - (self.now - oldest)) / available


class TogetherThrottles:
    """A view mixin: its throttles' histories read in one cache query and written in one,
    through DRF's documented `check_throttles` hook, where DRF asks each throttle in turn (a
    read and a write each: an API create has two throttles, and on the database cache every
    write waits for SQLite's write lock). Same rule and same Retry-After as one by one: every
    throttle is asked, a request let through is counted by each that let it through, and the
    longest wait is the answer."""

    def check_throttles(self, request):
        throttles = self.get_throttles()
        others = [t for t in throttles if not isinstance(t, CompactHistory)]
        counted = [
            t for t in throttles if isinstance(t, CompactHistory) and t.counts(request, self)
        ]
        waits = [t.wait() for t in others if not t.allow_request(request, self)]
        if counted:
            cache = counted[0].cache
            histories = cache.get_many([t.key for t in counted])
            admitted = [t for t in counted if t.admit(histories.get(t.key))]
            waits += [t.wait() for t in counted if t not in admitted]
            if admitted:
                longest = max(t.duration for t in admitted)  # a key outlives its window a little
                cache.set_many({t.key: t.history for t in admitted}, longest)
        if waits:
            self.throttled(request, max((w for w in waits if w is not None), default=None))


class AnonRateThrottle(CompactHistory, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CompactHistory, throttling.UserRateThrottle):
    pass


class TicketCreateThrottle(UserRateThrottle):
    """Tickets a customer may open, through the API and the portal together, at
    TICKET_CREATE_RATE: each one mails a receipt, so a stream of them is a stream of mail to
    one inbox. Agents open tickets for callers all day and are not counted."""

    scope = "ticket-create"

    def get_rate(self):
        return settings.TICKET_CREATE_RATE

    def counts(self, request, view):
        return not roles.is_agent(request.user) and super().counts(request, view)


class ContributionThrottle(CompactHistory, throttling.SimpleRateThrottle):
    """What a person adds to tickets (replies, files), counted per account, or for a guest per
    client address and per guest link (`extra` idents). POSTs only: reading is not throttled.

    The rate is read from settings at each request (REPLY_THROTTLE, UPLOAD_THROTTLE); the
    portal asks the same classes as the API, so a person has one allowance everywhere."""

    setting = None

    def __init__(self, ident=None):
        self.ident = ident
        super().__init__()

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = self.ident
        if ident is None:
            user = request.user
            ident = f"user-{user.pk}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ReplyRateThrottle(ContributionThrottle):
    scope, setting = "replies", "REPLY_THROTTLE"


class UploadRateThrottle(ContributionThrottle):
    scope, setting = "uploads", "UPLOAD_THROTTLE"
