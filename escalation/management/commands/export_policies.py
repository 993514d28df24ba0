from django.core.management.base import BaseCommand

from escalation.policy_code import dump, export_document


class Command(BaseCommand):
    help = (
        "Write calendars, teams, SLA and escalation policies and the matrix as one YAML document."
    )

    def handle(self, *args, **options):
        self.stdout.write(dump(export_document()), ending="")
