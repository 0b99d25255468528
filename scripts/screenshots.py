"""Take the README's pictures of the web app from the demo network.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]

Builds the demo (seed 7) in a throwaway data folder, serves it on a free loopback port, logs in
as the demo user with Debian's Chromium and saves PNGs of the main pages at desktop size, and of
a few at phone size (``NAME-phone.png``), into OUT_DIR (default: docs/screenshots/). Pages not
built yet are skipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def goodwill(data_dir: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "goodwill.cli.main", "--data-dir", data_dir, *args]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer")


# (file name, path, what to wait for besides the page and its htmx panels). A page that answers
# 404 (not built yet) is left out.
SHOTS = [
    ("home", "/", None),
    ("people", "/people/?tag=writers-group", None),
    ("people-filtered", "/people/?strength=strong&sort=recent", None),
    ("person", "{person}", None),
    ("map", "/map/", "#network-map[data-ready=true]"),
    ("intro", "/intro/?to=Amara+Asante", None),  # a commissioning editor two hops away
    ("reach", "/reach/?action=choose&k=3", None),
    ("tend", "/tend/", None),
    ("ledger", "/ledger/", None),
    ("channels", "/channels/", None),
    ("next", "/next/", None),
]
PHONE_SHOTS = {"home", "people", "person", "map", "intro", "tend"}
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def settle(page, selector: str | None) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.querySelectorAll('.panel-loading').length === 0")
    if selector:
        page.wait_for_selector(selector, timeout=60_000)


def a_person(page, base: str) -> str:
    """The page of the person with the strongest tie to the demo user (a well-filled page)."""
    page.goto(f"{base}/people/?sort=strength")
    href = page.locator("#results tbody a").first.get_attribute("href")
    return href or "/people/"


def shoot(base: str, out: Path) -> list[str]:
    taken = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        desktop = browser.new_page(viewport=DESKTOP)
        desktop.goto(f"{base}/login/")
        desktop.fill("input[name=username]", "demo")
        desktop.fill("input[name=password]", "demo")
        desktop.click("button[type=submit]")
        desktop.wait_for_url(f"{base}/")
        person = a_person(desktop, base)
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.context.add_cookies(desktop.context.cookies())
        for name, path, selector in SHOTS:
            url = base + path.replace("{person}", person)
            response = desktop.goto(url)
            if response is None or response.status == 404:
                print(f"skipped {name}: {path} is not there yet", file=sys.stderr)
                continue
            settle(desktop, selector)
            desktop.screenshot(path=out / f"{name}.png")
            taken.append(f"{name}.png")
            if name in PHONE_SHOTS:
                phone.goto(url)
                settle(phone, selector)
                phone.screenshot(path=out / f"{name}-phone.png")
                taken.append(f"{name}-phone.png")
        browser.close()
    return taken


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="goodwill-shots-") as data_dir:
        subprocess.run(goodwill(data_dir, "demo", "--no-serve", "--seed", "7"), check=True)
        port = free_port()
        server = subprocess.Popen(goodwill(data_dir, "serve", "--port", str(port)))
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/login/")
            taken = shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{len(taken)} screenshots in {os.path.relpath(out)}: {', '.join(taken)}")


if __name__ == "__main__":
    main()
