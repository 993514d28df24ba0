"""The communication clock: customers hear from us at the severity's cadence; when an update
lapses the incident's commander is told, once per lapse (a new update starts the clock again).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from incidents.models import Profile
from notifications import outbox
from notifications.models import Notification

from . import links
from .models import Entry, MajorIncident


def lapsed(now):
    return MajorIncident.objects.active().filter(
        next_update_due_at__lte=now, update_lapse_told=False
    )


def tell_lapsed(now=None):
    """Mail the commander of each incident whose customer update is overdue; returns how many."""
    now = now or timezone.now()
    told = 0
    for incident in lapsed(now).select_related("commander"):
        with transaction.atomic():
            claimed = MajorIncident.objects.filter(pk=incident.pk, update_lapse_told=False).update(
                update_lapse_told=True
            )
            if not claimed:
                continue
            _mail_commander(incident, now)
            Entry.objects.create(
                incident=incident,
                kind=Entry.Kind.UPDATE_LAPSED,
                at=now,
                data={"due_at": incident.next_update_due_at.isoformat()},
            )
        told += 1
    return told


def _mail_commander(incident, now):
    user = incident.commander
    if not user.email.strip():
        return []
    due = incident.next_update_due_at
    info = {
        "reference": incident.reference,
        "title": incident.title,
        "name": user.get_full_name() or user.get_username(),
        "due_at": due.isoformat(),
        "desk_url": links.site(reverse("desk:major", args=[incident.pk])),
    }
    cause = f"major:{incident.pk}:update-due:{due.isoformat()}"
    with override(Profile.objects.language_of(user) or settings.LANGUAGE_CODE):
        subject = gettext("[%(reference)s] Customer update overdue: %(title)s") % info
        body = render_to_string("majors/emails/update_due.txt", {"info": info}).strip() + "\n"
    row = {
        "idempotency_key": outbox.row_key(cause, Notification.Kind.MAJOR_PAGE, f"user:{user.pk}"),
        "channel": Notification.Channel.EMAIL,
        "kind": Notification.Kind.MAJOR_PAGE,
        "recipient_id": user.pk,
        "address": user.email.strip(),
        "ticket_id": None,
        "cause": cause,
        "subject": subject[:300],
        "body": body,
        "html_body": "",
        "secret": "",
        "payload": {"info": info},
        "created_at": now,
        "next_attempt_at": min(now, timezone.now()),  # due at once, also on a test clock
    }
    return outbox.insert([row], ids_only=True)
