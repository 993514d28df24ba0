"""The API's throttles decide as DRF's do, request for request, and keep a compact history."""

from array import array
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import exceptions, throttling
from rest_framework.views import APIView

from incidents.api.throttling import TogetherThrottles, UserRateThrottle

pytestmark = pytest.mark.django_db  # the cache is a table of the database (settings.CACHES)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def throttle(cls, clock, rate, scope="user"):
    cls = type(cls.__name__, (cls,), {"rate": rate, "timer": clock, "scope": scope})
    return cls()


class Together(TogetherThrottles, APIView):
    def __init__(self, throttles):
        super().__init__()
        self.throttles = throttles

    def get_throttles(self):
        return self.throttles


class OneByOne(Together):
    check_throttles = APIView.check_throttles  # DRF's own: each throttle reads and writes


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


def answer(view, request):
    try:
        view.check_throttles(request)
    except exceptions.Throttled as throttled:
        return throttled.wait
    return "allowed"


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=400, allow_nan=False), max_size=40),
    per_minute=st.integers(min_value=1, max_value=6),
    per_hour=st.integers(min_value=1, max_value=12),
)
def test_a_views_throttles_read_and_written_together_answer_as_drf_asks_each(
    gaps, per_minute, per_hour
):
    cache.clear()
    clock = Clock()

    def pair(cls):
        return [
            throttle(cls, clock, f"{per_minute}/min"),
            throttle(cls, clock, f"{per_hour}/hour", "h"),
        ]

    together = Together(pair(UserRateThrottle))
    one_by_one = OneByOne(pair(throttling.UserRateThrottle))
    for gap in gaps:
        clock.now += gap
        assert answer(together, request_by(1)) == answer(one_by_one, request_by(2))


def test_a_views_throttles_cost_one_read_and_one_write(assert_statements):
    cache.clear()
    clock = Clock()
    view = Together(
        [
            throttle(UserRateThrottle, clock, "5/min"),
            throttle(UserRateThrottle, clock, "9/hour", "h"),
        ]
    )
    with assert_statements(2):
        assert answer(view, request_by(1)) == "allowed"
    assert len(cache.get_many(["throttle_user_1", "throttle_h_1"])) == 2
