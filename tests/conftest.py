"""Shared fixtures: three users (owner, another user, anonymous), a private data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test with a clear reason when absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{'/'.join(parts)} (the shared data folder is absent)")
    return path


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", "owner@example.org", "pw-owner-123")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("other", "other@example.org", "pw-other-123")


@pytest.fixture
def owner_client(owner):
    from django.test import Client

    c = Client()
    c.force_login(owner)
    return c


@pytest.fixture
def other_client(other_user):
    from django.test import Client

    c = Client()
    c.force_login(other_user)
    return c


DEMO_AS_OF = "2026-03-01"


@pytest.fixture(scope="module")
def demo_owner(django_db_setup, django_db_blocker):
    """A user holding the whole seed-7 demo network, built once per test module.

    Read-only by convention: tests that change data should use their own rows (their changes
    are rolled back anyway, but a transactional test would flush the demo for the module).
    """
    import datetime as dt

    from django.contrib.auth import get_user_model

    from goodwill.demo.load import build_demo
    from goodwill.network import snapshots

    with django_db_blocker.unblock():
        build_demo(
            7,
            as_of=dt.date.fromisoformat(DEMO_AS_OF),
            username="demo-owner",
            password="pw-demo-owner-123",
        )
        user = get_user_model().objects.get(username="demo-owner")
    yield user
    with django_db_blocker.unblock():
        get_user_model().objects.filter(username="demo-owner").delete()
    snapshots.forget(user.pk)


@pytest.fixture
def demo_client(demo_owner):
    """A test client signed in as the demo owner."""
    from django.test import Client

    c = Client()
    c.force_login(demo_owner)
    return c


@pytest.fixture(autouse=True)
def _fresh_practice_memo():
    """Each test starts without remembered whole-network results (ids repeat across tests)."""
    yield
    from django.apps import apps

    if apps.ready:
        from goodwill.practice import memo

        memo.forget()
