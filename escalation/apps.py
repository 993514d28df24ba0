from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "SLA & escalation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dbtools import configuration
        from incidents.models import assignment
        from notifications import delivery, tasks
        from notifications.models import Notification

        from . import deadlines, oncall

        assignment.provide_on_shift(oncall.on_shift)
        # The deadline loop hands outbox rows to the workers (notifications never imports
        # escalation: it is lent here): a new one within half a second, a failed one at its
        # backoff time, a dead worker's again at once; a firing's own rows go with its
        # transaction (actions._notify). On the ordinary queue, behind the levels, in tasks of
        # CHUNK rows.
        deadlines.register(
            "outbox-due",
            delivery.claim_due,
            "notifications.tasks.deliver",
            Notification,
            batch=tasks.CHUNK,
            urgent=False,
            every=0.5,
        )

        from django.db.models.signals import post_delete

        from . import ranks
        from .models import TicketClock

        # A deleted ticket's clock leaves its day of sorted figures (ranks.py).
        post_delete.connect(ranks.clock_deleted, sender=TicketClock, dispatch_uid="ranks-delete")

        from .models import (
            BusinessCalendar,
            EscalationLevel,
            EscalationPolicy,
            Holiday,
            OpeningHours,
            SLAPolicy,
            SLATarget,
        )

        # What a new clock freezes (models/terms.py) is read under the configuration's stamp.
        configuration.watch(
            SLAPolicy,
            SLAPolicy.teams.through,
            SLATarget,
            BusinessCalendar,
            OpeningHours,
            Holiday,
            EscalationPolicy,
            EscalationPolicy.teams.through,
            EscalationLevel,
            EscalationLevel.notify_users.through,
            EscalationLevel.notify_contacts.through,
            # The frozen terms name the policies' versions, their latest history rows.
            SLAPolicy.history.model,
            EscalationPolicy.history.model,
        )
