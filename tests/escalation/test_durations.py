"""Durations as supervisors type and read them: "1h 30m", "2d", "-15m", stored as seconds."""

import pytest

from escalation.durations import DurationError, human_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h 30m", 5400),
        ("2d", 172800),
        ("-15m", -900),
        ("−15m", -900),  # the typographic minus the old pages showed
        ("+1h", 3600),
        ("1d2h", 93600),
        (" 45S ", 45),
        ("300", 300),  # a bare number is seconds, as the fields took before
        ("-300", -300),
        ("0", 0),
    ],
)
def test_parse_reads_words_and_bare_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "-", "1x", "h", "1.5h", "--5m", "1 hour", "1m 1h", "1h 1h"])
def test_parse_refuses_what_is_not_a_duration_and_says_why(text):
    with pytest.raises(DurationError, match=r"duration|each unit once"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5400, "1h 30m"), (86400, "1d"), (-900, "-15m"), (90061, "1d 1h 1m 1s"), (0, "0s")],
)
def test_human_form_is_exact(seconds, text):
    assert human_duration(seconds) == text


@pytest.mark.parametrize("seconds", [1, 59, 61, 3599, 86399, 90 * 86400, -7776000, 123456])
def test_human_form_reads_back_to_the_same_seconds(seconds):
    assert parse_duration(human_duration(seconds)) == seconds
