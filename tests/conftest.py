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
