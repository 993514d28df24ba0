from django.apps import AppConfig


class MajorsConfig(AppConfig):
    name = "escalation.majors"
    label = "majors"  # the tables and migration history of the top-level app it was
    verbose_name = "Major incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from escalation import deadlines

        from . import repaging
        from .models import Party

        # A party's next page is released by the deadline brokers like a level's firing.
        deadlines.register(
            "major-repage", repaging.claim_due, "escalation.majors.tasks.repage", Party
        )
