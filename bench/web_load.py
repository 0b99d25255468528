"""Page speed of the web app under load, as clients see it: 10 signed-in clients on loopback.

    python bench/web_load.py                      # 10 clients, 60 s, --workers 1 then 2
    python bench/web_load.py --workers 2 --seconds 30
    python bench/web_load.py --think 1.0          # each client pauses 1 s between pages
    python bench/web_load.py --data-dir DIR       # reuse a data folder holding the demo
    python bench/web_load.py --only "home,people,person"   # just these pages

Builds the seed-7 demo (`goodwill demo --no-serve`) in a throwaway data folder, then for each
``--workers`` value starts the real server (`goodwill serve --workers N`: waitress for one
process, gunicorn for more, with its background worker) with
``goodwill.web.timing.ServerTimingMiddleware`` added in front, signs every client in through the
login form, and has each client request the main pages in its own shuffled order, again and
again, for ``--seconds``. It prints, per page, the median and 95th percentile of the client's
wall time on loopback (what a user waits: queueing included) and of the server's own time from
the ``Server-Timing`` header, the throughput, and the ratios between the server set-ups. Pages
another area has not built yet (not 200) are left out and listed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

TIMING = "goodwill.web.timing.ServerTimingMiddleware"
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSONS_USED = 5

# (label, path); "{id}" is replaced by a person id, a different one each time.
PAGES = [
    ("home", "/"),
    ("people", "/people/"),
    ("people search", "/people/?q=ann"),
    ("people filtered", "/people/?strength=strong&contact=365&sort=recent"),
    ("person", "/people/{id}/"),
    ("log", "/log/"),
    ("imports", "/imports/"),
    ("merges", "/merges/"),
    ("map", "/map/"),
    ("map data", "/map/data.json"),
    ("intro", "/intro/"),
    ("reach", "/reach/"),
    ("suggest", "/suggest/"),
    ("tend", "/tend/"),
    ("ledger", "/ledger/"),
    ("channels", "/channels/"),
    ("next actions", "/next/"),
    ("groups", "/groups/"),
    ("panel: next", "/panels/next/"),
    ("panel: losing touch", "/panels/losing-touch/"),
    ("panel: thanks", "/panels/thanks/"),
    ("panel: person network", "/people/{id}/network/"),
    ("panel: person strength", "/people/{id}/strength/"),
    ("panel: person practice", "/people/{id}/practice/"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def goodwill(*args: str) -> list[str]:
    return [sys.executable, "-m", "goodwill.cli.main", *args]


def serve_child(port: int, threads: int, workers: int) -> None:
    """Run `goodwill serve` in this process with the timing middleware in front."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodwill.settings")
    from django.conf import settings

    if TIMING not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [TIMING, *settings.MIDDLEWARE]
    from goodwill.cli.main import main

    main(["serve", "--port", str(port), "--threads", str(threads), "--workers", str(workers)])


def wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer")


class Client:
    """One signed-in browser: its own cookies, one request at a time."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, float, float | None, str]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                body = response.read().decode("utf-8", "replace")
                status, header = response.status, response.headers.get("Server-Timing", "")
        except urllib.error.HTTPError as exc:
            exc.read()
            status, header, body = exc.code, exc.headers.get("Server-Timing", ""), ""
        wall_ms = (time.perf_counter() - started) * 1000
        match = SERVER_TIMING.search(header or "")
        return status, wall_ms, float(match.group(1)) if match else None, body

    def log_in(self, username: str, password: str) -> None:
        _, _, _, form = self.get("/login/")
        token = CSRF_INPUT.search(form)
        if token is None:
            raise SystemExit("the login page has no CSRF token")
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=60) as response:
            if response.url.rstrip("/").endswith("/login"):
                raise SystemExit("could not sign in as the demo user")


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    errors: int = 0


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def discover(client: Client) -> tuple[list[tuple[str, str]], list[str], list[int]]:
    """The pages that exist, the ones left out, and the people the person pages use."""
    _, _, _, listing = client.get("/people/?sort=strength")
    people = [int(i) for i in dict.fromkeys(PERSON_LINK.findall(listing))][:PERSONS_USED]
    if not people:
        raise SystemExit("the people list shows nobody: is the demo loaded?")
    found: list[tuple[str, str]] = []
    missing: list[str] = []
    for label, path in PAGES:
        status, wall, _, _ = client.get(path.replace("{id}", str(people[0])))
        print(f"  first {label}: {status} in {wall:.0f} ms", file=sys.stderr)
        if status == 200:
            found.append((label, path))
        else:
            missing.append(f"{label} ({status})")
    return found, missing, people


def load(
    base: str,
    pages: list[tuple[str, str]],
    people: list[int],
    clients: int,
    seconds: float,
    think: float,
) -> tuple[dict[str, Samples], float]:
    """Every client browses until ``seconds`` have passed; returns the samples and the time."""
    results = {label: Samples() for label, _ in pages}
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    span: dict[str, float] = {}

    def work(number: int) -> None:
        client = Client(base)
        client.log_in("demo", "demo")
        rng = random.Random(number)
        for _label, path in pages:  # warm-up: not counted
            client.get(path.replace("{id}", str(people[0])))
        ready.wait()
        round_number = 0
        while time.perf_counter() < span["end"]:
            order = pages[:]
            rng.shuffle(order)
            for label, path in order:
                if time.perf_counter() >= span["end"]:
                    break
                person = people[(number + round_number) % len(people)]
                status, wall, server, _ = client.get(path.replace("{id}", str(person)))
                with lock:
                    samples = results[label]
                    if status != 200:
                        samples.errors += 1
                    else:
                        samples.wall.append(wall)
                        if server is not None:
                            samples.server.append(server)
                if think:
                    time.sleep(rng.uniform(0.5, 1.5) * think)
            round_number += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    span["start"] = time.perf_counter()
    span["end"] = span["start"] + seconds
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - span["start"]


def summarise(results: dict[str, Samples]) -> list[dict]:
    rows = []
    for label, samples in results.items():
        if not samples.wall:
            continue
        rows.append(
            {
                "page": label,
                "requests": len(samples.wall),
                "errors": samples.errors,
                "client_median_ms": round(statistics.median(samples.wall), 1),
                "client_p95_ms": round(p95(samples.wall), 1),
                "server_median_ms": round(statistics.median(samples.server), 1)
                if samples.server
                else None,
                "server_p95_ms": round(p95(samples.server), 1) if samples.server else None,
            }
        )
    every_wall = [v for s in results.values() for v in s.wall]
    every_server = [v for s in results.values() for v in s.server]
    rows.append(
        {
            "page": "all pages",
            "requests": len(every_wall),
            "errors": sum(s.errors for s in results.values()),
            "client_median_ms": round(statistics.median(every_wall), 1),
            "client_p95_ms": round(p95(every_wall), 1),
            "server_median_ms": round(statistics.median(every_server), 1),
            "server_p95_ms": round(p95(every_server), 1),
        }
    )
    return rows


def print_table(rows: list[dict]) -> None:
    head = ("page", "requests", "errors", "client median", "client p95", "server median")
    print(
        f"{head[0]:<24} {head[1]:>8} {head[2]:>6} {head[3]:>13} {head[4]:>10} "
        f"{head[5]:>13} {'server p95':>10}"
    )
    for row in rows:
        server_median = row["server_median_ms"]
        server_p95 = row["server_p95_ms"]
        print(
            f"{row['page']:<24} {row['requests']:>8} {row['errors']:>6} "
            f"{row['client_median_ms']:>13.1f} {row['client_p95_ms']:>10.1f} "
            f"{'-' if server_median is None else f'{server_median:.1f}':>13} "
            f"{'-' if server_p95 is None else f'{server_p95:.1f}':>10}"
        )


def build_demo(data_dir: str) -> None:
    started = time.perf_counter()
    subprocess.run(
        goodwill("--data-dir", data_dir, "demo", "--no-serve", "--seed", "7"),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def machine_load() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def run_one(args: argparse.Namespace, data_dir: str, workers: int) -> dict:
    port = free_port()
    env = {**os.environ, "GOODWILL_DATA_DIR": data_dir}
    child = [
        sys.executable,
        __file__,
        "--serve-child",
        str(port),
        "--threads",
        str(args.threads),
        "--serve-workers",
        str(workers),
    ]
    server = subprocess.Popen(child, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login/", server)
        probe = Client(base)
        probe.log_in("demo", "demo")
        pages, missing, people = discover(probe)
        if workers > 1:  # every process compiles and caches on its first visits: warm them all
            for _ in range(workers * 3):
                discover(probe)
        if args.only:
            wanted = {label.strip() for label in args.only.split(",")}
            pages = [(label, path) for label, path in pages if label in wanted]
        before = machine_load()
        results, elapsed = load(base, pages, people, args.clients, args.seconds, args.think)
        after = machine_load()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    rows = summarise(results)
    return {
        "workers": workers,
        "threads": args.threads,
        "clients": args.clients,
        "think_seconds": args.think,
        "seconds": round(elapsed, 1),
        "requests": rows[-1]["requests"],
        "requests_per_second": round(rows[-1]["requests"] / elapsed, 1),
        "load_before": before,
        "load_after": after,
        "rows": rows,
        "missing": missing,
    }


def print_run(run: dict) -> None:
    processes = "1 process (waitress)" if run["workers"] == 1 else f"{run['workers']} processes"
    print(
        f"\n--workers {run['workers']}: {processes} x {run['threads']} threads, "
        f"{run['clients']} clients, think {run['think_seconds']} s: {run['requests']} requests "
        f"in {run['seconds']} s ({run['requests_per_second']} requests/s); "
        f"{run['load_before']} before, {run['load_after']} after; times in ms"
    )
    print_table(run["rows"])
    if run["missing"]:
        print(f"not answering 200 (not built yet?), left out: {', '.join(run['missing'])}")


def print_comparison(runs: list[dict]) -> None:
    base = runs[0]
    for other in runs[1:]:
        ratio = other["requests_per_second"] / base["requests_per_second"]
        print(
            f"\nthroughput --workers {other['workers']} / --workers {base['workers']}: "
            f"{ratio:.2f}x ({other['requests_per_second']} vs {base['requests_per_second']} "
            "requests/s)"
        )
        theirs = {row["page"]: row for row in other["rows"]}
        print(
            f"{'page':<24} {'client p95 ' + str(base['workers']):>14} "
            f"{'client p95 ' + str(other['workers']):>14} {'ratio':>7}"
        )
        for row in base["rows"]:
            match = theirs.get(row["page"])
            if match is None:
                continue
            a, b = row["client_p95_ms"], match["client_p95_ms"]
            print(f"{row['page']:<24} {a:>14.1f} {b:>14.1f} {b / a if a else float('nan'):>6.2f}x")


def run(args: argparse.Namespace, data_dir: str) -> None:
    runs = [run_one(args, data_dir, int(n)) for n in args.workers.split(",")]
    if args.json:
        print(json.dumps({"runs": runs}, indent=2))
        return
    for one in runs:
        print_run(one)
    print_comparison(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long clients browse")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between a client's pages (s)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument(
        "--workers", default="1,2", help="web processes; a list compares them (default 1,2)"
    )
    parser.add_argument("--data-dir", help="a data folder that already holds the demo")
    parser.add_argument(
        "--only", help="comma-separated page labels to request (default: every page)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        serve_child(args.serve_child, args.threads, args.serve_workers)
        return
    if args.data_dir:
        run(args, str(Path(args.data_dir).resolve()))
        return
    with tempfile.TemporaryDirectory(prefix="goodwill-load-") as data_dir:
        build_demo(data_dir)
        run(args, data_dir)


if __name__ == "__main__":
    main()
