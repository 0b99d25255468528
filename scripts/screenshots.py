"""Take the README's pictures of the web app from the demo network.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]

Builds the demo (seed 7) in a throwaway data folder, serves it on a free loopback port, logs in
as the demo user with Debian's Chromium and saves PNGs (default: docs/screenshots/).
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


def shoot(base: str, out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "demo")
        page.fill("input[name=password]", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.screenshot(path=out / "home.png")
        page.goto(f"{base}/people/?tag=writers-group")
        page.screenshot(path=out / "people.png")
        page.goto(f"{base}/people/")
        page.locator("table a, .people a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=out / "person.png", full_page=False)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(f"{base}/people/")
        phone.screenshot(path=out / "people-phone.png")
        browser.close()


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
            shoot(base, out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"screenshots in {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
