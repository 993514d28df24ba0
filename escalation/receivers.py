"""Connects the escalation app to incidents' domain signal; receivers only hand off."""

from django.dispatch import receiver

from incidents.signals import ticket_event


@receiver(ticket_event, dispatch_uid="escalation.on_ticket_event")
def on_ticket_event(sender, event, **kwargs):
    from . import reactions

    reactions.on_ticket_event(event)
