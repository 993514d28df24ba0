"""What the desk and the API show of an incident: the board (each party, its people, when its
pages went out) and the communication clock, in a fixed number of queries."""

from django.utils.translation import gettext

from escalation.durations import short_duration
from incidents import roles
from notifications.models import Notification

from . import paging


def delivered(incident):
    """{party id: when its first page was sent}, from the outbox rows, one query."""
    first = {}
    rows = Notification.objects.filter(
        cause__startswith=f"major:{incident.pk}:party:", sent_at__isnull=False
    ).values_list("cause", "sent_at")
    for cause, sent_at in rows:
        party_id = paging.party_of(cause)
        if party_id not in first or sent_at < first[party_id]:
            first[party_id] = sent_at
    return first


def update_clock(incident, now):
    """("due" | "overdue" | None, words): "Next customer update due in 12m"."""
    left = incident.update_due_in(now)
    if left is None:
        return None, ""
    if left < 0:
        return "overdue", gettext("Customer update overdue %(time)s") % {
            "time": short_duration(left)
        }
    return "due", gettext("Next customer update due in %(time)s") % {"time": short_duration(left)}


def names_of(parties):
    """{user id: name} of everyone paged for these parties, one query."""
    ids = {pk for party in parties for pk in party.paged}
    people = roles.agents().filter(pk__in=ids) if ids else []
    return {user.pk: user.get_full_name() or user.get_username() for user in people}
