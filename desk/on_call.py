"""The workspace's "who answers" panel: each on-call layer's holder now, until when, and next."""

from datetime import timedelta

from django.utils.translation import pgettext_lazy

from escalation import oncall
from incidents import roles

AHEAD = timedelta(days=14)
LAYER_NAMES = {
    1: pgettext_lazy("on-call layer", "primary"),
    2: pgettext_lazy("on-call layer", "secondary"),
}


def on_call_panel(team, now):
    """Who answers for `team`: each layer's holder now (until when) and who comes next, with
    names; None when the team keeps no rotation and no override. Four queries."""
    if team is None:
        return None
    plan = oncall.schedule([team.pk], now, now + AHEAD)
    rows, ids = [], set()
    for layer, name in LAYER_NAMES.items():
        segments = plan[(team.pk, layer)]
        current = oncall.holder_at(segments, now)
        later = [s for s in segments if s.start > now and s.user is not None]
        upcoming = next((s for s in later if not current or s.user != current.user), None)
        if all(s.user is None for s in segments):
            continue  # no rotation or override holds this layer in the next 14 days
        rows.append((name, current, upcoming))
        ids |= {s.user for s in (current, upcoming) if s and s.user}
    if not rows:
        return None
    people = {u.pk: u for u in roles.agents().filter(pk__in=ids)}
    return [
        {
            "layer": name,
            "now": people.get(current.user) if current and current.user else None,
            "until": current.end if current and current.user else None,
            "next": people.get(upcoming.user) if upcoming else None,
            "from": upcoming.start if upcoming else None,
        }
        for name, current, upcoming in rows
    ]
