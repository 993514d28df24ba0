"""Paging: who answers for each party, and their pages written to the outbox and handed to the
workers on the urgent list, ahead of ordinary mail.

A team is answered by its on-call primary (escalation.oncall), or by its leads when no
rotation holds the layer; an away person is replaced by their deputy (incidents.availability).
Every page is an outbox row whose key names the incident, the party, the page's number and the
recipient, so a retry or a second worker never sends it twice, and a failed send is retried
by the outbox's own rules.
"""

from contextlib import nullcontext

from django.conf import settings
from django.db import router, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.tasks import async_task

from escalation import oncall
from incidents import availability, roles
from incidents.models import Membership, Profile
from notifications import outbox, tasks
from notifications.models import Notification

from . import links

KIND = Notification.Kind.MAJOR_PAGE.value


def who_answers(team_ids, at):
    """{team id: [user ids to page]}: the on-call primary, else the team's leads."""
    holders = oncall.on_call(team_ids, at)
    leads = {}
    for team_id, user_id in Membership.objects.filter(
        team_id__in=team_ids, role=Membership.Role.LEAD
    ).values_list("team_id", "user_id"):
        leads.setdefault(team_id, []).append(user_id)
    return {
        team_id: [holders[team_id].primary] if holders[team_id].primary else leads.get(team_id, [])
        for team_id in team_ids
    }


def choose(parties, at):
    """Fill in each team party's `paged` and `skipped` as of `at` (deputies for the away)."""
    team_ids = [p.team_id for p in parties if p.team_id]
    wanted = who_answers(team_ids, at) if team_ids else {}
    away = availability.deputies_at(at) if team_ids else {}
    for party in parties:
        if party.team_id:
            reached = availability.reach(wanted[party.team_id], at, away=away)
            party.paged = reached.told
            party.skipped = [list(pair) for pair in reached.skipped]


def page(incident, parties, now):
    """Write one page per person (and per contact's address) of each party, numbered by the
    party's `pages`, and hand them to the urgent list. Returns the new rows' ids."""
    people = roles.agents().filter(pk__in={pk for p in parties for pk in p.paged}).in_bulk()
    rows = []
    for party in parties:
        cause = f"major:{incident.pk}:party:{party.pk}:page:{party.pages}"
        party.names = (
            [_name(people[pk]) for pk in party.paged if pk in people]
            if party.team_id
            else [party.contact.name]
        )
        if party.team_id:
            for user_id in party.paged:
                user = people.get(user_id)
                if user is not None and user.email.strip():
                    rows.append(_email(incident, party, cause, user.email, user, now))
        elif party.contact.is_active:
            contact = party.contact
            if contact.email.strip():
                rows.append(_email(incident, party, cause, contact.email, None, now))
            if contact.webhook_url:
                rows.append(_webhook(incident, party, cause, contact, now))
    fresh = set(outbox.new_keys([row["idempotency_key"] for row in rows]))
    rows = [row for row in rows if row["idempotency_key"] in fresh]
    return outbox.insert(rows, ids_only=True, queue_with=queue_urgent) if rows else []


def party_of(cause):
    """The party id a page's cause names (`major:<incident>:party:<party>:page:<n>`)."""
    return int(cause.split(":")[3])


def parties_paged(incident, user):
    """Ids of the incident's parties whose pages were addressed to `user`, one query."""
    causes = Notification.objects.filter(
        cause__startswith=f"major:{incident.pk}:party:", recipient_id=user.pk
    ).values_list("cause", flat=True)
    return {party_of(cause) for cause in causes}


def _name(user):
    return user.get_full_name() or user.get_username()


def facts(incident, party, recipient_name, ack_url, now):
    """What a page says, as data: the incident as declared, nothing from an internal note. A
    team's people are agents and read the responders' summary; a contact is outside and reads
    the public one only (MajorIncident.public_view)."""
    return {
        "reference": incident.reference,
        "title": incident.title,
        "severity": incident.severity,
        "summary": incident.summary if party.team_id else incident.public_summary,
        "party": party.name,
        "page": party.pages + 1,
        "declared_at": incident.declared_at.isoformat(),
        "ack_url": ack_url,
        "name": recipient_name,
        "at": now.isoformat(),
    }


def subject(info):
    """The page's subject in the active language (the recipient's: `_email`)."""
    words = {k: info[k] for k in ("reference", "severity", "title", "page")}
    if info["page"] > 1:
        text = gettext("[%(reference)s] %(severity)s major incident: %(title)s (page %(page)s)")
    else:
        text = gettext("[%(reference)s] %(severity)s major incident: %(title)s")
    return (text % words)[:300]


def _common(incident, party, cause, target, now):
    return {
        "idempotency_key": outbox.row_key(cause, KIND, target),
        "kind": KIND,
        "ticket_id": None,
        "cause": cause,
        "secret": "",
        "body": "",
        "html_body": "",
        "created_at": now,
        "next_attempt_at": min(now, timezone.now()),  # due at once, also on a test clock
    }


def _email(incident, party, cause, address, user, now):
    name = _name(user) if user else party.contact.name
    info = facts(incident, party, name, links.url(party.pk, user.pk if user else None), now)
    if user is not None:
        info["desk_url"] = links.site(reverse("desk:major", args=[incident.pk]))
    target = f"user:{user.pk}:email" if user else f"contact:{party.contact_id}:email"
    context = {"page": info}
    # Rendered now (a page is a few rows, and the delivery worker skips rendered rows), in the
    # person's language; a contact has no profile and reads the helpdesk's.
    language = (Profile.objects.language_of(user) if user else "") or settings.LANGUAGE_CODE
    with override(language):
        context["language"] = language
        return {
            **_common(incident, party, cause, target, now),
            "channel": Notification.Channel.EMAIL,
            "recipient_id": user.pk if user else None,
            "address": address.strip(),
            "subject": subject(info),
            "body": render_to_string("majors/emails/page.txt", context).strip() + "\n",
            "html_body": render_to_string("majors/emails/page.html", context),
            "payload": {"page": info, "headers": {"X-Tierdesk-Incident": incident.reference}},
        }


def _webhook(incident, party, cause, contact, now):
    info = facts(incident, party, contact.name, links.url(party.pk), now)
    return {
        **_common(incident, party, cause, f"contact:{contact.pk}:webhook", now),
        "channel": Notification.Channel.WEBHOOK,
        "recipient_id": None,
        "address": contact.webhook_url,
        "secret": contact.webhook_secret,
        "subject": subject(info),
        "payload": {"event": {"kind": KIND, **info}, "summary": subject(info)},
    }


def queue_urgent(ids):
    """Hand page rows to the workers on the broker's urgent list (the one escalation firings
    take, read before the rest of the queue: escalation/broker.py), so a page never waits
    behind a backlog of ordinary mail. With the transaction that wrote them when the broker's
    tasks are rows of the same database, else on commit; a broker that is down only delays
    them: the outbox sweep sends whatever stays queued."""
    if not ids:
        return

    def push():
        broker = get_broker()
        with transaction.atomic(using=Conf.ORM) if Conf.ORM else nullcontext():
            async_task(
                "notifications.tasks.deliver",
                list(ids),
                broker=getattr(broker, "firings", broker),
                save=False,
                task_name="major-page",
            )

    tasks.with_the_rows(push, router.db_for_write(Notification))
