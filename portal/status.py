"""What a customer reads about a ticket's state (UI.md "Portal"): no priorities, teams or SLA
jargon; the status in plain words and one line on what happens next."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation import clock_state

WORDS = {
    "new": gettext_lazy("We're working on it"),
    "open": gettext_lazy("We're working on it"),
    "pending": gettext_lazy("Waiting for your reply"),
    "on_hold": gettext_lazy("Waiting on a third party"),
    "resolved": gettext_lazy("Solved: reply if it isn't"),
    "closed": gettext_lazy("Closed"),
}

OPEN_STATUSES = ("new", "open", "pending", "on_hold")
CLOSED_STATUSES = ("resolved", "closed")


def words(status):
    return WORDS[status]


def short_time(value, now=None):
    """'Tue 10:30' in the current time zone; with the date when it is a week or more away."""
    local = timezone.localtime(value)
    now = timezone.localtime(now or timezone.now())
    if abs((local - now).days) >= 6:
        return date_format(local, "D j M H:i")
    return date_format(local, "D H:i")


def hear_from_us(ticket, now=None):
    """When the customer will hear from us: by the first-response due time, or soon."""
    now = now or timezone.now()
    response = clock_state.response_state(ticket, now)
    if response.state == clock_state.RUNNING:
        when = short_time(response.due, now)
        return _("You'll hear from us by %(when)s.") % {"when": when}
    return _("You'll hear from us soon.")


def next_step(ticket, now=None):
    """One line on what happens next and by when."""
    now = now or timezone.now()
    if ticket.status in ("new", "open"):
        if ticket.acknowledged_at is None:
            return hear_from_us(ticket, now)
        return _("We'll write here as soon as we have news.")
    if ticket.status == "pending":
        return _("We need an answer from you to go on: please reply below.")
    if ticket.status == "on_hold":
        return _("We're waiting on someone outside our team and will update you here.")
    if ticket.status == "resolved":
        until = ticket.reopen_until()
        if until and now < until:
            return _("Not fixed? Reply or reopen it by %(when)s.") % {
                "when": short_time(until, now)
            }
        return _("If you still need help, please open a new ticket.")
    return _("This ticket is closed. If you still need help, please open a new ticket.")


def next_moment(ticket, now=None):
    """The instant `next_step` names, if it names one: the page gives it as a tooltip."""
    now = now or timezone.now()
    if ticket.status in ("new", "open") and ticket.acknowledged_at is None:
        response = clock_state.response_state(ticket, now)
        return response.due if response.state == clock_state.RUNNING else None
    until = ticket.reopen_until() if ticket.status == "resolved" else None
    return until if until and now < until else None
