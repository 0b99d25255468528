"""Backup and restore: time and peak memory on the demo, a 2 GiB data.json bomb, and backups
taken while another process keeps importing (each must restore).

    python bench/backup_restore.py                 # demo (seed 7), bomb, 8 concurrent trials
    python bench/backup_restore.py --trials 20 --bomb-gib 2

Every goodwill command runs in its own process through a small wrapper that prints the
process's own peak memory (VmHWM) at exit. Django's ``dumpdata`` on the same database is the
peer (what backups used before: table by table, no common snapshot, milliseconds only).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "backup_restore"
WRAPPER = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB " + line.split()[1] + "\\n")
atexit.register(peak)
sys.argv = ["goodwill"] + sys.argv[1:]
from goodwill.cli.main import run
run()
"""
WRITER = """
import os, sys
from pathlib import Path
os.environ["GOODWILL_DATA_DIR"] = sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "goodwill.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from goodwill.imports.service import run_import
cards = Path(sys.argv[2])
cards.mkdir(exist_ok=True)
owner = get_user_model().objects.get(username="demo")
print("writing", flush=True)
n = 0
while True:
    card = cards / f"c{n}.vcf"
    card.write_text(f"BEGIN:VCARD\\nVERSION:3.0\\nFN:Writer {n}\\nEMAIL:w{n}@x.org\\nEND:VCARD\\n")
    run_import(owner, [card], format="vcard")
    n += 1
"""


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    clean.pop("DATABASE_URL", None)
    return clean


def goodwill(data: Path, *args: str, extra: dict[str, str] | None = None) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env={**env(), **(extra or {})},
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    errors = [line for line in done.stderr.splitlines() if not line.startswith("PEAK_KB")]
    return {
        "ok": done.returncode == 0,
        "seconds": seconds,
        "peak_mb": (peak[0] / 1024) if peak else float("nan"),
        "error": " ".join(errors)[-300:],
    }


def dumpdata(data: Path, target: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "django", "dumpdata", "--natural-foreign", "-e", "contenttypes",
         "-e", "auth.permission", "-e", "sessions", "-e", "admin.logentry", "-o", str(target)],
        capture_output=True, text=True, check=False,
        env={**env(), "GOODWILL_DATA_DIR": str(data),
             "DJANGO_SETTINGS_MODULE": "goodwill.settings"},
    )  # fmt: skip
    return {"ok": done.returncode == 0, "seconds": time.perf_counter() - started}


def bomb(source: Path, target: Path, gib: float) -> None:
    """A real manifest with a data.json of ``gib`` GiB of blanks (deflates about 1000:1)."""
    with zipfile.ZipFile(source) as z:
        manifest = z.read("manifest.json")
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", manifest)
        with z.open("data.json", "w", force_zip64=True) as out:
            out.write(b"[")
            for _ in range(int(gib * 1024)):
                out.write(chunk)
            out.write(b"]")


def trials(data: Path, count: int, scratch: Path) -> tuple[int, list[str]]:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(scratch / "cards")],
        env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    restored, errors = 0, []
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        archives = []
        for n in range(count):
            archive = scratch / f"live-{n}.zip"
            made = goodwill(data, "backup", str(archive))
            if made["ok"]:
                archives.append(archive)
            else:
                errors.append(f"backup {n}: {made['error']}")
    finally:
        writer.terminate()
        writer.wait(timeout=60)
    for n, archive in enumerate(archives):
        back = goodwill(scratch / f"restored-{n}", "restore", str(archive))
        restored += back["ok"]
        if not back["ok"]:
            errors.append(f"restore {n}: {back['error']}")
    return restored, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--bomb-gib", type=float, default=2.0)
    options = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="run-", dir=OUT))
    try:
        data = scratch / "demo"
        built = goodwill(data, "demo", "--seed", str(options.seed), "--no-serve",
                         "--as-of", "2026-03-01")  # fmt: skip
        assert built["ok"], built["error"]
        archive = scratch / "demo.zip"
        rows = []
        made = goodwill(data, "backup", str(archive), "--json")
        peer = dumpdata(data, scratch / "dumpdata.json")
        back = goodwill(scratch / "restored", "restore", str(archive))
        with zipfile.ZipFile(archive) as z:
            manifest = json.loads(z.read("manifest.json"))
            inflated = z.getinfo("data.json").file_size
        total = sum(t["rows"] for t in manifest["tables"].values())
        print(f"demo (seed {options.seed}): {total:,} rows, data.json {inflated / 1e6:.1f} MB")
        rows.append(("backup (one snapshot)", made))
        rows.append(("dumpdata (the peer, no snapshot)", peer))
        rows.append(("restore (verified)", back))

        bomb_zip = scratch / "bomb.zip"
        bomb(archive, bomb_zip, options.bomb_gib)
        size = f"{options.bomb_gib:g} GiB"
        rows.append(
            (
                f"restore {size} bomb, default limit",
                goodwill(scratch / "b1", "restore", str(bomb_zip)),
            )
        )
        rows.append((f"restore {size} bomb, limit 1024 MB",
                     goodwill(scratch / "b2", "restore", str(bomb_zip),
                              extra={"GOODWILL_RESTORE_MAX_MB": "1024"})))  # fmt: skip
        print(f"{'run':40} {'ok':>5} {'seconds':>8} {'peak MB':>8}")
        for name, row in rows:
            peak = row.get("peak_mb", float("nan"))
            print(f"{name:40} {row['ok']!s:>5} {row['seconds']:8.2f} {peak:8.0f}")
            if not row["ok"] and row.get("error"):
                print(f"    {row['error'][-160:]}")
        print(f"backup / dumpdata time: {made['seconds'] / peer['seconds']:.2f}x")

        restored, errors = trials(data, options.trials, scratch)
        print(
            f"backups taken while another process imports: {restored} of {options.trials} restore"
        )
        for error in errors:
            print(f"    {error[-200:]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
