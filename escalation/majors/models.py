"""A major incident: the parties it pages, the tickets it links and its own timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from incidents.models import Team, Ticket
from notifications.models import Contact

from . import severity
from .lifecycle import IncidentError, IncidentLifecycle


class MajorIncidentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MajorIncident.Status.ACTIVE)


class MajorIncident(IncidentLifecycle, models.Model):
    """Declared by a person (the commander); pages every chosen team's on-call person and every
    chosen contact at once, and speaks for every linked ticket (majors/lifecycle.py)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("major incident status", "Active")
        RESOLVED = "resolved", pgettext_lazy("major incident status", "Resolved")

    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=4, choices=severity.CHOICES, default="SEV1")
    summary = models.TextField(
        blank=True, help_text="For the responders (agents): never shown to a contact or customer."
    )
    public_summary = models.TextField(
        blank=True,
        help_text="What outside contacts may read: their pages and the page behind their link.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commanded_incidents"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="major_incidents")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="major_incidents")
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="major_incidents")
    declared_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When customers should next hear from us."
    )
    update_lapse_told = models.BooleanField(default=False)

    objects = MajorIncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=list(severity.SEVERITIES)), name="major_severity_valid"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self):
        return f"MI-{self.pk}"

    @property
    def rules(self):
        return severity.SEVERITIES[self.severity]

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def public_view(self):
        """What may reach anyone outside the desk (a contact's page, mail or webhook; the
        acknowledgement link, which needs no sign-in): the title, severity, status, the public
        summary and the public updates, oldest first. Never `summary`, notes or who was paged."""
        return {
            "reference": self.reference,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "summary": self.public_summary,
            "updates": list(
                self.entries.filter(kind=Entry.Kind.UPDATE)
                .order_by("at", "pk")
                .values_list("at", "body")
            ),
        }


class PartyQuerySet(models.QuerySet):
    def due(self, now):
        """Parties to page again: not acknowledged, of an active incident, whose time came."""
        return self.filter(
            acknowledged_at__isnull=True,
            incident__status=MajorIncident.Status.ACTIVE,
            next_page_at__lte=now,
        )


class Party(models.Model):
    """A team or a contact called to an incident: who was paged, and whether they answered."""

    class Kind(models.TextChoices):
        TEAM = "team", pgettext_lazy("party kind", "Team")
        CONTACT = "contact", pgettext_lazy("party kind", "Contact")

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT)
    paged = models.JSONField(default=list, blank=True, help_text="Ids of the people paged.")
    skipped = models.JSONField(
        default=list, blank=True, help_text="[away id, stand-in id or null] pairs."
    )
    pages = models.PositiveIntegerField(default=0, help_text="Pages sent so far.")
    notified_at = models.DateTimeField(null=True, blank=True)
    next_page_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it is paged again; none once answered.",
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A broker claimed its next page (majors.repaging)."
    )
    claimed_by = models.CharField(max_length=32, blank=True, default="", db_default="")
    # The process that holds the claim (dbtools.claims.holder).
    claimed_holder = models.CharField(max_length=100, blank=True, default="", db_default="")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_by_name = models.CharField(max_length=200, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="team", team__isnull=False, contact__isnull=True))
                | Q(kind="contact", contact__isnull=False, team__isnull=True),
                name="major_party_one_target",
            ),
            models.UniqueConstraint(fields=["incident", "team"], name="major_party_team_once"),
            models.UniqueConstraint(
                fields=["incident", "contact"], name="major_party_contact_once"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.team.name if self.team_id else str(self.contact)

    @property
    def target_id(self):
        return self.team_id or self.contact_id

    @property
    def reachable(self):
        """Has it anyone to page: a team someone to page (on call, leads, deputies), a contact
        that is active with an address or a webhook?"""
        if self.team_id:
            return bool(self.paged)
        contact = self.contact
        return contact.is_active and bool(contact.email.strip() or contact.webhook_url)

    @property
    def state(self):
        """In words for the board: joined, acknowledged, paged, or not reached (nobody to
        page: re-paging tries again each round, in case someone comes on call)."""
        if self.joined_at:
            return "joined"
        if self.acknowledged_at:
            return "acknowledged"
        return "paged" if self.pages and self.reachable else "unreached"


class Entry(models.Model):
    """One line of the incident's own timeline."""

    class Kind(models.TextChoices):
        DECLARED = "declared", pgettext_lazy("major incident entry", "Declared")
        PAGED = "paged", pgettext_lazy("major incident entry", "Paged")
        REPAGED = "repaged", pgettext_lazy("major incident entry", "Paged again")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("major incident entry", "Acknowledged")
        JOINED = "joined", pgettext_lazy("major incident entry", "Joined")
        UPDATE = "update", pgettext_lazy("major incident entry", "Public update")
        NOTE = "note", pgettext_lazy("major incident entry", "Internal note")
        LINKED = "linked", pgettext_lazy("major incident entry", "Ticket linked")
        UPDATE_LAPSED = (
            "update_lapsed",
            pgettext_lazy("major incident entry", "Customer update overdue"),
        )
        RESOLVED = "resolved", pgettext_lazy("major incident entry", "Resolved")

    incident = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "entries"

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """The post-incident review: an owner, a due date and action items; it can be closed only
    when every action has an owner."""

    incident = models.OneToOneField(MajorIncident, on_delete=models.CASCADE, related_name="review")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Review of {self.incident.reference}"

    def save_plan(self, owner, due_on, actions):
        """Set the owner and due date and replace the actions ([(text, owner or None, done)])."""
        from django.db import transaction

        with transaction.atomic():
            self.owner, self.due_on = owner, due_on
            self.save()
            self.actions.all().delete()
            ActionItem.objects.bulk_create(
                ActionItem(review=self, text=text, owner=who, done=done)
                for text, who, done in actions
                if text.strip()
            )

    def close(self, at=None):
        """Close the review; refused while it has no owner or an action has none."""
        if self.owner_id is None:
            raise IncidentError(gettext("The review needs an owner first."), field="owner")
        orphans = [a.text for a in self.actions.all() if a.owner_id is None]
        if orphans:
            raise IncidentError(
                gettext("Every action needs an owner first: %(actions)s.")
                % {"actions": "; ".join(orphans)},
                field="actions",
            )
        self.closed_at = at or timezone.now()
        self.save(update_fields=["closed_at"])


class ActionItem(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text


class Drill(models.Model):
    """A practice run of a real escalation policy on a drill ticket, its levels compressed to
    `spacing_seconds` apart (majors/drills.py); the scorecard is read from what the engine
    did to the ticket (its firings, events and outbox rows)."""

    policy = models.ForeignKey(
        "escalation.EscalationPolicy", on_delete=models.CASCADE, related_name="drills"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="drills")
    priority = models.CharField(max_length=2, default="P2")
    spacing_seconds = models.PositiveIntegerField(default=5)
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="drill_run")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Drill {self.pk} of {self.policy}"


class DrillSchedule(models.Model):
    """A drill run on its own: the nth weekday of every month at a time in a zone (majors.
    schedule); the minute tick starts the due ones (majors.drills.run_scheduled)."""

    policy = models.ForeignKey(
        "escalation.EscalationPolicy", on_delete=models.CASCADE, related_name="drill_schedules"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="drill_schedules")
    priority = models.CharField(max_length=2, default="P2")
    spacing_seconds = models.PositiveIntegerField(default=5)
    weekday = models.PositiveSmallIntegerField(
        default=1,
        choices=[
            (n, calendar_day)
            for n, calendar_day in enumerate(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            )
        ],
    )
    week_of_month = models.PositiveSmallIntegerField(
        default=1, choices=[(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (5, "Last")]
    )
    at_time = models.TimeField(default="10:00")
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="The team's calendar zone, e.g. Europe/Berlin."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose name the drill tickets are opened in.",
    )
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["next_run_at", "pk"]

    def __str__(self):
        return f"{self.get_week_of_month_display()} {self.get_weekday_display()} {self.policy}"

    def clean(self):
        from zoneinfo import available_timezones

        from django.core.exceptions import ValidationError

        if self.timezone not in available_timezones():
            raise ValidationError({"timezone": "Unknown time zone."})

    def plan_next(self, after):
        from .schedule import next_run

        self.next_run_at = next_run(
            after, self.weekday, self.week_of_month, self.at_time, self.timezone
        )
        return self.next_run_at
