import os
import stat
from pathlib import Path

import pytest

from goodwill import config
from goodwill.errors import ConfigError


def test_tests_use_a_private_data_folder(settings):
    assert str(settings.DATA_DIR) == os.environ["GOODWILL_DATA_DIR"]
    assert "goodwill-test-" in str(settings.DATA_DIR)


def test_secret_key_generated_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("GOODWILL_SECRET_KEY", raising=False)
    key = config.load_secret_key(tmp_path)
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert len(key) >= 50
    assert config.load_secret_key(tmp_path) == key


def test_sqlite_default_uses_wal(tmp_path):
    db = config.database_config(None, tmp_path)
    assert db["ENGINE"].endswith("sqlite3")
    assert db["NAME"] == str(tmp_path / "goodwill.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_url_parsed():
    db = config.database_config("postgresql://u:secret@db.example:5433/gw", Path("/tmp"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["PORT"], db["HOST"]) == ("gw", 5433, "db.example")


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "not a url", "postgresql://u:pw@host:port/db", "postgresql://u@host/"],
)
def test_malformed_database_url_is_a_config_error(url):
    with pytest.raises(ConfigError) as info:
        config.database_config(url, Path("/tmp"))
    assert "\n" not in str(info.value)
    assert "pw" not in str(info.value).replace("postgresql", "")


def test_unwritable_data_folder(tmp_path):
    if os.geteuid() == 0:
        # root may write to any ordinary folder; a folder under /proc cannot be made at all
        with pytest.raises(ConfigError, match="cannot create data folder"):
            config.ensure_data_dir(Path("/proc/goodwill-data"))
        return
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    try:
        with pytest.raises(ConfigError, match="not writable"):
            config.ensure_data_dir(target)
    finally:
        target.chmod(0o700)


def test_data_folder_under_a_file_is_an_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot create data folder"):
        config.ensure_data_dir(blocker / "data")


def test_env_flag_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("GOODWILL_DEBUG", "maybe")
    with pytest.raises(ConfigError, match="GOODWILL_DEBUG"):
        config.env_flag("GOODWILL_DEBUG")
