from django.apps import AppConfig


class MajorsConfig(AppConfig):
    name = "escalation.majors"
    label = "majors"
    verbose_name = "Major incidents"
    default_auto_field = "django.db.models.BigAutoField"
