import uuid

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from dbtools import rows

from .. import reactions, roles
from .attaching import TicketAttachments
from .lifecycle import TicketLifecycle, TransitionError  # noqa: F401  (re-exported)
from .priority import Level, Priority, PriorityMatrixEntry  # noqa: F401  (re-exported)
from .teams import Membership, Team


class AmongIds(models.Func):
    """`id IN (subquery)`; on PostgreSQL `id = ANY(ARRAY(subquery))`. The subquery's ids then
    come from an InitPlan and the test is an index condition on the primary key, so an OR of it
    with other indexed conditions becomes a BitmapOr of index scans; `IN (subquery)` is a hashed
    SubPlan filter there, which made PostgreSQL read every candidate row (or the whole table)."""

    arity = 2
    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, template="%s IN %s"):
        (lhs, lhs_params), (rhs, rhs_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return template % (lhs, rhs), (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template="%s = ANY(ARRAY%s)")


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tickets `user` may see: supervisors all; agents their teams', those moved away from
        their teams (escalated on, still readable to the team that had them) and their own;
        customers their own requests, except those held until the mailed link confirms them
        (`held`). The one place this rule lives; pages and API both use it.

        Narrow a list first, then ask this: an agent's tickets are the union of four branches,
        each a copy of the queryset it is called on, so every filter already applied goes into
        every branch and each branch finds its rows on an index with it (`team AND breached` on
        ticket_team_breached_idx). Filtered afterwards, the branches' rows were all read first
        and the filter tried on each: 16,639 of them for an agent's `?breached=true` at 100k."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_supervisor(user):
            return self
        if roles.is_agent(user):
            # Team ids as a list, not a join: no duplicate rows, so no DISTINCT for the desk's
            # ordering and annotations to fight with; and a list of known length lets the
            # database plan the team branch on the (team, status, …) indexes, where a subquery
            # made SQLite scan the table. Read once per user object (an API token's statement
            # reads them along with the user).
            teams = sorted(Membership.objects.team_ids(user))
            moved_away = (
                TicketEvent.objects.filter(kind=TicketEvent.Kind.TEAM_CHANGED)
                .annotate(from_team=Cast(KT("before__team"), models.BigIntegerField()))
                .filter(from_team__in=teams)
                .order_by()
                .values("ticket_id")
            )
            return (
                self.filter(team_id__in=teams)
                | self.filter(AmongIds(models.F("pk"), moved_away))
                | self.filter(assignee=user)
                | self.requested_by(user)
            )
        return self.requested_by(user)

    def requested_by(self, user):
        """`user`'s own requests, less those held until the mailed link confirms them."""
        return self.filter(requester=user, held=False)

    def with_urgency(self, now):
        """Annotate `next_due` (the counting clock due first) and `queue_rank`, and order by them:
        breached or overdue first, then running deadlines, then tickets with no running clock,
        paused ones last. The SQL form of escalation.clock_state.urgency, which states the rule
        (a test holds the two together on generated tickets)."""
        active = ~Q(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
        response = active & Q(acknowledged_at__isnull=True, response_due_at__isnull=False)
        resolution = active & Q(sla_paused_at__isnull=True, resolution_due_at__isnull=False)
        earlier = Q(response_due_at__lt=models.F("resolution_due_at"))
        tickets = self.annotate(
            next_due=models.Case(
                models.When(response & resolution & earlier, then=models.F("response_due_at")),
                models.When(resolution, then=models.F("resolution_due_at")),
                models.When(response, then=models.F("response_due_at")),
                default=models.Value(None),
                output_field=models.DateTimeField(),
            )
        )
        return tickets.annotate(
            queue_rank=models.Case(
                models.When(Q(breached=True) | Q(next_due__lte=now), then=models.Value(0)),
                models.When(next_due__isnull=False, then=models.Value(1)),
                models.When(active & Q(sla_paused_at__isnull=False), then=models.Value(3)),
                default=models.Value(2),
                output_field=models.IntegerField(),
            )
        ).order_by("queue_rank", models.F("next_due").asc(nulls_last=True), "created_at", "pk")

    def active(self):
        # Named statuses rather than "not resolved or closed": an IN list can use the
        # (team, status, …) indexes, a NOT IN cannot. The check constraint keeps the two equal.
        return self.filter(status__in=Ticket.ACTIVE_STATUSES)


class Ticket(TicketLifecycle, TicketAttachments, models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        PENDING = "pending", "Pending (waiting on customer)"
        ON_HOLD = "on_hold", "On hold (waiting on third party)"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Portal"
        EMAIL = "email", "Email"
        API = "api", "API"
        DESK = "desk", "Desk"

    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)
    subject = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    impact = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    urgency = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P3)
    priority_overridden = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_tickets"
    )
    # No index of their own: the composite indexes below start with them (each index more is
    # written by every create and every move of a ticket).
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # SLA state, kept up to date by the escalation app; indexed for queues ordered by urgency.
    response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(default=False, db_index=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    # Filed without signing in for an address that already has a user: whoever typed it may not
    # own it, so the requester sees the ticket only once the mailed link confirms it
    # (release_hold). Agents see it meanwhile, marked as such.
    held = models.BooleanField(default=False, db_default=False)
    # A practice ticket a drill runs a policy on (majors.drills): kept out of queues, the
    # ticket list, reports and SLA figures, and no customer is ever its requester.
    drill = models.BooleanField(default=False, db_default=False)

    ACTIVE_STATUSES = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "resolution_due_at"], name="ticket_queue_idx"),
            # The desk's queues: a team's active tickets by deadline, and every column their
            # urgency order and views read, so the page's ids are sorted from the index alone
            # (desk.queue.page_rows) without reading thousands of rows; the API list: a team's
            # tickets newest first; "Mine": an agent's tickets by status.
            models.Index(
                fields=[
                    "team",
                    "status",
                    "resolution_due_at",
                    "response_due_at",
                    "acknowledged_at",
                    "sla_paused_at",
                    "breached",
                    "created_at",
                    "assignee",
                ],
                name="ticket_team_urgency_idx",
            ),
            models.Index(fields=["team", "-created_at"], name="ticket_team_created_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            # The API's ?breached=true: a fifth of all tickets are breached (history included), so
            # its capped count finds 10,001 an agent can see; these give visible_to's team and
            # assignee branches their breached tickets alone (PostgreSQL's BitmapOr, SQLite's
            # MULTI-INDEX OR), and ?unassigned=true the team's unassigned ones.
            models.Index(
                fields=["team"], condition=Q(breached=True), name="ticket_team_breached_idx"
            ),
            models.Index(
                fields=["assignee"], condition=Q(breached=True), name="ticket_assignee_breached_idx"
            ),
            models.Index(
                fields=["team"],
                condition=Q(assignee__isnull=True),
                name="ticket_team_unassigned_idx",
            ),
            # The few drills, which the reports leave out (escalation.reports.tickets.drills).
            models.Index(fields=["id"], condition=Q(drill=True), name="ticket_drill_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "open", "pending", "on_hold", "resolved", "closed"]),
                name="ticket_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["P1", "P2", "P3", "P4"]), name="ticket_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._give_reference()

    def insert(self):
        """Write a new ticket as save() would (updated_at now, then its reference), through the
        row writer: the ORM's INSERT of thirty columns, compiled for every ticket, was a tenth
        of an API create (issue 29). The database writes the reference with the row where a
        trigger does (migration 0029), one statement fewer."""
        self.updated_at = timezone.now()  # auto_now, as save() sets it
        rows.insert_objects(Ticket, [self])
        if self.reference is None and connections[self._state.db].vendor in REFERENCE_TRIGGERS:
            self.reference = f"HD-{self.pk}"  # as the trigger wrote it
        self._give_reference()

    def _give_reference(self):
        if self.reference is None:
            # The reference is the primary key made readable, so it can never collide.
            self.reference = f"HD-{self.pk}"
            rows.update_all(Ticket, [self.pk], {"reference": self.reference})

    @property
    def is_active(self):
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    def record(self, kind, actor=None, before=None, after=None, at=None, **data):
        """Append an event to the timeline and hand it to the declared reactions
        (incidents/reactions.py: the clocks, then the outbox), in this transaction."""
        event = TicketEvent(
            ticket=self,
            kind=kind,
            actor=actor,
            at=at or timezone.now(),
            before=before or {},
            after=after or {},
            data=data,
        )
        return TicketEvent.objects.record_all([event])[0]


# The databases whose trigger (migration 0029) writes a new ticket's reference as it goes in.
REFERENCE_TRIGGERS = frozenset({"sqlite", "postgresql"})


class Reply(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ticket_replies"
    )
    body = models.TextField()
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"{'Internal note' if self.internal else 'Reply'} on {self.ticket.reference}"


def attachment_path(instance, filename):
    """A random stored name: the original lives in `filename` only, so a file's path is never
    guessed from its ticket and name (files are served by access-checked views only)."""
    return f"attachments/{instance.ticket_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.filename

    @property
    def internal(self):
        return bool(self.reply_id and self.reply.internal)


class TicketEventQuerySet(models.QuerySet):
    def record_all(self, events):
        """The bulk form of Ticket.record: insert many events at once, then hand them to the
        reactions as one batch.

        Written by dbtools.rows where the database returns the new ids (bulk_create cost
        about 230 µs an event, most of a burst's event writing); the ids come back in the
        order the rows were written, which Django's own bulk_create relies on too."""
        rows.insert_objects(TicketEvent, events, using=self.db)
        reactions.dispatch(events)
        return events


class TicketEvent(models.Model):
    """One change to a ticket: the timeline, and what the declared reactions react to."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        REPLIED = "replied", "Replied"
        NOTE_ADDED = "note_added", "Internal note"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        STATUS_CHANGED = "status_changed", "Status changed"
        ASSIGNED = "assigned", "Assigned"
        TEAM_CHANGED = "team_changed", "Team changed"
        PRIORITY_CHANGED = "priority_changed", "Priority changed"
        ESCALATED = "escalated", "Escalated"
        LEVEL_HELD = "level_held", "Held for the next shift"
        BREACHED = "breached", "SLA breached"
        SLA_UPDATED = "sla_updated", "SLA due times updated"
        NOTIFIED = "notified", "Notified"
        RATED = "rated", "Rated"

    # Events a customer may see on their own ticket; everything else is internal.
    PUBLIC_KINDS = frozenset({"created", "replied", "status_changed", "acknowledged", "rated"})

    # Indexed by the timeline's (ticket, at) index, which starts with it.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="ticket_event_timeline_idx"),
            # visible_to looks up the tickets moved away from a team among the team changes.
            models.Index(fields=["kind", "ticket"], name="ticket_event_kind_idx"),
            # The reports read a period's events of some kinds (escalation/reports/agents.py).
            models.Index(fields=["kind", "at"], name="ticket_event_kind_at_idx"),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.kind} at {self.at:%Y-%m-%d %H:%M:%S}"
