"""There is always an intake team (issue 20): the first ticket a customer opens on a fresh
install lands in a queue agents see, instead of in no team at all.

A database with teams but none flagged gets the flag on the team `Team.intake()` fell back on
(the lowest tier, then the name), so tickets keep going where they went; one without teams gets
the Service Desk. Migrating back keeps both: a team may have tickets by then.

The write replaces the configuration's stamp where the triggers are installed already; on a new
database they are installed (with a new stamp) after migrate, so nothing read before is kept."""

from django.db import migrations, models


def ensure_intake_team(apps, schema_editor):
    Team = apps.get_model("incidents", "Team")
    teams = Team.objects.using(schema_editor.connection.alias)
    if teams.filter(is_intake=True).exists():
        return
    fallback = teams.order_by("tier", "name").first()
    if fallback is None:
        teams.create(name="Service Desk", slug="service-desk", tier=1, is_intake=True)
    else:
        teams.filter(pk=fallback.pk).update(is_intake=True)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0014_team_unassigned_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="is_intake",
            field=models.BooleanField(
                default=False,
                help_text="Takes every ticket that names no team (portal, API, email, desk). "
                "Exactly one team: ticking it here takes it from the team that had it.",
                verbose_name="intake team",
            ),
        ),
        migrations.RunPython(ensure_intake_team, migrations.RunPython.noop),
    ]
