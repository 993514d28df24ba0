"""Durations in words, as people read them at a glance."""


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
