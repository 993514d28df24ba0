"""What people do to a ticket (SPEC "Tickets"): each action checks the status rules, saves, and
records a TicketEvent in one transaction. Every method takes `at` so tests can inject the clock."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dbtools import configuration

from .. import reactions, roles
from . import assignment
from .priority import Priority, PriorityMatrixEntry
from .teams import Team


class TransitionError(ValueError):
    """A lifecycle action that the ticket's state or the rules of a change do not allow.

    `field` names the input the refusal is about (the API answers `{field: [message]}`)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


# Status changes an agent may make directly; resolve/reopen/close have their own actions.
ALLOWED_STATUS_CHANGES = {
    "new": {"open", "pending", "on_hold", "resolved"},
    "open": {"pending", "on_hold", "resolved"},
    "pending": {"open", "on_hold", "resolved"},
    "on_hold": {"open", "pending", "resolved"},
    "resolved": {"open", "closed"},
    "closed": set(),
}


def _in_site_language(word, *args):
    with override(settings.LANGUAGE_CODE):
        return word(*args)


def _now(at):
    return at or timezone.now()


def _name(user):
    return user.get_full_name() or user.get_username()


class TicketLifecycle:
    """Mixin for Ticket: the lifecycle actions."""

    @classmethod
    @configuration.read_once()  # the intake team, the matrix and the policies: one stamp read
    def open_ticket(
        cls,
        *,
        requester,
        subject,
        description,
        channel="portal",
        impact="medium",
        urgency="medium",
        team=None,
        actor=None,
        at=None,
        held=False,
        drill=False,
    ):
        """Create a ticket and its `created` event; its priority comes from the editable matrix.
        A ticket that names no team goes to the intake team (SPEC "Tickets").

        Recording the event (`record`) hands it to the declared reactions, in this order and
        in this transaction (incidents/reactions.py, docs/architecture.md):

        1. `escalation.reactions.keep_clocks`: the clock freezes the SLA targets and the
           escalation policy, the due-time columns are written and the firings planned;
        2. `notifications.reactions.write_outbox`: the receipt to the requester, with its
           delivery task.

        The engine then fires the planned firings at their due times, and the delivery
        workers send the outbox rows. A `held` ticket is hidden from its requester until
        release_hold."""
        at = _now(at)
        if team is None:
            team = Team.intake()
        # Read before the transaction, as the team is: on SQLite it takes the write lock at BEGIN,
        # and every statement inside it keeps the other workers' creates waiting.
        priority = PriorityMatrixEntry.priority_for(impact, urgency)
        ticket = cls(
            requester=requester,
            subject=subject,
            description=description,
            channel=channel,
            impact=impact,
            urgency=urgency,
            team=team,
            created_at=at,
            priority=priority,
            held=held,
            drill=drill,
        )
        # No savepoint: every caller lets a failure roll back its whole transaction, so one
        # would only cost a query pair per ticket inside a request's or a test's transaction.
        reactions.prepare(ticket, at)  # the due-time columns, in the INSERT
        with transaction.atomic(savepoint=False):
            ticket.insert()
            ticket.record(
                "created",
                actor=actor or requester,
                at=at,
                after={
                    "status": ticket.status,
                    "priority": ticket.priority,
                    "team": ticket.team_id,
                    "channel": channel,
                },
            )
            if team is not None and team.auto_assign:
                ticket.auto_assign(at)
        return ticket

    def auto_assign(self, at=None):
        """Give the ticket to a member of its team by the team's rule (incidents.assignment);
        the `assigned` event says who and why. None when no one is on shift and present."""
        at = _now(at)
        user, facts = assignment.choose(self.team, at, type(self).objects)
        if user is None:
            return None
        before = self.assignee_id
        self.assignee = user
        self.save(update_fields=["assignee", "updated_at"])
        return self.record(
            "assigned",
            at=at,
            before={"assignee": before},
            after={"assignee": user.pk},
            auto=True,
            assignment=facts,
            # The words as the API gives them, in the helpdesk's language; pages word the
            # facts in the reader's (assignment.words).
            why=_in_site_language(assignment.words, facts),
        )

    def release_hold(self):
        """The requester followed the mailed link: the ticket joins their account. True when
        this call released it (a conditional update, so two clicks release it once)."""
        released = type(self).objects.filter(pk=self.pk, held=True).update(held=False)
        self.held = False
        return bool(released)

    # The fields an agent edits on a ticket, in the order an edit applies them: the team first
    # (it may drop the assignee), the status last (it may pause the clocks the others re-select).
    EDITABLE = ("team", "assignee", "priority", "status")

    def update(self, actor, at=None, reason="", **changes):
        """Apply an agent's edit of several fields in one transaction, an event for each change.

        The API's PATCH, the desk's forms and the admin's actions call this or the methods it
        calls, so an edit follows one set of rules (SPEC "Moves keep the ladder honest"):
        `reason` goes with a move (move_to_team) and a priority override (set_priority).
        Who may edit at all is incidents.permissions.can_change_ticket.
        """
        unknown = set(changes) - set(self.EDITABLE)
        if unknown:
            raise TransitionError(
                _("These fields cannot be edited: %(fields)s.")
                % {"fields": ", ".join(sorted(unknown))}
            )
        at = _now(at)
        with transaction.atomic():
            if "team" in changes:
                self.move_to_team(actor, changes["team"], reason=reason, at=at)
            if "assignee" in changes:
                self.assign(actor, changes["assignee"], at=at)
            if "priority" in changes:
                self.set_priority(actor, changes["priority"], reason=reason, at=at)
            if "status" in changes:
                self.change_status(actor, changes["status"], at=at)
        return self

    def change_status(self, actor, status, at=None, **data):
        if status == self.status:
            return None
        if status not in ALLOWED_STATUS_CHANGES[self.status]:
            raise TransitionError(
                _("A %(status)s ticket cannot become %(new)s.")
                % {"status": self.get_status_display().lower(), "new": status}
            )
        at = _now(at)
        before = self.status
        with transaction.atomic():
            self.status = status
            fields = ["status", "updated_at"]
            if status == "resolved":
                self.resolved_at = at
                fields.append("resolved_at")
            elif status == "closed":
                self.closed_at = at
                fields.append("closed_at")
            elif before == "resolved":
                self.resolved_at = None
                fields.append("resolved_at")
            self.save(update_fields=fields)
            return self.record(
                "status_changed",
                actor=actor,
                at=at,
                before={"status": before},
                after={"status": status},
                **data,
            )

    def resolve(self, actor, at=None):
        return self.change_status(actor, "resolved", at=at)

    def reopen_until(self):
        """The end of the window in which the requester may reopen a resolved ticket, or None."""
        if self.status != "resolved" or self.resolved_at is None:
            return None
        return self.resolved_at + timedelta(days=settings.REOPEN_WINDOW_DAYS)

    def can_be_reopened_by_requester(self, at=None):
        until = self.reopen_until()
        return until is not None and _now(at) < until

    def reopen(self, actor, at=None):
        if self.status != "resolved":
            raise TransitionError(_("Only a resolved ticket can be reopened."))
        # Agents may reopen at any time; a customer only within REOPEN_WINDOW_DAYS.
        if not roles.is_agent(actor) and not self.can_be_reopened_by_requester(at):
            raise TransitionError(_("This ticket was solved too long ago to be reopened."))
        return self.change_status(actor, "open", at=at, reopened=True)

    def close(self, actor, at=None):
        if self.status != "resolved":
            raise TransitionError(_("Only a resolved ticket can be closed."))
        return self.change_status(actor, "closed", at=at)

    def acknowledge(self, actor, at=None):
        """Stop the first-response clock; only the first acknowledgement counts."""
        if self.acknowledged_at is not None:
            return None
        if self.status == "closed":
            raise TransitionError(_("A closed ticket cannot be acknowledged."))
        at = _now(at)
        with transaction.atomic():
            self.acknowledged_at = at
            self.save(update_fields=["acknowledged_at", "updated_at"])
            event = self.record("acknowledged", actor=actor, at=at)
            if self.status == "new":
                self.change_status(actor, "open", at=at)
        return event

    def add_reply(self, author, body, internal=False, at=None):
        """A reply or internal note. Agent public reply acknowledges; customer reply reopens."""
        if self.status == "closed":
            raise TransitionError(_("A closed ticket cannot take replies."))
        at = _now(at)
        agent = roles.is_agent(author)
        if internal and not agent:
            raise TransitionError(_("Only agents can write internal notes."))
        with transaction.atomic():
            reply = self.replies.create(author=author, body=body, internal=internal, created_at=at)
            kind = "note_added" if internal else "replied"
            self.record(kind, actor=author, at=at, reply=reply.pk, internal=internal)
            if agent and not internal and author != self.requester:
                self.acknowledge(author, at=at)
            elif not agent and self.status in ("pending", "resolved"):
                self.change_status(author, "open", at=at, reopened=self.status == "resolved")
        return reply

    def assign(self, actor, assignee, at=None):
        """Give the ticket to an active member of its team, or to nobody (None)."""
        return self._assign(actor, assignee, _now(at))

    def _assign(self, actor, assignee, at, **data):
        if assignee == self.assignee:
            return None
        if assignee is not None:
            self._refuse_unless_member(assignee, self.team)
        before = self.assignee_id
        with transaction.atomic():
            self.assignee = assignee
            self.save(update_fields=["assignee", "updated_at"])
            return self.record(
                "assigned",
                actor=actor,
                at=at,
                before={"assignee": before},
                after={"assignee": assignee.pk if assignee else None},
                **data,
            )

    def move_to_team(self, actor, team, reason="", at=None):
        """Move the ticket to another team. A supervisor may move it to any team, with or
        without a reason; for anyone else a move is a manual escalation, under its rules."""
        if team is None:
            raise TransitionError(_("Choose a team."), field="team")
        if team == self.team:
            return None
        if not roles.is_supervisor(actor):
            return self.escalate(actor, reason, team=team, at=at)
        reason = (reason or "").strip()
        return self._move(actor, team, _now(at), **({"reason": reason} if reason else {}))

    def _move(self, actor, team, at, **data):
        if team == self.team:
            return None
        before = self.team_id
        with transaction.atomic():
            self.team = team
            fields = ["team", "updated_at"]
            if self.assignee_id and not team.memberships.filter(user_id=self.assignee_id).exists():
                self.assignee = None  # the old assignee does not work the new team's queue
                fields.append("assignee")
            self.save(update_fields=fields)
            event = self.record(
                "team_changed",
                actor=actor,
                at=at,
                before={"team": before},
                after={"team": team.pk},
                **data,
            )
            if team.auto_assign and self.assignee_id is None:
                self.auto_assign(at)
            return event

    def set_priority(self, actor, priority, at=None, override=True, reason=""):
        """Change priority. A person's change is an override, which needs a reason and which the
        matrix no longer touches; the engine's raises (override=False) need none."""
        if priority == self.priority:
            return None
        if priority not in Priority.values:
            raise TransitionError(_("Choose a priority from P1 to P4."), field="priority")
        reason = (reason or "").strip()
        if override and not reason:
            raise TransitionError(_("Give a reason for overriding the priority."), field="reason")
        at = _now(at)
        before = self.priority
        with transaction.atomic():
            self.priority = priority
            self.priority_overridden = self.priority_overridden or override
            self.save(update_fields=["priority", "priority_overridden", "updated_at"])
            return self.record(
                "priority_changed",
                actor=actor,
                at=at,
                before={"priority": before},
                after={"priority": priority},
                override=override,
                **({"reason": reason} if reason else {}),
            )

    def escalate(self, actor, reason, team=None, assignee=None, at=None):
        """Manual escalation (SPEC "Escalation policies"), always with a reason: up to a higher
        tier (the team's next tier by default), across to another team of the same tier, or to
        a named member of either; a member named with no team is a hierarchical escalation
        within the ticket's own team. Never down a tier. Raises `escalation_level`."""
        if not self.is_active:
            raise TransitionError(_("Only an active ticket can be escalated."))
        reason = (reason or "").strip()
        if not reason:
            raise TransitionError(_("Give a reason for the escalation."), field="reason")
        target = self._escalation_target(team, assignee)
        if assignee is not None:
            self._refuse_unless_member(assignee, target)
        at = _now(at)
        with transaction.atomic():
            before = {"team": self.team_id, "escalation_level": self.escalation_level}
            self.escalation_level += 1
            self.save(update_fields=["escalation_level", "updated_at"])
            self._move(actor, target, at, escalation=True)
            if assignee is not None:
                # Part of the escalation: its own mail (with the reason) tells the person.
                self._assign(actor, assignee, at, escalation=True)
            # The escalating agent keeps sight of the ticket they passed on (issue 28).
            if actor is not None and roles.is_agent(actor):
                self.followers.model.objects.follow(self, actor)
            return self.record(
                "escalated",
                actor=actor,
                at=at,
                before=before,
                after={"team": target.pk, "escalation_level": self.escalation_level},
                manual=True,
                reason=reason,
                level=self.escalation_level,
                **({"assignee": assignee.pk} if assignee is not None else {}),
            )

    def escalation_targets(self):
        """The teams a manual escalation may go to: every other team of the ticket's tier or
        above (any team, for a ticket with none), lowest tier first."""
        if self.team is None:
            return Team.objects.order_by("tier", "name")
        others = Team.objects.filter(tier__gte=self.team.tier).exclude(pk=self.team_id)
        return others.order_by("tier", "name")

    def _escalation_target(self, team, assignee):
        current = self.team
        if team is None and assignee is not None and current is not None:
            target = current  # to a person of the ticket's own team
        else:
            target = team or (current.escalates_to if current else None)
        if target is None:
            raise TransitionError(
                _("This team has no next tier; choose a team to escalate to."), field="team"
            )
        if current is None:
            return target
        if target.tier < current.tier:
            raise TransitionError(
                _(
                    "Escalate up a tier or across to a team of tier %(tier)s, "
                    "never down to tier %(lower)s."
                )
                % {"tier": current.tier, "lower": target.tier},
                field="team",
            )
        if target == current and assignee is None:
            raise TransitionError(
                _("The ticket is with %(team)s already: choose another team or a person.")
                % {"team": current.name},
                field="team",
            )
        if target == current and assignee.pk == self.assignee_id:
            raise TransitionError(
                _("%(name)s has this ticket already: choose someone else or another team.")
                % {"name": _name(assignee)},
                field="assignee",
            )
        return target

    @staticmethod
    def _refuse_unless_member(user, team):
        """An assignee is an active member of the ticket's team (SPEC "Moves keep the ladder
        honest"), so the people who work a queue hold its tickets."""
        if team is None:
            raise TransitionError(
                _("This ticket has no team: move it to a team before assigning it."),
                field="assignee",
            )
        if not user.is_active:
            raise TransitionError(
                _("%(name)s's account is not active.") % {"name": _name(user)}, field="assignee"
            )
        if not team.memberships.filter(user_id=user.pk).exists():
            raise TransitionError(
                _("%(name)s is not a member of %(team)s.")
                % {"name": _name(user), "team": team.name},
                field="assignee",
            )

    def is_rated(self):
        """Rated since the latest resolution: a ticket is rated once per resolution."""
        if self.resolved_at is None:
            return False
        return self.events.filter(kind="rated", at__gte=self.resolved_at).exists()

    def rate(self, actor, rating, comment="", at=None):
        if self.status not in ("resolved", "closed"):
            raise TransitionError(_("Only a resolved ticket can be rated."))
        if not 1 <= int(rating) <= 5:
            raise TransitionError(_("Rate from 1 to 5."))
        if self.is_rated():
            raise TransitionError(_("This resolution has already been rated."))
        with transaction.atomic():
            self.rating, self.rating_comment = int(rating), comment
            self.save(update_fields=["rating", "rating_comment", "updated_at"])
            return self.record("rated", actor=actor, at=_now(at), after={"rating": self.rating})
