"""The `goodwill` command line.

In-process (``main(argv)`` with capsys) for parsing, output and errors on the test database;
real subprocesses, each with a fresh ``--data-dir``, for everything that configures Django itself
(pytest-django has already configured this process).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from goodwill.cli import server
from goodwill.cli.main import main
from goodwill.errors import ConfigError

TIMEOUT = 120
DB_FILE = "goodwill.sqlite3"
PEOPLE_KEYS = {"id", "name", "identities", "tags"}
PERSON_KEYS = {"id", "name", "identities", "ties", "interactions"}
TIE_KEYS = {"id", "name", "kind", "strength", "sources"}
INTERACTION_KEYS = {"when", "kind", "channel", "direction"}


# --- helpers ---------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error_line(err: str, fragment: str = "", kind: str = "error") -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"goodwill: {kind}: "), lines[0]
    assert fragment in lines[0]
    return lines[0]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GOODWILL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env["COLUMNS"] = "200"  # keep rich tables on one line per row
    env.update(extra)
    return env


def gw(
    data_dir: Path | str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh interpreter; stdin is never a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli.main", "--data-dir", str(data_dir), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env or subprocess_env(),
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def dump(data_dir: Path) -> str:
    connection = sqlite3.connect(data_dir / DB_FILE)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def password_works(data_dir: Path, username: str, password: str) -> bool:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    with sqlite3.connect(data_dir / DB_FILE) as db:
        (encoded,) = db.execute(
            "select password from auth_user where username = ?", (username,)
        ).fetchone()
    # The test settings hash with MD5, so check the real hasher's output directly.
    return PBKDF2PasswordHasher().verify(password, encoded)


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- in-process: parsing, help and usage errors -------------------------------------------------


def test_version(capsys):
    code, out, err = cli(capsys, "--version")
    assert (code, err) == (0, "")
    assert out.startswith("goodwill ")


def test_help_lists_every_command(capsys):
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    for command in ("init", "demo", "serve", "people", "person", "add", "knows", "log", "favour"):
        assert command in out
    assert "--data-dir" in out
    assert "--database-url" in out
    assert "--user" in out
    assert "\x1b[" not in out


def test_no_arguments_prints_help(capsys):
    code, out, _ = cli(capsys)
    assert code == 0
    assert "Usage" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["people", "--bogus"], "No such option: --bogus"),
        (["log", "dance", "Sam"], "'dance' is not one of"),
        (["log", "call", "Sam", "--direction", "sideways"], "'sideways' is not one of"),
        (["log", "call", "Sam", "--channel", "pigeon"], "'pigeon' is not one of"),
        (["log"], "Missing argument"),
        (["favour", "lent", "Sam", "a book"], "'lent' is not one of"),
        (["favour", "gave", "Sam", "a", "book"], "unexpected extra argument"),
        (["person"], "Missing argument"),
        (["serve", "--port", "99999"], "--port"),
        (["no-such-command"], "No such command"),
        (["--data-dir"], "requires an argument"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, args, fragment):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert_one_error_line(err, fragment)


def test_usage_error_with_json_also_prints_the_error_document(capsys):
    code, out, err = cli(capsys, "people", "--json", "--bogus")
    assert code == 2
    line = assert_one_error_line(err, "--bogus")
    assert json.loads(out) == {"ok": False, "error": line.removeprefix("goodwill: error: ")}


def test_unexpected_exception_is_one_line_without_traceback(capsys, monkeypatch):
    def explode(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr("goodwill.cli.people.open_network", explode)
    monkeypatch.delenv("GOODWILL_DEBUG", raising=False)
    code, _, err = cli(capsys, "people")
    assert code == 1
    assert_one_error_line(err, "RuntimeError: boom (set GOODWILL_DEBUG=1", kind="internal error")


def test_serve_refuses_a_public_address(capsys, monkeypatch):
    monkeypatch.delenv("GOODWILL_ALLOWED_HOSTS", raising=False)
    code, out, err = cli(capsys, "serve", "--host", "0.0.0.0")
    assert (code, out) == (1, "")
    assert_one_error_line(err, "GOODWILL_ALLOWED_HOSTS")


@pytest.mark.parametrize(
    ("host", "allowed", "accepted"),
    [
        ("127.0.0.1", None, True),
        ("localhost", None, True),
        ("::1", None, True),
        ("127.0.0.2", None, True),
        ("192.168.1.5", None, False),
        ("192.168.1.5", "192.168.1.5", True),
        ("0.0.0.0", None, False),
        ("0.0.0.0", "localhost", False),
        ("0.0.0.0", "goodwill.example.org", True),
        ("10.0.0.1", "*", True),
    ],
)
def test_check_host(monkeypatch, host, allowed, accepted):
    if allowed is None:
        monkeypatch.delenv("GOODWILL_ALLOWED_HOSTS", raising=False)
    else:
        monkeypatch.setenv("GOODWILL_ALLOWED_HOSTS", allowed)
    if accepted:
        server.check_host(host)
    else:
        with pytest.raises(ConfigError, match="refusing to serve"):
            server.check_host(host)


# --- in-process on the test database ------------------------------------------------------------


@pytest.fixture
def network(owner):
    """The owner's people: two namesakes, a tie, one interaction, a favour and an overture."""
    from goodwill.activity import services as activity
    from goodwill.people import services as people

    sam = people.create_person(
        owner, "Sam Lee", identities=[("email", "sam@example.org")], tags=["writer"]
    )
    other_sam = people.create_person(owner, "Sam Lee", organisation="Acme")
    lori = people.create_person(owner, "Lori Park", identities=[("x", "@loripark")])
    people.state_tie(owner, sam, lori)
    activity.log_interaction(owner, "call", [lori], when=activity.parse_when("2024-05-01"))
    return {"sam": sam, "other_sam": other_sam, "lori": lori}


def counts() -> tuple[int, ...]:
    from goodwill.activity.models import Favour, Interaction, Overture
    from goodwill.people.models import Person, Tie

    return tuple(m.objects.count() for m in (Person, Tie, Interaction, Favour, Overture))


@pytest.mark.django_db
def test_people_json_shape(capsys, network):
    code, out, err = cli(capsys, "people", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["total"] == 3
    assert [p["name"] for p in document["people"]] == ["Lori Park", "Sam Lee", "Sam Lee"]
    for person in document["people"]:
        assert person.keys() >= PEOPLE_KEYS
        for identity in person["identities"]:
            assert {"channel", "value"} <= identity.keys()
    sam = next(p for p in document["people"] if p["id"] == network["sam"].id)
    assert sam["tags"] == ["writer"]
    assert {"channel": "email", "value": "sam@example.org"}.items() <= sam["identities"][0].items()


@pytest.mark.django_db
def test_people_query_tag_and_limit(capsys, network):
    _, out, _ = cli(capsys, "people", "lori", "--json")
    assert [p["name"] for p in json.loads(out)["people"]] == ["Lori Park"]
    _, out, _ = cli(capsys, "people", "--tag", "writer", "--json")
    assert [p["id"] for p in json.loads(out)["people"]] == [network["sam"].id]
    _, out, _ = cli(capsys, "people", "--limit", "1", "--json")
    document = json.loads(out)
    assert document["total"] == 3
    assert len(document["people"]) == 1


@pytest.mark.django_db
def test_people_table_has_no_ansi_codes(capsys, network):
    code, out, _ = cli(capsys, "people")
    assert code == 0
    assert "Lori Park" in out
    assert "@loripark" in out
    assert "\x1b[" not in out


@pytest.mark.django_db
def test_writing_commands_then_person_json(capsys, network):
    lori = network["lori"]
    code, out, _ = cli(capsys, "log", "email", "@loripark", "sam@example.org", "--on", "2024-06-02")
    assert code == 0
    assert out.count("\n") == 1
    assert out.startswith("Logged email with Lori Park")
    code, out, _ = cli(capsys, "favour", "gave", "Lori", "a proofread", "--on", "2024-06-03")
    assert code == 0
    assert out.count("\n") == 1
    code, out, _ = cli(capsys, "overture", f"#{lori.id}", "--channel", "x", "--json")
    assert code == 0
    assert json.loads(out)["channel"] == "x"
    code, out, _ = cli(capsys, "person", "Lori Park", "--json")
    assert code == 0
    person = json.loads(out)
    assert person.keys() >= PERSON_KEYS
    assert person["identities"][0]["channel"] == "x"
    assert [t["name"] for t in person["ties"]] == ["Sam Lee"]
    assert person["ties"][0].keys() >= TIE_KEYS
    assert [i["kind"] for i in person["interactions"]] == ["email", "call"]
    for interaction in person["interactions"]:
        assert interaction.keys() >= INTERACTION_KEYS
    assert person["favours"][0]["what"] == "a proofread"
    assert person["overtures"][0]["channel"] == "x"


@pytest.mark.django_db
def test_person_table(capsys, network):
    code, out, _ = cli(capsys, "person", "Lori")
    assert code == 0
    for text in ("Lori Park", "Identities", "Ties (1)", "Sam Lee", "Recent interactions (1)"):
        assert text in out
    assert "\x1b[" not in out


@pytest.mark.django_db
def test_add_and_knows(capsys, owner):
    code, out, _ = cli(capsys, "add", "Ann Bell", "--email", "ann@example.org", "--org", "Press")
    assert code == 0
    assert out.startswith("Added Ann Bell (#")
    code, out, _ = cli(capsys, "add", "Bo Chan", "--x", "@bochan", "--tag", "Editor", "--json")
    assert code == 0
    bo = json.loads(out)
    assert bo["tags"] == [{"name": "editor", "kind": "tag"}]
    code, out, _ = cli(
        capsys, "knows", "ann@example.org", "@bochan", "--kind", "coworker", "--json"
    )
    assert code == 0
    assert json.loads(out)["kind"] == "coworker"
    assert json.loads(out)["sources"] == ["stated by you"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["person", "Zed"], 1, "no person matches 'Zed'"),
        (["person", "#999999"], 1, "no person #999999"),
        (["log", "call", "Lori", "Zed"], 1, "no person matches 'Zed'"),
        (["log", "call", "Sam Lee"], 1, "matches several people: #"),
        (["favour", "gave", "Sam Lee", "a lift"], 1, "matches several people"),
        (["overture", "Zed"], 1, "no person matches"),
        (["log", "call", "Lori", "--on", "2024-13-45"], 2, "invalid date '2024-13-45'"),
        (["favour", "gave", "Lori", "x", "--on", "someday"], 2, "invalid date"),
        (["overture", "Lori", "--on", "31/12/2024"], 2, "invalid date"),
        (["add", "Lori Two", "--x", "@loripark"], 1, "already belongs to"),
        (["add", "Bad Mail", "--email", "not-an-address"], 2, "not an e-mail address"),
        (["knows", "Lori", "Lori"], 2, "cannot be tied to themselves"),
    ],
)
def test_failures_are_one_line_and_change_nothing(capsys, network, args, code, fragment):
    before = counts()
    got, out, err = cli(capsys, *args)
    assert got == code
    assert out == ""
    assert_one_error_line(err, fragment)
    assert counts() == before


@pytest.mark.django_db
def test_ambiguous_name_lists_every_candidate(capsys, network):
    _, out, err = cli(capsys, "person", "Sam Lee", "--json")
    line = assert_one_error_line(err)
    assert f"#{network['sam'].id} Sam Lee" in line
    assert f"#{network['other_sam'].id} Sam Lee (Acme)" in line
    assert json.loads(out) == {"ok": False, "error": line.removeprefix("goodwill: error: ")}


@pytest.mark.django_db
def test_several_users_need_user_option(capsys, owner, other_user):
    code, _, err = cli(capsys, "people")
    assert code == 1
    assert_one_error_line(err, "several users (other, owner): choose one with --user NAME")
    code, _, err = cli(capsys, "--user", "nobody", "people")
    assert code == 1
    assert_one_error_line(err, "no user 'nobody' (users: other, owner)")
    code, out, _ = cli(capsys, "--user", "other", "people", "--json")
    assert code == 0
    assert json.loads(out) == {"total": 0, "people": []}


@pytest.mark.django_db
def test_another_users_people_are_invisible(capsys, network, other_user):
    code, _, err = cli(capsys, "--user", "other", "person", "Lori")
    assert code == 1
    assert_one_error_line(err, "no person matches 'Lori'")


# --- subprocesses: the real thing, each on its own data folder ----------------------------------


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """A data folder made through the CLI: user ann, namesakes, a tie, activity."""
    folder = tmp_path_factory.mktemp("template") / "data"
    ok(gw(folder, "init", "--username", "ann", "--password", "pw-ann-12345"))
    ok(gw(folder, "add", "Sam Lee", "--email", "sam@example.org", "--org", "Acme"))
    ok(gw(folder, "add", "Sam Lee", "--x", "@samlee2"))
    ok(gw(folder, "add", "Lori Park", "--phone", "+44 20 7946 0958", "--tag", "editor"))
    return folder


@pytest.fixture
def data(template, tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(template, folder)
    return folder


def test_init_without_a_terminal_generates_and_prints_a_password(tmp_path):
    folder = tmp_path / "nested" / "data"
    result = ok(gw(folder, "init", "--username", "zoe", "--email", "zoe@example.org"))
    assert (folder / DB_FILE).is_file()
    assert (folder / "secret_key").is_file()
    assert str(folder) in result.stdout
    password_lines = [line for line in result.stdout.splitlines() if line.startswith("Password: ")]
    assert len(password_lines) == 1
    password = password_lines[0].split()[1]
    assert len(password) >= 12
    with sqlite3.connect(folder / DB_FILE) as db:
        users = db.execute("select username, email, is_superuser from auth_user").fetchall()
        me = db.execute("select name from people_person where is_me").fetchall()
    assert users == [("zoe", "zoe@example.org", 1)]
    assert me == [("zoe",)]
    assert password_works(folder, "zoe", password)
    assert "serve" in result.stdout


def test_init_takes_the_password_from_the_environment(tmp_path):
    result = ok(
        gw(
            tmp_path / "d",
            "init",
            "--username",
            "ann",
            env=subprocess_env(GOODWILL_PASSWORD="from-env-123"),
        )
    )
    assert "Password:" not in result.stdout
    assert "from-env-123" not in result.stdout
    assert password_works(tmp_path / "d", "ann", "from-env-123")


def test_init_on_a_terminal_prompts_for_the_password(tmp_path):
    folder = tmp_path / "data"
    main_fd, child_fd = pty.openpty()
    # A new session has no controlling terminal, so getpass reads the pty given as stdin.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "goodwill.cli.main",
            "--data-dir",
            str(folder),
            "init",
            "--username",
            "tia",
        ],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        start_new_session=True,
        env=subprocess_env(),
    )
    os.close(child_fd)
    seen = bytearray()

    def answer(prompt: bytes, reply: bytes) -> None:
        deadline = time.monotonic() + 60
        while prompt not in seen:
            assert time.monotonic() < deadline, bytes(seen)
            if select.select([main_fd], [], [], 0.2)[0]:
                seen.extend(os.read(main_fd, 1024))
        os.write(main_fd, reply)

    try:
        answer(b"Password for tia", b"typed-pw-123\n")
        answer(b"again", b"typed-pw-123\n")
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main_fd)
    assert password_works(folder, "tia", "typed-pw-123")


def test_init_twice_is_harmless(data):
    before = dump(data)
    again = ok(gw(data, "init"))
    assert "already set up" in again.stdout
    assert "ann" in again.stdout
    same_user = ok(gw(data, "init", "--username", "ann", "--password", "other-pw-456"))
    assert "already exists" in same_user.stdout
    assert dump(data) == before


def test_people_and_person_json_on_data_made_through_the_cli(data):
    ok(gw(data, "knows", "sam@example.org", "Lori", "--kind", "coworker"))
    ok(gw(data, "log", "call", "sam@example.org", "Lori", "--on", "2024-05-01", "--note", "launch"))
    ok(gw(data, "favour", "received", "Lori", "an introduction", "--on", "2024-05-02"))
    ok(gw(data, "overture", "@samlee2", "--channel", "x", "--on", "2024-05-03"))

    listing = json.loads(ok(gw(data, "people", "--json")).stdout)
    assert listing["total"] == 3
    assert all(p.keys() >= PEOPLE_KEYS for p in listing["people"])
    lori = next(p for p in listing["people"] if p["name"] == "Lori Park")
    assert lori["tags"] == ["editor"]
    assert lori["identities"][0]["channel"] == "phone"

    person = json.loads(ok(gw(data, "person", "Lori", "--json")).stdout)
    assert person.keys() >= PERSON_KEYS
    assert person["identities"][0]["value"] == "+442079460958"
    assert [(t["name"], t["kind"], t["sources"]) for t in person["ties"]] == [
        ("Sam Lee", "coworker", ["stated by you"])
    ]
    assert person["ties"][0].keys() >= TIE_KEYS
    assert [(i["kind"], i["channel"], i["direction"]) for i in person["interactions"]] == [
        ("call", "phone", "both")
    ]
    assert person["interactions"][0]["when"].startswith("2024-05-01")
    assert person["favours"][0]["direction"] == "received"

    table = ok(gw(data, "person", "Lori")).stdout
    assert "Lori Park" in table
    assert "Co-worker" in table
    assert "\x1b[" not in table


ERROR_CASES = [
    pytest.param(["person", "Zed"], 1, "no person matches 'Zed'", id="unknown-person"),
    pytest.param(["log", "call", "Sam Lee"], 1, "matches several people: #2", id="ambiguous"),
    pytest.param(["log", "call", "Lori", "--on", "2024-13-45"], 2, "invalid date", id="bad-date"),
    pytest.param(["people", "--bogus"], 2, "No such option", id="unknown-option"),
    pytest.param(["log", "dance", "Lori"], 2, "'dance' is not one of", id="unknown-kind"),
    pytest.param(["--user", "bob", "people"], 1, "no user 'bob'", id="unknown-user"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), ERROR_CASES)
def test_errors_in_a_real_process_change_nothing(data, args, code, fragment):
    before = dump(data)
    result = gw(data, *args, "--json")
    assert result.returncode == code
    line = assert_one_error_line(result.stderr, fragment)
    assert json.loads(result.stdout) == {
        "ok": False,
        "error": line.removeprefix("goodwill: error: "),
    }
    assert dump(data) == before


def test_ambiguous_name_lists_both_ids(data):
    result = gw(data, "person", "Sam Lee")
    line = assert_one_error_line(result.stderr)
    assert "#2 Sam Lee (Acme)" in line
    assert "#3 Sam Lee" in line


def test_several_users_without_user_option(data):
    ok(gw(data, "init", "--username", "bob"))
    before = dump(data)
    result = gw(data, "people")
    assert result.returncode == 1
    assert_one_error_line(result.stderr, "several users (ann, bob): choose one with --user NAME")
    assert json.loads(ok(gw(data, "--user", "ann", "people", "--json")).stdout)["total"] == 3
    assert dump(data) == before


@pytest.mark.parametrize("command", [["people"], ["person", "me"], ["log", "call", "me"]])
def test_no_database_is_an_error_not_a_new_database(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = tmp_path / "missing"
    for folder in (empty, missing):
        result = gw(folder, *command)
        assert result.returncode == 1
        assert_one_error_line(
            result.stderr,
            f"no goodwill database in {folder}: run `goodwill init` or `goodwill demo`",
        )
    assert tree(tmp_path) == ["empty"]


def test_unwritable_data_folder(tmp_path):
    if os.geteuid() == 0:
        folder = Path("/proc/nope")  # root can write anywhere else
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        folder = locked / "data"
    result = gw(folder, "init", "--username", "ann")
    assert result.returncode == 1
    assert_one_error_line(result.stderr, f"cannot create data folder {folder}")
    assert result.stdout == ""
    assert not folder.exists()


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://x", "is not a PostgreSQL or SQLite URL"),
        ("postgresql://u@h:notaport/db", "postgresql://u@h:notaport/db"),
        ("postgresql://u:secret@h:notaport/db", "u:***@h"),
    ],
)
@pytest.mark.parametrize("command", ["init", "people"])
def test_malformed_database_url(tmp_path, url, fragment, command):
    folder = tmp_path / "data"
    result = gw(folder, "--database-url", url, command)
    assert result.returncode == 1
    line = assert_one_error_line(result.stderr, fragment)
    assert "secret" not in line
    assert not folder.exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_http_and_stops_on_sigterm(data):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "goodwill.cli.main",
            "--data-dir",
            str(data),
            "serve",
            "--port",
            str(port),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    status = reply.status
            except urllib.error.HTTPError as reply:
                status = reply.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert status is not None
        assert status < 500
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_on_a_busy_port_is_one_line(data):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = gw(data, "serve", "--port", str(port))
    assert result.returncode == 1
    assert_one_error_line(result.stderr, f"cannot listen on 127.0.0.1:{port}")


def demo_available() -> bool:
    return importlib.util.find_spec("goodwill.demo.load") is not None


@pytest.mark.skipif(not demo_available(), reason="goodwill.demo.load is not written yet")
def test_demo_is_deterministic_byte_for_byte(tmp_path):
    """The determinism check: the same seed and day give identical JSON in two fresh folders."""
    outputs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        built = ok(gw(folder, "demo", "--no-serve", "--seed", "7", "--as-of", "2026-11-01"))
        assert "http://127.0.0.1:8000/" in built.stdout
        listing = ok(gw(folder, "people", "--json")).stdout
        people = json.loads(listing)["people"]
        assert people, "the demo made no people"
        who = f"#{people[0]['id']}"
        outputs.append((listing, ok(gw(folder, "person", who, "--json")).stdout))
    assert outputs[0] == outputs[1]


def test_demo_rejects_a_bad_date_before_creating_anything(tmp_path):
    folder = tmp_path / "data"
    result = gw(folder, "demo", "--no-serve", "--as-of", "2026-02-30")
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "invalid date '2026-02-30'")
    assert not folder.exists()


@pytest.mark.skipif(not demo_available(), reason="goodwill.demo.load is not written yet")
def test_demo_stays_away_from_real_users(data):
    before = dump(data)
    result = gw(data, "demo", "--no-serve")
    assert result.returncode == 1
    assert_one_error_line(result.stderr, "already holds other users (ann)")
    result = gw(data, "--user", "ann", "demo", "--no-serve")
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "the demo's user is always 'demo'")
    assert dump(data) == before
