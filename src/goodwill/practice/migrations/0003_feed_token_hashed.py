"""The calendar feed's token is kept as its SHA-256 only; feeds already subscribed keep working."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    settings = apps.get_model("practice", "ReminderSettings")
    for row in settings.objects.exclude(feed_token=""):
        row.feed_digest = hashlib.sha256(row.feed_token.encode()).hexdigest()
        row.save(update_fields=["feed_digest"])


class Migration(migrations.Migration):
    dependencies = [("practice", "0002_remindersettings_actiondone_cadence_snooze")]

    operations = [
        migrations.AddField(
            model_name="remindersettings",
            name="feed_digest",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="remindersettings", name="feed_token"),
    ]
