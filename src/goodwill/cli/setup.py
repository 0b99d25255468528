"""From global options to a configured Django and the user whose network a command works on.

The configuration is validated with plain ``goodwill.config`` *before* Django is set up, so a
bad data folder or database URL is a one-line error that has changed nothing on disk.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodwill import config
from goodwill.errors import Ambiguous, ConfigError, NotFound

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

MAX_USERS_LISTED = 10
# In the data folder: the user commands act for when several share it.
DEFAULT_USER_FILE = "default_user"


@dataclass
class Globals:
    """The options given before the subcommand."""

    data_dir: Path | None = None
    database_url: str | None = None
    user: str | None = None

    def command_prefix(self) -> str:
        """How to call goodwill again on the same data (for hints printed to the user)."""
        parts = ["goodwill"]
        if self.data_dir is not None:
            parts += ["--data-dir", str(self.data_dir)]
        if self.database_url is not None:
            parts += ["--database-url", config.redact(self.database_url)]
        return shlex.join(parts)


@dataclass(frozen=True)
class Site:
    folder: Path
    database: dict[str, Any]

    @property
    def where(self) -> str:
        """Where the data lives, for messages: the folder, the SQLite file or the redacted URL."""
        url = os.environ.get("DATABASE_URL")
        if not url:
            return str(self.folder)
        if self.database.get("ENGINE", "").endswith("sqlite3"):
            return str(self.database.get("NAME"))
        return config.redact(url)


def bootstrap(options: Globals, *, create: bool) -> Site:
    """Configure Django for the data named by ``options``; create the database only if asked."""
    from django.apps import apps

    if apps.ready:
        return _adopt_configured_django(options)
    if options.data_dir is not None:
        os.environ["GOODWILL_DATA_DIR"] = str(options.data_dir)
    if options.database_url is not None:
        os.environ["DATABASE_URL"] = options.database_url
    folder = config.data_dir()
    site = Site(folder, config.database_config(os.environ.get("DATABASE_URL"), folder))
    if create:
        config.ensure_data_dir(folder)
    else:
        _require_sqlite_database(site)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodwill.settings")
    import django

    django.setup()
    if not create:
        _require_migrated_database(site)
    _migrate_quietly()
    return site


def _adopt_configured_django(options: Globals) -> Site:
    # A notebook or the test suite set Django up already: use it as it is.
    from django.conf import settings
    from django.db import connection

    if options.data_dir is not None or options.database_url is not None:
        raise ConfigError(
            "Django is already configured in this process; --data-dir and --database-url "
            "cannot change it"
        )
    return Site(Path(settings.DATA_DIR), dict(connection.settings_dict))


def _missing(site: Site) -> ConfigError:
    return ConfigError(
        f"no goodwill database in {site.where}: run `goodwill init` or `goodwill demo`"
    )


def _require_sqlite_database(site: Site) -> None:
    # Checked before django.setup(), which would create the folder and a secret key.
    if not site.database.get("ENGINE", "").endswith("sqlite3"):
        return
    name = str(site.database.get("NAME") or "")
    if name and name != ":memory:" and not Path(name).is_file():
        raise _missing(site)


def _require_migrated_database(site: Site) -> None:
    from django.db import connection

    if "django_migrations" not in connection.introspection.table_names():
        raise _missing(site)


def _migrate_quietly() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # Planning is cheap; running `migrate` with nothing to do is not (post-migrate signals).
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


def select_user(options: Globals) -> AbstractUser:
    """The user named by --user, else the only user, else the folder's default user."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("username")
    names = list(users.values_list("username", flat=True)[: MAX_USERS_LISTED + 1])
    more = ", ..." if len(names) > MAX_USERS_LISTED else ""
    listed = ", ".join(names[:MAX_USERS_LISTED]) + more
    if options.user is not None:
        user = users.filter(username=options.user).first()
        if user is None:
            known = f"users: {listed}" if names else "there are no users yet"
            raise NotFound(f"no user {options.user!r} ({known})")
        return user  # type: ignore[no-any-return]
    if not names:
        raise ConfigError("there is no user yet: run `goodwill init`")
    if len(names) > 1:
        default = default_username()
        user = users.filter(username=default).first() if default else None
        if user is None:
            raise Ambiguous(f"several users ({listed}): choose one with --user NAME")
        return user  # type: ignore[no-any-return]
    return users.get()  # type: ignore[no-any-return]


def _default_user_file() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / DEFAULT_USER_FILE


def default_username() -> str | None:
    """The user commands act for when there are several and --user is not given."""
    try:
        return _default_user_file().read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def remember_default_user(username: str) -> None:
    """Make ``username`` the one commands act for without --user (the demo writes it)."""
    _default_user_file().write_text(username + "\n", encoding="utf-8")


def globals_of(ctx: Any) -> Globals:
    """The global options stored on the Click context by the main callback."""
    found = getattr(ctx, "obj", None)
    return found if isinstance(found, Globals) else Globals()


def open_network(ctx: Any) -> AbstractUser:
    """For commands on an existing network: configure Django, then pick the user."""
    options = globals_of(ctx)
    bootstrap(options, create=False)
    return select_user(options)
