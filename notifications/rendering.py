"""What a notification says: the subject when the row is written; the text and HTML when it is
delivered, from the data the row froze (`payload`: the ticket and the event as the recipient
may see them, and their name), rendered once for all the rows of a cause.

Templates get plain dicts, never model instances, so a template cannot wander into a ticket's
replies (and so into internal notes) or run a query per recipient.
"""

import json
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext_lazy

from incidents import guest_access
from incidents.models import Profile, Ticket

from .models import Notification

SUBJECT_MAX = 300
CLOCKS = {"response_due": "first response", "resolution_due": "resolution"}
# Other spellings of a clock: the engine's breach data ("response") and firing kinds.
CLOCK_ALIASES = {
    "response": "response_due",
    "resolution": "resolution_due",
    "response_breach": "response_due",
    "resolution_breach": "resolution_due",
}
# The only event data a customer email may show; anything else a caller passes is dropped.
CUSTOMER_EVENT_KEYS = frozenset(
    {"reply_body", "reply_author", "rating_url", "guest_url", "set_password_url", "confirm_url"}
)


def site_url(path):
    return f"{settings.SITE_URL}{path}"


def desk_url(ticket):
    return site_url(ticket_path("desk:ticket", ticket.pk))


def portal_url(ticket):
    """The ticket's page; a guest requester (no password), or the owner of the address a held
    ticket names, gets the signed link instead."""
    if ticket.held or guest_access.is_guest(ticket.requester):
        return guest_url(ticket)
    return site_url(ticket_path("portal:ticket", ticket.pk))


_PATHS = {}
_SLOT = 918273645  # an id no test or tenant has; its digits mark where the id goes


def ticket_path(name, pk):
    """reverse(name, args=[pk]) for a URL whose one argument is a ticket id, reversed once per
    name (and urlconf and script prefix): a burst of escalation mails asks for thousands."""
    key = (name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    if key not in _PATHS:
        _PATHS[key] = reverse(name, args=[_SLOT]).split(str(_SLOT))
    before, after = _PATHS[key]
    return f"{before}{pk}{after}"


def guest_url(ticket):
    return site_url(reverse("portal:guest-ticket", args=[guest_access.token_for(ticket)]))


def guest_password_url(ticket):
    return site_url(reverse("portal:guest-password", args=[guest_access.token_for(ticket)]))


def rating_url(ticket):
    if ticket.held or guest_access.is_guest(ticket.requester):
        return site_url(reverse("portal:guest-rate", args=[guest_access.token_for(ticket)]))
    return site_url(reverse("portal:rate", args=[ticket.pk]))


def json_safe(data):
    """`data` with datetimes and other non-JSON values turned into strings."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def as_datetime(value):
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) else None


def show_time(value, with_date=True, zone=None):
    """A time in the reader's zone (`zone`, else the helpdesk's), to the minute, with the zone's
    abbreviation: `2026-12-06 16:30 UTC`."""
    value = as_datetime(value)
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone or settings.TIME_ZONE))
    return local.strftime("%Y-%m-%d %H:%M %Z" if with_date else "%H:%M %Z")


def display_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# get_FOO_display() rebuilds its choices dict on every call.
STATUS_LABELS = dict(Ticket.Status.choices)
# A frozen status label (STATUS_LABELS) and a clock, in the reader's words when rendered; the
# same entries as the desk's (desk/history.py), so one translation serves both.
STATUS_WORDS = {
    STATUS_LABELS["new"]: pgettext_lazy("ticket status", "New"),
    STATUS_LABELS["open"]: pgettext_lazy("ticket status", "Open"),
    STATUS_LABELS["pending"]: pgettext_lazy("ticket status", "Pending (waiting on customer)"),
    STATUS_LABELS["on_hold"]: pgettext_lazy("ticket status", "On hold (waiting on third party)"),
    STATUS_LABELS["resolved"]: pgettext_lazy("ticket status", "Resolved"),
    STATUS_LABELS["closed"]: pgettext_lazy("ticket status", "Closed"),
}
CLOCK_WORDS = {
    "response_due": gettext_lazy("first response"),
    "resolution_due": gettext_lazy("resolution"),
}
PRIORITY_LABELS = dict(Ticket._meta.get_field("priority").choices)


def public_ticket(ticket, url=None):
    """What a customer may read about their own ticket (`url`: the page it links to, the
    portal's unless given). `at` keeps the instants of its shown times, which `localized`
    shows again in each reader's zone."""
    info = {
        "id": ticket.pk,
        "opened": show_time(ticket.created_at),
        "at": json_safe({"opened": ticket.created_at}),
        "reference": ticket.reference or f"HD-{ticket.pk}",
        "subject": ticket.subject,
        "description": ticket.description,
        "status": STATUS_LABELS.get(ticket.status, ticket.status),
        "url": url or portal_url(ticket),
    }
    if getattr(ticket, "drill", False):
        # A drill's mail (majors.drills) says so first, and links the drill's acknowledgement.
        info["drill"] = True
        info["drill_url"] = site_url(ticket_path("desk:drill-ack", ticket.pk))
    return info


def agent_ticket(ticket):
    """What an agent's email shows: the public data plus priority, team, people and clocks."""
    info = public_ticket(ticket, url=desk_url(ticket))
    info.update(
        priority=ticket.priority,
        priority_label=PRIORITY_LABELS.get(ticket.priority, ticket.priority),
        team=ticket.team.name if ticket.team_id else "",
        requester=display_name(ticket.requester),
        assignee=display_name(ticket.assignee) if ticket.assignee_id else "",
        response_due_at=show_time(ticket.response_due_at),
        resolution_due_at=show_time(ticket.resolution_due_at),
        escalation_level=ticket.escalation_level,
        breached=ticket.breached,
    )
    info["at"].update(
        json_safe(
            {
                "response_due_at": ticket.response_due_at,
                "resolution_due_at": ticket.resolution_due_at,
            }
        )
    )
    return info


def clock_of(event, firing=None):
    """Which SLA clock an agent notification is about: `response_due` or `resolution_due`."""
    candidates = (
        event.get("clock"),
        event.get("anchor"),
        getattr(firing, "kind", None),
        getattr(firing, "anchor", None),
    )
    for value in candidates:
        value = CLOCK_ALIASES.get(value, value)
        if value in CLOCKS:
            return value
    return ""


def deadline_of(ticket, clock, event):
    """The deadline a warning is about: given by the caller, else the ticket's own due time."""
    given = as_datetime(event.get("deadline")) or as_datetime(event.get("anchor_at"))
    if given:
        return given
    if clock == "response_due":
        return ticket.response_due_at
    return ticket.resolution_due_at if clock == "resolution_due" else None


def event_info(kind, ticket, context, firing=None):
    """The JSON-safe event data a notification is rendered from (and a webhook carries)."""
    event = json_safe(context)
    if kind in Notification.PUBLIC_KINDS:
        return {k: v for k, v in event.items() if k in CUSTOMER_EVENT_KEYS}
    clock = clock_of(event, firing)
    deadline = deadline_of(ticket, clock, event)
    if firing is not None:
        event.setdefault("level", firing.level)
        event.setdefault("repeat", firing.repeat)
        event.setdefault("due_at", firing.due_at.isoformat())
    event.update(clock=clock, clock_label=CLOCKS.get(clock, ""))
    event.setdefault("team", ticket.team.name if ticket.team_id else "")
    if deadline:
        event.update(
            deadline=deadline.isoformat(),
            deadline_label=show_time(deadline),
            deadline_time=show_time(deadline, with_date=False),
        )
    return event


def localized(info, event, zone):
    """`info` and `event` with their times shown in the reader's `zone` (rows frozen before
    the instants were kept show the helpdesk's zone, as they did)."""
    if not zone:
        return info, event
    info = {**info, **{k: show_time(v, zone=zone) for k, v in (info.get("at") or {}).items()}}
    if event.get("deadline"):
        event = {
            **event,
            "deadline_label": show_time(event["deadline"], zone=zone),
            "deadline_time": show_time(event["deadline"], with_date=False, zone=zone),
        }
    return info, event


def subject_line(kind, info, event):
    """The subject, always carrying the ticket reference so replies and filters can find it."""
    ref, title = f"[{info['reference']}]", info["subject"]
    words = {"ref": ref, "title": title}
    if kind == "received":
        text = _("%(ref)s We received your request: %(title)s") % words
    elif kind == "reply":
        text = _("Re: %(ref)s %(title)s") % words
    elif kind == "resolved":
        text = _("%(ref)s Resolved: %(title)s") % words
    elif kind == "contact_update":
        text = _("%(ref)s Update: %(title)s") % words
    elif kind == "assigned":
        text = _("%(ref)s Assigned to you: %(title)s") % words
    elif kind == "escalated":
        text = _("%(ref)s Escalated to %(team)s%(level)s") % {
            "ref": ref,
            "team": event.get("team") or _("the next tier"),
            "level": level_note(event),
        }
    elif kind == "followed":
        text = _("%(ref)s %(actor)s %(change)s: %(title)s") % {
            **words,
            "actor": event.get("actor") or _("Someone"),
            "change": change_text(event) or _("updated it"),
        }
    elif kind == "sla_warning":
        clock = event.get("clock_label") or _("deadline")
        if event.get("deadline_time"):
            said = _("%(ref)s SLA warning: %(clock)s due %(time)s")
        else:
            said = _("%(ref)s SLA warning: %(clock)s")
        text = said % {"ref": ref, "clock": clock, "time": event.get("deadline_time")}
    else:
        text = _("%(ref)s SLA breached: %(what)s") % {
            "ref": ref,
            "what": event.get("clock_label") or title,
        }
    if info.get("drill"):
        text = _("[DRILL] %(subject)s") % {"subject": text}
    return re.sub(r"\s+", " ", text).strip()[:SUBJECT_MAX]


def level_note(event):
    level, repeat = event.get("level"), event.get("repeat")
    if level and repeat:
        return _(" (level %(level)s, reminder %(repeat)s)") % {"level": level, "repeat": repeat}
    if level:
        return _(" (level %(level)s)") % {"level": level}
    if repeat:
        return _(" (reminder %(repeat)s)") % {"repeat": repeat}
    return ""


def change_text(event):
    """What a follower is told changed, in the reader's language, from the facts the row
    froze (notifications.reactions.change_facts). A row written before the facts were kept
    froze the words, in English, and reads them as they were."""
    if event.get("change"):
        return event["change"]
    changed = event.get("changed")
    if changed == "status_changed":
        label = STATUS_LABELS.get(event.get("status"), event.get("status") or "")
        word = str(STATUS_WORDS.get(label, label)).lower()
        return _("changed the status to %(status)s") % {"status": word}
    if changed == "rated":
        return _("rated the outcome %(rating)s/5") % {"rating": event.get("rating")}
    if changed == "replied":
        return _("replied")
    return ""


def worded(kind, info, event):
    """`info` and `event` with the words frozen in English (a status label, a clock, a
    follower's change) said in the current language, for an agent's mail."""
    if kind in Notification.PUBLIC_KINDS:
        return info, event
    status = info.get("status")
    info = {**info, "status": str(STATUS_WORDS.get(status, status or ""))}
    event = {**event}
    if event.get("clock") in CLOCK_WORDS:
        event["clock_label"] = str(CLOCK_WORDS[event["clock"]])
    if kind == "followed":
        event["change"] = change_text(event)
    return info, event


def render_email(kind, info, event, recipient, name=None):
    """(subject, text, html) of one email, in the current language; `info` and `event` come
    from the helpers above."""
    info, event = worded(kind, info, event)
    context = {
        "kind": kind,
        "ticket": info,
        "event": event,
        "recipient_name": display_name(recipient) if name is None else name,
        "for_agent": kind not in Notification.PUBLIC_KINDS,
        "site_url": settings.SITE_URL,
        "replies_by_mail": settings.MAIL_INBOUND,
    }
    text = render_to_string(f"notifications/emails/{kind}.txt", context)
    html = render_to_string(f"notifications/emails/{kind}.html", context)
    return subject_line(kind, info, event), text.strip() + "\n", html


# Unguessable, so no text a customer writes can contain it; letters only, so escaping keeps it.
NAME_SLOT = f"recipient{uuid.uuid4().hex}"


def email_renderer(kind, info, event):
    """render_email for the many recipients of one cause: the templates are rendered once and
    each recipient's name, the only thing that differs between them, is put in afterwards
    (escaped for the HTML part, as the template would). The renderer takes the name."""
    subject, text, html = render_email(kind, info, event, None, name=NAME_SLOT)

    def render(name):
        return subject, text.replace(NAME_SLOT, name), html.replace(NAME_SLOT, escape(name))

    return render


def render_rows(rows):
    """Fill in the subject, text and HTML of email rows written without them, in memory (the
    delivery worker saves them with the outcome), in each recipient's language and with times
    in their zone (their profile: one query).
    The rows of one cause and zone share the ticket and event they froze: their templates are
    rendered once, and only the name differs (email_renderer)."""
    todo = [
        row
        for row in rows
        if row.channel == Notification.Channel.EMAIL and not row.body and "ticket" in row.payload
    ]  # not: a webhook, or a row rendered when it was written (before this version)
    readers = {row.recipient_id for row in todo if row.recipient_id}
    chosen = Profile.objects.reading_for(readers) if readers else {}
    renderers = {}
    for row in todo:
        info, event = row.payload["ticket"], row.payload.get("event") or {}
        zone, language = chosen.get(row.recipient_id, ("", ""))
        same = (row.kind, zone, language, json.dumps([info, event], sort_keys=True))
        if same not in renderers:
            with override(language or settings.LANGUAGE_CODE):
                renderers[same] = email_renderer(row.kind, *localized(info, event, zone))
        subject, row.body, row.html_body = renderers[same](row.payload.get("name", ""))
        row.subject = subject[:SUBJECT_MAX]
    return rows
