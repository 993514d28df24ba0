"""The API's throttles decide as DRF's do, request for request, and keep a compact history."""

from array import array
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import throttling

from incidents.api.throttling import UserRateThrottle

pytestmark = pytest.mark.django_db  # the cache is a table of the database (settings.CACHES)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def throttle(cls, clock, rate):
    cls = type(cls.__name__, (cls,), {"rate": rate, "timer": clock})
    return cls()


def request_by(user_id):
    return SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=user_id))


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=40, allow_nan=False), max_size=40),
    limit=st.integers(min_value=1, max_value=6),
)
def test_same_answers_and_retry_after_as_drf(gaps, limit):
    cache.clear()
    clock = Clock()
    ours = throttle(UserRateThrottle, clock, f"{limit}/min")
    drf = throttle(throttling.UserRateThrottle, clock, f"{limit}/min")
    for gap in gaps:
        clock.now += gap
        allowed = ours.allow_request(request_by(1), None)
        assert allowed == drf.allow_request(request_by(2), None)
        if not allowed:
            assert ours.wait() == drf.wait()


def test_the_window_slides_and_the_history_stays_an_array_of_the_window():
    cache.clear()
    clock = Clock()
    ours = throttle(UserRateThrottle, clock, "2/min")
    answers = []
    for at in (0, 10, 20, 60.5, 61):
        clock.now = at
        answers.append(ours.allow_request(request_by(1), None))
    assert answers == [True, True, False, True, False]
    assert ours.wait() == 10 - 1  # the request of 10 s leaves the window at 70 s
    history = cache.get(ours.key)
    assert isinstance(history, array) and list(history) == [10, 60.5]
