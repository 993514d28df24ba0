"""Durations in words, as people read and type them: "1h 30m", "2d", "-15m"."""

import re

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# A bare number is seconds (what the fields held before they took words), so old input still
# means what it meant.
_PART = re.compile(r"(\d+)\s*([dhms])")
_WHOLE = re.compile(r"^(\d+\s*[dhms]\s*)+$")
FORMAT_HELP = 'Days, hours, minutes, seconds: "1h 30m", "2d", "45s"; a leading "-" means before.'


class DurationError(ValueError):
    """Text that is not a duration; the message says what to type instead."""


def short_duration(seconds):
    """At most two units: "1d 4h", "3h 5m", "42m", "<1m" (the sign is the caller's to say)."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "<1m"


def human_duration(seconds):
    """Every unit, exactly, so it reads back to the same seconds: 5400 → "1h 30m", -900 → "-15m"."""
    seconds = int(seconds)
    rest, parts = abs(seconds), []
    for unit, size in UNITS.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return ("-" if seconds < 0 else "") + (" ".join(parts) or "0s")


def parse_duration(text):
    """Seconds from "1h 30m", "2d", "-15m", "90s" or a bare number of seconds.

    Each unit at most once, largest first; anything else is a DurationError saying why."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    raw = str(text).strip().lower().replace("\u2212", "-")
    sign = -1 if raw[:1] == "-" else 1
    body = raw[1:].strip() if raw[:1] in "+-" and raw else raw
    if re.fullmatch(r"\d+", body):
        return sign * int(body)
    if not body or not _WHOLE.match(body):
        raise DurationError(f"“{text}” is not a duration. {FORMAT_HELP}")
    parts = _PART.findall(body)
    units = [unit for _, unit in parts]
    if units != sorted(set(units), key=list(UNITS).index):
        raise DurationError(f"“{text}”: give each unit once, largest first, e.g. “1d 2h 30m”.")
    return sign * sum(int(count) * UNITS[unit] for count, unit in parts)
