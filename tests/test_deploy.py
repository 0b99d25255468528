"""The production configuration passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goodwill.settings",
        "GOODWILL_DATA_DIR": str(tmp_path),
        "GOODWILL_SECURE": "1",
        "GOODWILL_ALLOWED_HOSTS": "goodwill.example.org",
        "GOODWILL_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "secret_key").exists()


def test_debug_is_off_unless_asked(settings):
    assert settings.DEBUG is False
