"""portal.status: customer words for each status and the line on what happens next."""

from datetime import timedelta

from django.utils import timezone

from portal import status
from tests.conftest import utc

NOW = utc(2026, 3, 3, 9, 0)  # a Tuesday


def test_words_for_every_status():
    assert [str(status.words(s)) for s in ("new", "open", "pending", "on_hold")] == [
        "We're working on it",
        "We're working on it",
        "Waiting for your reply",
        "Waiting on a third party",
    ]
    assert str(status.words("resolved")) == "Solved: reply if it isn't"
    assert str(status.words("closed")) == "Closed"


def test_hear_from_us_by_the_response_due_time(desk_ticket, settings):
    settings.TIME_ZONE = "Europe/Paris"
    timezone.activate("Europe/Paris")
    try:
        desk_ticket.response_due_at = utc(2026, 3, 3, 9, 30)
        assert status.hear_from_us(desk_ticket, NOW) == "You'll hear from us by Tue 10:30."
        desk_ticket.response_due_at = NOW - timedelta(minutes=1)
        assert status.hear_from_us(desk_ticket, NOW) == "You'll hear from us soon."
    finally:
        timezone.deactivate()


def test_resolved_says_until_when_it_can_be_reopened(desk_ticket, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 2
    desk_ticket.resolve(agent, at=NOW)
    assert status.next_step(desk_ticket, NOW) == "Not fixed? Reply or reopen it by Thu 09:00."
    later = NOW + timedelta(days=3)
    assert (
        status.next_step(desk_ticket, later) == "If you still need help, please open a new ticket."
    )
