from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("escalation", "0002_schedules")]

    operations = [
        migrations.AddField(
            model_name="firing",
            name="claimed_by",
            field=models.CharField(blank=True, db_index=True, max_length=32),
        ),
    ]
