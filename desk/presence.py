"""Who else is on a ticket: viewing it, or typing a reply (UI.md "Collision", in the manner of
Help Scout's traffic cop). Each open workspace beats every few seconds (htmx, static/presence.js)
into the shared cache every web process reads (Redis, or the database's: helpdesk/cache.py); a
beat counts for TTL seconds.

One cache entry per ticket maps user ids to (name, state, when). Two processes writing it at the
same instant may drop one beat; the next beat, a few seconds later, puts it back."""

import time

from django.core.cache import cache

TTL = 20
BEAT_SECONDS = 5
VIEWING, TYPING = "viewing", "typing"
STATES = (VIEWING, TYPING)


def _key(ticket_id):
    return f"presence:{ticket_id}"


def _fresh(entry, now):
    return {pk: seen for pk, seen in (entry or {}).items() if now - seen[2] < TTL}


def beat(ticket_id, user, state, now=None):
    """`user` is on the ticket, in `state` (viewing unless typing)."""
    now = time.time() if now is None else now
    here = _fresh(cache.get(_key(ticket_id)), now)
    name = user.get_full_name() or user.get_username()
    here[user.pk] = (name, state if state in STATES else VIEWING, now)
    cache.set(_key(ticket_id), here, TTL)


def leave(ticket_id, user, now=None):
    now = time.time() if now is None else now
    here = _fresh(cache.get(_key(ticket_id)), now)
    if here.pop(user.pk, None) is not None:
        cache.set(_key(ticket_id), here, TTL)


def others(ticket_id, user, now=None):
    """[(name, state)] of the others on the ticket now, typing first, then by name."""
    return on_tickets([ticket_id], user, now).get(ticket_id, [])


def on_tickets(ticket_ids, user, now=None):
    """{ticket id: [(name, state)]} of the others on each ticket now; one cache read."""
    now = time.time() if now is None else now
    found = cache.get_many([_key(pk) for pk in ticket_ids])
    people = {}
    for pk in ticket_ids:
        here = _fresh(found.get(_key(pk)), now)
        listed = [(name, state) for uid, (name, state, _) in here.items() if uid != user.pk]
        if listed:
            people[pk] = sorted(listed, key=lambda p: (p[1] != TYPING, p[0]))
    return people
