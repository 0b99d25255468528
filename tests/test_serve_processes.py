"""`goodwill serve --workers 2` over HTTP: two web processes and the worker, on SQLite and on
PostgreSQL. A client stays signed in whichever process answers, an upload is imported by the
worker while the page polls, and stopping the server stops every process it started."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.multiprocess import PASSWORD, new_site, serve

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


class Browser:
    """A signed-in client with its own cookies (no JavaScript: the pages work without)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=120) as reply:
            return reply.status, reply.url, reply.read().decode()

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str, str]:
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": content_type, "Referer": self.base + path},
        )
        with self.opener.open(request, timeout=120) as reply:
            return reply.status, reply.url, reply.read().decode()

    def token(self, path: str) -> str:
        return CSRF.search(self.get(path)[2]).group(1)

    def log_in(self, username: str) -> None:
        fields = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.token("/login/"),
        }
        _, url, _ = self.post(
            "/login/",
            urllib.parse.urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
        )
        assert not url.rstrip("/").endswith("/login"), "could not sign in"

    def upload(self, name: str, content: str) -> str:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{self.token('/imports/')}\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n',
            f"--{boundary}--\r\n",
        ]
        _, url, _ = self.post(
            "/imports/", "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"
        )
        return url


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with new_site(tmp_path_factory.mktemp("served"), users=("ann", "bob")) as site:
        yield site, serve(site, "--workers", "2")


def test_sessions_hold_across_both_processes(served):
    _site, server = served
    ann, bob = Browser(server.url), Browser(server.url)
    ann.log_in("ann")
    bob.log_in("bob")
    for _ in range(12):  # each request may be answered by either process
        for client in (ann, bob):
            status, url, html = client.get("/imports/")
            assert status == 200
            assert url.endswith("/imports/"), url  # not sent to log in
            assert 'name="password"' not in html


def test_an_upload_is_imported_by_the_worker_while_the_page_polls(served):
    site, server = served
    ann = Browser(server.url)
    ann.log_in("ann")
    rows = "".join(f"Reader{i},Example,,reader{i}@example.org,,,01 Jan 2020\n" for i in range(7))
    run_url = ann.upload("Connections.csv", HEADER + rows)
    assert re.search(r"/imports/\d+/$", run_url), run_url
    deadline = time.monotonic() + 120
    while True:
        _, _, html = ann.get(run_url.removeprefix(server.url))
        if 'role="status">Applied' in html:
            break
        assert 'role="status">Failed' not in html
        assert 'role="status">Interrupted' not in html
        assert time.monotonic() < deadline, "the worker did not import the upload"
        time.sleep(0.3)
    assert re.search(r'stat-value">7</span> <span class="stat-label">people created', html)
    assert site.json("--user", "ann", "people", "--limit", "1")["total"] == 7
    assert site.json("--user", "bob", "people", "--limit", "1")["total"] == 0


def children(pid: int, named: str = "") -> list[str]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid), *(["-f", named] if named else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def test_stopping_the_server_stops_its_processes_and_worker(tmp_path):
    with new_site(tmp_path, users=("ann",)) as site:
        server = serve(site, "--workers", "2")
        deadline = time.monotonic() + 60
        while len(children(server.process.pid)) < 3:  # two web processes and the worker
            assert time.monotonic() < deadline, children(server.process.pid)
            time.sleep(0.2)
        worker = children(server.process.pid, "goodwill worker")
        assert len(worker) == 1, worker
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(60) == 0
        deadline = time.monotonic() + 30
        while subprocess.run(["kill", "-0", worker[0]], capture_output=True).returncode == 0:
            assert time.monotonic() < deadline, "the worker outlived its server"
            time.sleep(0.2)
        while "Worker stopped." not in server.output:  # the worker said so on its way out
            assert time.monotonic() < deadline, server.output
            time.sleep(0.2)
