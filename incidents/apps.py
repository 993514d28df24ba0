from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dbtools import configuration

        from .models import PriorityMatrixEntry, Team

        configuration.watch(Team, PriorityMatrixEntry)
        post_migrate.connect(
            configuration.install_triggers, sender=self, dispatch_uid="incidents.configuration"
        )
