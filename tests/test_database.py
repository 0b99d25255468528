"""The suite really runs on the database it claims to (CI runs it on SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_running_on_the_expected_database():
    expected = os.environ.get("GOODWILL_EXPECT_DB", "sqlite")
    assert connection.vendor == expected


@pytest.mark.django_db
def test_sqlite_runs_with_foreign_keys_on():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only pragma")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
