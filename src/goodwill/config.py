"""Typed configuration helpers shared by the settings module and the CLI.

Everything here is plain Python so the CLI can validate the configuration (and
print a one-line error) before Django is set up.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any

from goodwill.errors import ConfigError

APP_NAME = "goodwill"
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "goodwill.sqlite3"

TRUTHY = {"1", "true", "yes", "on"}
FALSY = {"0", "false", "no", "off", ""}


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable; anything unrecognised is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUTHY:
        return True
    if value in FALSY:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The folder holding the database, the secret key and caches.

    ``GOODWILL_DATA_DIR`` wins; otherwise the platform's user data folder.
    """
    configured = os.environ.get("GOODWILL_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder (owner-only) and prove it is writable."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError(f"cannot create data folder {path}: {exc.strerror or exc}") from exc
    if not path.is_dir():
        raise ConfigError(f"data folder {path} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"data folder {path} is not writable")
    return path


def load_secret_key(folder: Path) -> str:
    """Return the secret key, generating it on first run (file mode 0600)."""
    from_env = os.environ.get("GOODWILL_SECRET_KEY")
    if from_env:
        return from_env
    key_path = folder / SECRET_KEY_FILE
    if key_path.exists():
        key = key_path.read_text(encoding="utf-8").strip()
        if len(key) < 50:
            raise ConfigError(f"{key_path}: the secret key is too short; delete it to regenerate")
        return key
    ensure_data_dir(folder)
    key = secrets.token_urlsafe(64)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(key_path, flags, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:  # another process won the race: use its key
        return key_path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot write {key_path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


DEFAULT_BUSY_MS = 20_000


def sqlite_busy_ms() -> int:
    raw = os.environ.get("GOODWILL_SQLITE_BUSY_MS", "").strip()
    if not raw:
        return DEFAULT_BUSY_MS
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"GOODWILL_SQLITE_BUSY_MS={raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigError("GOODWILL_SQLITE_BUSY_MS must be 0 or more")
    return value


def sqlite_database(folder: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(folder / DATABASE_FILE),
        "OPTIONS": {
            # WAL lets the web server read while an import writes; IMMEDIATE avoids
            # "database is locked" upgrades in write transactions. Several processes share
            # the one writer, so a short write waits its turn (busy_timeout) instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                f"PRAGMA foreign_keys=ON;PRAGMA busy_timeout={sqlite_busy_ms()};"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": None},
    }


SUPPORTED_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


def database_config(url: str | None, folder: Path) -> dict[str, Any]:
    """Turn ``DATABASE_URL`` (or nothing) into a Django DATABASES entry."""
    if not url:
        return sqlite_database(folder)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL {redact(url)!r} is not a PostgreSQL or SQLite URL "
            "(expected postgresql://user:pass@host:port/name)"
        )
    import dj_database_url

    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"DATABASE_URL {redact(url)!r} is malformed: {exc}") from exc
    if scheme != "sqlite" and not parsed.get("NAME"):
        raise ConfigError(f"DATABASE_URL {redact(url)!r} names no database")
    if parsed.get("PORT") not in (None, ""):
        try:
            int(parsed["PORT"])
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"DATABASE_URL {redact(url)!r} has a bad port") from exc
    return parsed


def redact(url: str) -> str:
    """Hide a password in a database URL before it goes into a message."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
