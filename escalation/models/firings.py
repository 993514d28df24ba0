from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dbtools import claims
from incidents.models import Ticket

from .. import clock_state, figures, planner
from ..business_time import NeverOpens, add_business, business_time_between
from .calendars import NEVER_OPENS, calendar_from_snapshot
from .terms import frozen_terms

# The resolution clock stands still while the ticket waits on someone else or is done.
PAUSED = clock_state.STANDING
# Statuses in which nothing fires: the ticket waits on the customer or a third party.
HOLDING = frozenset({"pending", "on_hold"})


class TicketClock(models.Model):
    """A ticket's SLA state: the frozen targets, calendar and policy it runs on, and its pauses."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="sla_clock")
    sla_policy_id = models.BigIntegerField(null=True, blank=True)
    sla_policy_name = models.CharField(max_length=100, blank=True)
    sla_policy_version = models.BigIntegerField(
        null=True, blank=True, help_text="The SLA policy's history row the terms were frozen from."
    )
    calendar = models.JSONField(null=True, blank=True, help_text="Frozen calendar; empty = 24×7.")
    response_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    policy = models.JSONField(null=True, blank=True, help_text="Frozen escalation policy.")
    policy_key = models.CharField(max_length=100, blank=True)
    paused_microseconds = models.PositiveBigIntegerField(
        default=0,
        help_text="Business time the resolution clock spent paused, exact; due times use whole "
        "seconds of it.",
    )
    paused_since = models.DateTimeField(null=True, blank=True)
    # Every stretch the resolution clock stood still and then ran again (pending, on hold,
    # resolved then reopened), deadline or not: what MTTR leaves out (docs/reports.md).
    stood_microseconds = models.PositiveBigIntegerField(
        default=0, db_default=0, help_text="Business time spent standing still, all pauses."
    )
    stood_wall_microseconds = models.PositiveBigIntegerField(
        default=0, db_default=0, help_text="Wall time spent standing still, all pauses."
    )
    frozen_at = models.DateTimeField(default=timezone.now)
    # The ticket's report figures as of its last change (escalation/figures.py, docs/reports.md).
    response_outcome = models.CharField(max_length=6, blank=True, default="", db_default="")
    resolution_outcome = models.CharField(max_length=6, blank=True, default="", db_default="")
    acknowledge_seconds = models.PositiveIntegerField(null=True, blank=True)
    acknowledge_wall_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolve_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolve_wall_seconds = models.PositiveIntegerField(null=True, blank=True)
    # What a report counts the ticket by, copied from it with the figures (figures.COPIES), so
    # a report reads one narrow row per ticket and joins nothing (docs/reports.md).
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="The resolution's, else first response's, else creation."
    )
    team = models.ForeignKey(
        "incidents.Team",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    priority = models.CharField(max_length=2, blank=True, default="", db_default="")
    response_due_running = models.DateTimeField(
        null=True, blank=True, help_text="The first-response due time while that clock runs."
    )
    resolution_due_running = models.DateTimeField(
        null=True, blank=True, help_text="The resolution due time while that clock runs."
    )
    escalations = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Escalations that count (figures.counts_as_escalation)."
    )

    class Meta:
        verbose_name = "ticket SLA clock"
        indexes = [
            # A report's tickets are a range of this index, with every column it counts and
            # ranks and the ticket (to leave drills out), so no row is read (docs/reports.md,
            # docs/benchmarks.md).
            models.Index(
                fields=["deadline", "team", "priority", *figures.REPORTED, "escalations", "ticket"],
                name="clock_report_idx",
            )
        ]

    def __str__(self):
        return f"Clock of ticket {self.ticket_id}"

    def freeze(self, ticket, now, terms=None):
        """Copy the targets, calendar and escalation policy that now apply to `ticket`.

        `terms`: a dict kept by a caller freezing many clocks at once; what applies to a
        (team, priority) is then read once for all of them."""
        key = (ticket.team_id, ticket.priority)
        if terms is None or key not in terms:
            found = frozen_terms(ticket.team_id, ticket.priority)
            if terms is None:
                terms = {}
            terms[key] = found
        for name, value in terms[key].items():
            setattr(self, name, value)
        self.frozen_at = now

    def account_pause(self, status, created_at, now):
        """Start or end a pause of the resolution clock; a pause costs no business time.

        Only a pause that starts before the resolution deadline extends it: once the deadline
        has passed the breach is final, and a later pause (pending, resolved and reopened)
        moves nothing. Pauses are summed to the microsecond, so many short ones lose nothing.
        """
        paused = status in PAUSED
        if paused and self.paused_since is None:
            self.paused_since = now
        elif not paused and self.paused_since is not None:
            _response, deadline = self.due_times(created_at)
            spent = business_time_between(self.business_calendar(), self.paused_since, now)
            spent = max(spent // timedelta(microseconds=1), 0)
            if deadline is None or self.paused_since < deadline:
                self.paused_microseconds += spent
            self.stood_microseconds += spent
            wall = max((now - self.paused_since) // timedelta(microseconds=1), 0)
            self.stood_wall_microseconds += wall
            self.paused_since = None

    def report_figures(self, ticket, now):
        """{field: value} of the report figures of `ticket` on this clock at `now`, and the
        copies of what a report counts it by (figures.FIELDS, then figures.COPIES)."""
        calendar = self.business_calendar()
        found = figures.figures(
            ticket, calendar, self.stood_microseconds, self.stood_wall_microseconds, now
        )
        return {**found, **figures.copies(ticket, found)}

    def business_calendar(self):
        """The frozen calendar as business_time's Calendar; None means 24×7. (Kept while the
        snapshot is the same object: a plan asks for it several times.)"""
        known = getattr(self, "_calendar", None)
        if known is None or known[0] is not self.calendar:
            known = self._calendar = (self.calendar, calendar_from_snapshot(self.calendar))
        return known[1]

    def due_times(self, created_at):
        """(response_due, resolution_due), measured from creation in the frozen calendar.

        A calendar that never opens gives no due times (see `problem`), never an error: the
        ticket still saves and the queue stays alive."""
        calendar = self.business_calendar()
        paused = self.paused_microseconds // 1_000_000
        targets = (self.response_target_seconds, self.resolution_target_seconds)
        # Kept for the same inputs: re-planning a ticket asks for them three times (its due-time
        # columns, its plan, the engine's judge), each two additions of business time.
        key = (calendar, created_at, targets, paused)
        known = getattr(self, "_due_times", None)
        if known is not None and known[0] == key:
            return known[1]
        try:
            found = tuple(
                add_business(calendar, created_at, target + extra) if target else None
                for target, extra in zip(targets, (0, paused), strict=True)
            )
        except NeverOpens:
            found = None, None
        self._due_times = (key, found)
        return found

    @property
    def problem(self):
        """Why this clock cannot run, in words for the ticket's SLA panel; "" when it runs."""
        calendar = self.business_calendar()
        if calendar is None or not (self.response_target_seconds or self.resolution_target_seconds):
            return ""
        try:
            opens = calendar.next_opening(self.frozen_at) is not None
        except NeverOpens:
            opens = False
        return "" if opens else NEVER_OPENS

    def ticket_state(self, ticket):
        """What the planner needs to know of `ticket` running on this clock."""
        response, resolution = self.due_times(ticket.created_at)
        return planner.TicketState(
            ticket_id=ticket.pk,
            created_at=ticket.created_at,
            response_due=response,
            resolution_due=resolution,
            acknowledged_at=ticket.acknowledged_at,
            paused_since=self.paused_since,
            active=ticket.status not in clock_state.DONE,
            resolved_at=getattr(ticket, "resolved_at", None),
        )

    def planned_firings(self, ticket, kind=None, level=None):
        """Every firing the planner wants for `ticket` now (none on a calendar that never
        opens: no deadline can be computed there); with `kind` and `level`, those alone."""
        try:
            state, calendar = self.ticket_state(ticket), self.business_calendar()
            if kind is None:
                return planner.plan(state, self.policy, calendar)
            return planner.plan_of(state, self.policy, calendar, kind, level)
        except NeverOpens:
            return []


class FiringQuerySet(models.QuerySet):
    def due(self, now):
        """Firings whose time has come and that have not fired: the one definition of "due".

        The health check counts these; the engine claims from `claimable`."""
        return self.filter(state__in=[Firing.State.PENDING, Firing.State.CLAIMED], due_at__lte=now)

    def claimable(self, now):
        """Due firings no live worker holds: pending, or claimed by a worker whose claim ran
        out or who died (dbtools.claims: a holder on this machine that is gone)."""
        return self.due(now).filter(Q(state=Firing.State.PENDING) | self.free_claims(now))

    def claimed_with(self, token):
        """The firings claimed under `token`; the condition on '' lets the database read
        firing_claim_idx, which leaves unclaimed rows out (a token is never empty)."""
        return self.filter(claimed_by=token).exclude(claimed_by="")

    def free_claims(self, now):
        """Q of the claimed firings another worker may take over (dbtools.claims.free)."""
        dead = claims.watch.dead(
            "firing", lambda: claims.holders_of(self.filter(state=Firing.State.CLAIMED))
        )
        return Q(state=Firing.State.CLAIMED) & claims.free(now, dead)


class Firing(models.Model):
    """One planned (ticket, level, repeat) or breach; the row that makes firing exactly-once.

    `key` names the firing (ticket, policy, level and repeat; planner.level_key); it is unique,
    so planning the same thing twice is a no-op and nothing fires twice over the ticket's life,
    and `state` moves forward only through conditional updates, so two workers can never both
    fire it. `outcome` says why a firing was set aside (passed over, cancelled):
    {"why": "...", "at": iso instant}."""

    class Kind(models.TextChoices):
        LEVEL = "level", "Escalation level"
        RESPONSE_BREACH = "response_breach", "First-response breach"
        RESOLUTION_BREACH = "resolution_breach", "Resolution breach"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        HELD = "held", "Held (ticket paused)"
        CLAIMED = "claimed", "Claimed by a worker"
        FIRED = "fired", "Fired"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped (superseded)"
        PASSED = "passed", "Passed over (due before a move)"

    # Indexed by firing_ticket_state_idx, which starts with it.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="firings", db_index=False
    )
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LEVEL)
    level = models.PositiveSmallIntegerField(default=0)
    repeat = models.PositiveSmallIntegerField(default=0)
    anchor = models.CharField(max_length=20)
    anchor_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Indexed by firing_claim_idx, which holds only the claimed rows (claimed_with).
    claimed_by = models.CharField(max_length=32, blank=True)
    # The process that holds the claim (dbtools.claims.holder): when it dies, the deadline loop
    # of its machine hands the firing out again at once. db_default: see fired_by.
    claimed_holder = models.CharField(max_length=100, blank=True, default="", db_default="")
    actions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    fired_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    # Which worker process fired it ("host:pid"): with several qclusters on several machines, the
    # one to read the logs of. db_default: workers of the release before keep inserting rows.
    fired_by = models.CharField(max_length=100, blank=True, default="", db_default="")
    outcome = models.JSONField(default=dict, blank=True)

    objects = FiringQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="firing_due_idx"),
            models.Index(fields=["ticket", "state"], name="firing_ticket_state_idx"),
            # Only rows with a claim token: a new ticket's eight firings have none, and wrote
            # eight entries of '' to a full index of claimed_by (issue 29).
            models.Index(
                fields=["claimed_by"], condition=~Q(claimed_by=""), name="firing_claim_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "pending",
                        "held",
                        "claimed",
                        "fired",
                        "cancelled",
                        "skipped",
                        "passed",
                    ]
                ),
                name="firing_state_valid",
            ),
            models.CheckConstraint(condition=Q(repeat__lte=9), name="firing_repeat_0_to_9"),
        ]

    def __str__(self):
        return f"{self.key} [{self.state}]"

    @property
    def is_warning(self):
        return self.kind == self.Kind.LEVEL and (self.actions or {}).get("offset_seconds", 0) < 0

    @property
    def changes_ticket(self):
        """Does firing this reassign the ticket or raise its priority (and so move its plan)?"""
        return planner.changes_ticket(self.kind, self.repeat, self.actions)
