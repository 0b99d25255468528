"""Sign-in backoff by account and address, and the password validators on every password set."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from django.test import Client
from django.utils import timezone

from goodwill.web.models import LoginThrottle
from tests.test_cli import DB_FILE, gw, ok, subprocess_env

PASSWORD = "pw-owner-123"


def _try(password: str, username: str = "owner", address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def _pass_time(seconds: int) -> None:
    earlier = dt.timedelta(seconds=seconds)
    for row in LoginThrottle.objects.all():
        row.last_failure -= earlier
        if row.blocked_until:
            row.blocked_until -= earlier
        row.save()


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_with_growing_waits(owner):
    for _ in range(4):
        assert _try("wrong").status_code == 200
    fifth = _try("wrong")
    assert fifth.status_code == 200  # the fifth failure is answered, then the wait begins
    refused = _try(PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert b"Too many failed sign-ins" in refused.content
    assert b"Try again in 60 seconds" in refused.content
    # From another address too: the account is locked.
    assert _try(PASSWORD, address="10.9.9.9").status_code == 429

    _pass_time(61)
    assert _try("wrong again").status_code == 200
    waits = LoginThrottle.objects.get(key="account:owner")
    assert (waits.blocked_until - timezone.now()).total_seconds() > 110  # doubled
    _pass_time(121)
    signed_in = _try(PASSWORD)
    assert signed_in.status_code == 302
    assert not LoginThrottle.objects.filter(key="account:owner").exists()


@pytest.mark.django_db
def test_one_address_guessing_at_many_accounts_is_slowed(owner):
    for n in range(5):
        _try("guess", username=f"someone{n}", address="10.0.0.7")
    assert _try(PASSWORD, address="10.0.0.7").status_code == 429
    assert _try(PASSWORD, address="10.0.0.8").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(owner):
    owner.is_staff = True
    owner.save()
    admin = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(5):
        admin.post("/admin/login/", {"username": "owner", "password": "nope"})
    page = admin.post("/admin/login/", {"username": "owner", "password": PASSWORD})
    assert b"Too many failed sign-ins" in page.content
    assert "_auth_user_id" not in admin.session


def test_init_refuses_a_weak_password_with_a_clear_message(tmp_path):
    folder = tmp_path / "data"
    result = gw(folder, "init", "--username", "ann", "--password", "a")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "that password is too weak: This password is too short." in result.stderr
    with sqlite3.connect(folder / DB_FILE) as db:
        assert db.execute("select count(*) from auth_user").fetchone() == (0,)
    weak_env = gw(
        folder, "init", "--username", "ann", env=subprocess_env(GOODWILL_PASSWORD="password123")
    )
    assert weak_env.returncode == 2
    assert "too common" in weak_env.stderr
    like_name = gw(folder, "init", "--username", "annabel-lee", "--password", "annabel-lee")
    assert "too similar to the username" in like_name.stderr
    ok(gw(folder, "init", "--username", "ann", "--password", "a-long-pass-phrase"))
