"""A feed subscribed before tokens were hashed keeps working after the migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("practice", "0002_remindersettings_actiondone_cadence_snooze")]
AFTER = [("practice", "0003_feed_token_hashed")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_feed_token_still_opens_its_feed_after_hashing(django_user_model):
    from goodwill.practice import reminders

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="ann", password="x")
    old.get_model("practice", "ReminderSettings").objects.create(
        owner_id=user.pk, feed_token="an-old-token-subscribed-in-a-calendar"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    found = reminders.owner_for_token("an-old-token-subscribed-in-a-calendar")
    assert found is not None
    assert found.pk == user.pk
    assert reminders.owner_for_token("another-token") is None
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
