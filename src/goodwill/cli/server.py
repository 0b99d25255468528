"""`goodwill init`, `goodwill demo` and `goodwill serve`."""

import datetime as dt
import getpass
import importlib.util
import ipaddress
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from goodwill import config
from goodwill.cli import output
from goodwill.cli.setup import Globals, Site, bootstrap, globals_of, remember_default_user
from goodwill.errors import ConfigError, GoodwillError, UsageError
from goodwill.identity import normalise

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_THREADS = 4
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")  # what Django's username validator accepts
FALLBACK_USERNAME = "owner"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"

HostOption = Annotated[
    str, typer.Option("--host", metavar="H", help="Address to listen on (loopback by default).")
]
PortOption = Annotated[int, typer.Option("--port", metavar="P", min=1, max=65535)]
ThreadsOption = Annotated[
    int,
    typer.Option("--threads", metavar="N", min=1, max=256, help="Threads per web process."),
]
WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers", metavar="N", min=1, max=64, help="Web processes (above 1: gunicorn)."
    ),
]
NoWorkerOption = Annotated[
    bool,
    typer.Option(
        "--no-worker", help="Start no background worker (run `goodwill worker` yourself)."
    ),
]


def init_command(
    ctx: typer.Context,
    username: Annotated[
        str | None, typer.Option("--username", metavar="NAME", help="Default: your login name.")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            metavar="PW",
            help="Default: $GOODWILL_PASSWORD, a prompt on a terminal, else generated and shown.",
        ),
    ] = None,
    email: Annotated[str, typer.Option("--email", metavar="E")] = "",
) -> None:
    """Create the data folder, the database and the first user."""
    options = globals_of(ctx)
    name = username or options.user
    if name is not None:
        _check_username(name)
    email = _checked_email(email)
    site = bootstrap(options, create=True)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    existing = list(users.order_by("username").values_list("username", flat=True)[:10])
    if name is None and existing:
        output.say(f"goodwill is already set up in {site.where} (users: {', '.join(existing)}).")
        prefix = options.command_prefix()
        output.say(f"Nothing changed. To add another user: {prefix} init --username NAME")
        return
    name = name or _default_username()
    if users.filter(username=name).exists():
        output.say(f"User {name!r} already exists in {site.where}; nothing changed.")
        return
    secret, generated = _choose_password(password, name)
    _check_password(secret, name, email)
    _create_owner(name, email, secret, first=not existing)
    output.say(f"Data folder: {site.folder}")
    output.say(f"Database: {site.where if os.environ.get('DATABASE_URL') else _db_file(site)}")
    output.say(f"Created user {name!r}{' (administrator)' if not existing else ''}.")
    if generated:
        output.say(f"Password: {secret}  (generated; shown only this once, so keep it safe)")
    output.say(
        f"Next: {options.command_prefix()} serve   then open http://{DEFAULT_HOST}:{DEFAULT_PORT}/"
    )


def _check_username(name: str) -> None:
    if not USERNAME.match(name):
        raise UsageError(f"invalid username {name!r}: use up to 150 letters, digits and @ . + - _")


def _checked_email(email: str) -> str:
    if not email.strip():
        return ""
    try:
        return normalise("email", email)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _default_username() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. an anonymous container user)
        return FALLBACK_USERNAME
    return login if USERNAME.match(login) else FALLBACK_USERNAME


def _stdin_is_terminal() -> bool:
    stream = sys.stdin
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


def _choose_password(given: str | None, name: str) -> tuple[str, bool]:
    """The password and whether it was generated (and so must be shown once)."""
    if given:
        return given, False
    from_env = os.environ.get("GOODWILL_PASSWORD")
    if from_env:
        return from_env, False
    # Never wait for input unless a person is at a terminal.
    if _stdin_is_terminal():
        first = getpass.getpass(f"Password for {name} (empty: generate one): ")
        if first:
            if getpass.getpass("Same password again: ") != first:
                raise UsageError("the two passwords differ; nothing was created")
            return first, False
    return secrets.token_urlsafe(12), True


def _check_password(password: str, name: str, email: str) -> None:
    """The configured password validators (AUTH_PASSWORD_VALIDATORS), as for every password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, get_user_model()(username=name, email=email))
    except ValidationError as exc:
        reasons = " ".join(exc.messages)
        raise UsageError(f"that password is too weak: {reasons} Nothing was created.") from None


def _create_owner(name: str, email: str, password: str, *, first: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from goodwill.people.services import ensure_me

    with transaction.atomic():
        # The first user runs the instance, so they may also use the admin pages.
        user = get_user_model().objects.create_user(
            name, email, password, is_staff=first, is_superuser=first
        )
        ensure_me(user)


def _db_file(site: Site) -> str:
    return str(site.database.get("NAME", site.folder))


def demo_command(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Same seed, same network.")] = 7,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build it, do not serve.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="The demo's today (default: today)."),
    ] = None,
    host: HostOption = DEFAULT_HOST,
    port: PortOption = DEFAULT_PORT,
    threads: ThreadsOption = DEFAULT_THREADS,
    workers: WorkersOption = 1,
    no_worker: NoWorkerOption = False,
) -> None:
    """Build the demo network (user demo, password demo) and serve it."""
    options = globals_of(ctx)
    if options.user not in (None, DEMO_USER):
        raise UsageError(f"the demo's user is always {DEMO_USER!r}; leave out --user")
    day = _parse_day(as_of)
    if not no_serve:
        check_host(host)
    if not _demo_available():
        raise GoodwillError("the demo generator (goodwill.demo.load) is not in this installation")
    site = bootstrap(options, create=True)
    _refuse_real_users(site)
    from goodwill.demo.load import build_demo

    with _progress("Building the demo") as report:
        summary = build_demo(
            seed, as_of=day, username=DEMO_USER, password=DEMO_PASSWORD, progress=report
        )
    from django.contrib.auth import get_user_model

    from goodwill.workspaces.demo import GROUP_NAME, MEMBERS, build_group_demo

    demo_user = get_user_model().objects.get(username=DEMO_USER)
    build_group_demo(demo_user, seed=seed, password=DEMO_PASSWORD, as_of=summary.as_of)
    _score_demo(demo_user, summary.as_of)
    remember_default_user(DEMO_USER)  # commands act for the demo user without --user
    output.say(f"Demo network (seed {seed}) ready in {site.where}{_counts(summary)}.")
    output.say(
        f"The {GROUP_NAME} group: you and writer-01 ... writer-{MEMBERS:02d} "
        f"(password {DEMO_PASSWORD})."
    )
    output.say(
        f"Open {_url(_shown_host(host), port)} and log in as "
        f"{summary.username} / {summary.password}"
    )
    if no_serve:
        output.say(f"Serve it with: {options.command_prefix()} serve --port {port}")
        return
    _serve(site, host, port, threads, workers=workers, worker=not no_worker)


def _score_demo(user: Any, day: dt.date) -> None:
    """Store the history-based strengths on the demo's ties, as `goodwill rescore` would."""
    from django.utils import timezone

    from goodwill.practice.scoring import rescore

    end_of_day = dt.datetime.combine(day, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    rescore(user, as_of=end_of_day)


def _refuse_real_users(site: Site) -> None:
    # The demo replaces its user's whole network; keep it away from real people's data.
    from django.contrib.auth import get_user_model

    from goodwill.workspaces.demo import member_usernames

    demo_users = [DEMO_USER, *member_usernames()]
    others = get_user_model().objects.exclude(username__in=demo_users).order_by("username")
    names = list(others.values_list("username", flat=True)[:5])
    if names:
        raise ConfigError(
            f"{site.where} already holds other users ({', '.join(names)}): build the demo "
            "in a folder of its own, e.g. goodwill --data-dir ~/goodwill-demo demo"
        )


def _parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"invalid date {text!r}: use YYYY-MM-DD") from None


def _demo_available() -> bool:
    try:
        return importlib.util.find_spec("goodwill.demo.load") is not None
    except ImportError:
        return False


def _counts(summary: Any) -> str:
    counts = getattr(summary, "counts", None)
    if isinstance(counts, Mapping) and counts:
        return ": " + ", ".join(f"{value} {key}" for key, value in counts.items())
    return ""


@contextmanager
def _progress(title: str) -> Iterator[Callable[[str, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = output.stderr_console()
    # Progress goes to stderr so stdout stays clean; no bar at all when nobody watches.
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(title, total=None)

        def report(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total or None)

        yield report


def serve_command(
    ctx: typer.Context,
    host: HostOption = DEFAULT_HOST,
    port: PortOption = DEFAULT_PORT,
    threads: ThreadsOption = DEFAULT_THREADS,
    workers: WorkersOption = 1,
    no_worker: NoWorkerOption = False,
) -> None:
    """Serve the web app and run the background worker beside it (loopback only unless
    GOODWILL_ALLOWED_HOSTS allows)."""
    options: Globals = globals_of(ctx)
    check_host(host)
    site = bootstrap(options, create=False)
    _serve(site, host, port, threads, workers=workers, worker=not no_worker)


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_host(host: str) -> None:
    """Refuse an address other machines can reach unless the operator allowed it."""
    if is_loopback(host):
        return
    allowed = config.env_list("GOODWILL_ALLOWED_HOSTS", [])
    if "*" in allowed or host.strip("[]") in [a.strip("[]") for a in allowed]:
        return
    # Listening on every interface is fine once the names clients use are allowed.
    if host.strip("[]") in WILDCARD_HOSTS and any(not is_loopback(a) for a in allowed):
        return
    raise ConfigError(
        f"refusing to serve on {host}: other machines could reach it; set "
        f"GOODWILL_ALLOWED_HOSTS to the names clients will use (e.g. "
        f"GOODWILL_ALLOWED_HOSTS=goodwill.example.org) and put HTTPS in front (GOODWILL_SECURE=1)"
    )


def _shown_host(host: str) -> str:
    return DEFAULT_HOST if host.strip("[]") in WILDCARD_HOSTS else host


def _url(host: str, port: int) -> str:
    name = host.strip("[]")
    return f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/"


def _serve(site: Site, host: str, port: int, threads: int, *, workers: int, worker: bool) -> None:
    from goodwill.cli.serving import serve

    url = _url(_shown_host(host), port)
    serve(site.where, url, host, port, threads=threads, workers=workers, worker=worker)


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    app.command("demo")(demo_command)
    app.command("serve")(serve_command)
