from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Tierdesk"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from escalation.reactions import keep_clocks, open_clock
        from incidents import reactions
        from notifications.reactions import write_outbox

        # The one path of a change (docs/architecture.md): its events, then these, in this
        # order. Clocks first, so a mail written for the same events carries current due times.
        # A new ticket's clock is frozen before its row is written, its due times in the INSERT.
        reactions.declare(keep_clocks, write_outbox, preparing=[open_clock])

        from . import zones

        # Every sign-in (allauth's, the admin's, a test's force_login) keeps the person's time
        # zone in the session, so no page has to look it up.
        user_logged_in.connect(zones.signed_in, dispatch_uid="tierdesk-reader-zone")

        from simple_history.signals import pre_create_historical_record

        from dbtools.history import name_the_source

        # Configuration history names the path of each change: admin, API or import.
        pre_create_historical_record.connect(name_the_source, dispatch_uid="history-source")

        from . import heap

        # What serving loads lives as long as the process: out of the collector's full passes.
        heap.freeze_after_first_request()
