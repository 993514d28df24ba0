"""What happens to a major incident: declared, acknowledged, linked, updated, resolved.

Each method changes the incident and writes its timeline entry in one transaction; pages go
through majors.paging, replies to linked tickets through the tickets' own lifecycle (so each
requester's mail is the ordinary reply mail, with their own ticket's reference)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from incidents import roles
from incidents.models.lifecycle import TransitionError

from . import paging


class IncidentError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class NotAllowed(IncidentError):
    """The person may not do this to the incident (the API answers 403)."""


def _now(at):
    return at or timezone.now()


class IncidentLifecycle:
    @classmethod
    def declare(
        cls,
        commander,
        title,
        severity,
        summary="",
        teams=(),
        contacts=(),
        tickets=(),
        at=None,
        public_summary="",
    ):
        """Create the incident, page every party at once, and link the tickets."""
        if not roles.is_agent(commander):
            raise IncidentError(gettext("Only agents can declare a major incident."))
        if not teams and not contacts:
            raise IncidentError(
                gettext("Choose at least one team or contact to call."), field="teams"
            )
        at = _now(at)
        # A team or contact named twice is called once (the parties are unique).
        teams, contacts, tickets = (list(dict.fromkeys(x)) for x in (teams, contacts, tickets))
        with transaction.atomic():
            incident = cls.objects.create(
                title=title,
                severity=severity,
                summary=summary,
                public_summary=public_summary,
                commander=commander,
            )
            incident.declared_at = at
            incident.next_update_due_at = at + incident.rules.update_every
            incident.save(update_fields=["declared_at", "next_update_due_at"])
            incident.teams.set(teams)
            incident.contacts.set(contacts)
            incident.entries.create(kind="declared", at=at, actor=commander)
            party = incident.parties.model
            parties = [party(incident=incident, kind="team", team=team) for team in teams]
            parties += [party(incident=incident, kind="contact", contact=c) for c in contacts]
            paging.choose(parties, at)
            incident.parties.bulk_create(parties)
            parties = list(incident.parties.select_related("team", "contact"))
            incident.page_all(parties, at)
            for ticket in tickets:
                incident.link(commander, ticket, at=at)
        return incident

    def page_all(self, parties, at):

        paging.page(self, parties, at)
        self.parties.filter(pk__in=[p.pk for p in parties]).update(
            pages=1, notified_at=at, next_page_at=at + self.rules.repage_every
        )
        self.entries.bulk_create(
            self.entries.model(
                incident=self,
                kind="paged",
                at=at,
                data={
                    "party": party.name,
                    "paged": party.paged,
                    "skipped": party.skipped,
                    "names": party.names,
                    "nobody": not party.reachable,  # never silent: the board says unreached
                },
            )
            for party in parties
        )

    def parties_of(self, user, parties=None):
        """The parties `user` was paged for (of `parties`, read already, or all): paged now, or
        by an earlier page (the on-call person may have handed over since; their page still
        asks them to answer)."""
        earlier = paging.parties_paged(self, user)
        parties = self.parties.all() if parties is None else parties
        return [p for p in parties if user.pk in p.paged or p.pk in earlier]

    def may_speak(self, user):
        """Who may post public updates and resolve (both write to every linked requester):
        the commander, supervisors, and the members of the teams called."""
        return (
            user.pk == self.commander_id
            or roles.is_supervisor(user)
            or self.teams.filter(memberships__user=user).exists()
        )

    def _speaker(self, user):
        if not self.may_speak(user):
            raise NotAllowed(
                gettext(
                    "Only the commander, supervisors and the called teams speak for this incident."
                )
            )

    def acknowledge(self, user, party=None, at=None, name=""):
        """Mark `party` (or every party `user` was paged for) acknowledged: only its own
        re-paging stops. `user` None: the holder of a contact's link. Returns the parties."""

        at = _now(at)
        if not self.is_active:
            raise IncidentError(gettext("This incident is resolved."))
        parties = [party] if party else (self.parties_of(user) if user else [])
        if not parties:
            raise IncidentError(gettext("You were not paged for this incident."))
        who = name or (user.get_full_name() or user.get_username() if user else "")
        done = []
        with transaction.atomic():
            for one in parties:
                changed = self.parties.filter(pk=one.pk, acknowledged_at__isnull=True).update(
                    acknowledged_at=at,
                    acknowledged_by=user,
                    acknowledged_by_name=who,
                    next_page_at=None,  # a round claimed a moment ago is dropped (repaging)
                )
                if changed:
                    done.append(one)
                    self.entries.create(
                        kind="acknowledged",
                        at=at,
                        actor=user,
                        data={"party": one.name, "by": who},
                    )
        return done

    def join(self, user, at=None):
        """`user` is on the bridge: their parties show joined (acknowledging them if needed)."""

        at = _now(at)
        parties = self.parties_of(user)
        if not parties:
            raise IncidentError(gettext("You were not paged for this incident."))
        with transaction.atomic():
            if any(not p.acknowledged_at for p in parties):
                self.acknowledge(user, at=at)
            self.parties.filter(pk__in=[p.pk for p in parties], joined_at__isnull=True).update(
                joined_at=at
            )
            self.entries.create(kind="joined", at=at, actor=user)

    def link(self, actor, ticket, at=None):
        """Link a ticket: its requester hears the incident's public updates and resolution."""

        if ticket.status == "closed":
            raise IncidentError(
                gettext("%(ticket)s is closed.") % {"ticket": ticket.reference}, field="ticket"
            )
        if ticket.drill:  # its updates would be mail to the supervisor who ran the drill
            raise IncidentError(
                gettext("%(ticket)s is a drill ticket.") % {"ticket": ticket.reference},
                field="ticket",
            )
        if self.tickets.filter(pk=ticket.pk).exists():
            return False
        with transaction.atomic():
            self.tickets.add(ticket)
            self.entries.create(
                kind="linked",
                at=_now(at),
                actor=actor,
                data={"ticket": ticket.pk, "reference": ticket.reference},
            )
        return True

    def post_update(self, actor, body, at=None):
        """A public update: a public reply on every open linked ticket (each requester mailed
        with their own ticket's reference), and the communication clock starts again."""

        at = _now(at)
        if not self.is_active:
            raise IncidentError(gettext("This incident is resolved."))
        self._speaker(actor)
        with transaction.atomic():
            replied = self._reply_to_tickets(actor, body, at)
            self.entries.create(
                kind="update",
                at=at,
                actor=actor,
                body=body,
                data={"tickets": replied},
            )
            self.next_update_due_at = at + self.rules.update_every
            self.update_lapse_told = False
            self.save(update_fields=["next_update_due_at", "update_lapse_told"])

    def post_note(self, actor, body, at=None):
        """An internal note: on the incident's timeline only, never on a ticket or in a mail."""

        self.entries.create(kind="note", at=_now(at), actor=actor, body=body)

    def resolve(self, actor, body, at=None):
        """Resolve the incident and every linked ticket, each with the closing message."""

        at = _now(at)
        if not self.is_active:
            raise IncidentError(gettext("This incident is already resolved."))
        self._speaker(actor)
        with transaction.atomic():
            replied = self._reply_to_tickets(actor, body, at)
            for ticket in self.tickets.exclude(status__in=["resolved", "closed"]):
                ticket.resolve(actor, at=at)
            self.parties.update(next_page_at=None)  # no page after this, claimed or not
            self.status = self.Status.RESOLVED
            self.resolved_at = at
            self.next_update_due_at = None
            self.save(update_fields=["status", "resolved_at", "next_update_due_at"])
            self.entries.create(
                kind="resolved",
                at=at,
                actor=actor,
                body=body,
                data={"tickets": replied},
            )

    def _reply_to_tickets(self, actor, body, at):
        replied = []
        for ticket in self.tickets.exclude(status="closed").select_related("requester"):
            try:
                ticket.add_reply(actor, body, internal=False, at=at)
            except TransitionError:
                continue
            replied.append(ticket.pk)
        return replied

    def update_due_in(self, now):
        """Seconds until customers should next hear from us (negative: overdue), or None."""
        if self.next_update_due_at is None:
            return None
        return int((self.next_update_due_at - now).total_seconds())
