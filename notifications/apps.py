from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incidents import timeline

        from .timeline import notification_entries

        timeline.register_source(notification_entries)
