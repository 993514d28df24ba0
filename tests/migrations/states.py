"""The models as a set of migrations left them, read off the migration graph."""

from django.db import connection
from django.db.migrations.loader import MigrationLoader


def apps_at(targets):
    """The historical models at `targets`. django-test-migrations' own answer is the state of
    what its plan applied, which can still hold migrations it has undone since (since issue 23,
    incidents 0015-0019 come before escalation's targets in the plan)."""
    return MigrationLoader(connection).project_state(targets).apps
