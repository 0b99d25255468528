"""House rules that a test can check: the pure packages never import Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import goodwill

SRC = Path(goodwill.__file__).resolve().parent
PURE_PACKAGES = ("importers", "graph", "insights", "exporters")
PURE_MODULES = ("goodwill.identity", "goodwill.vocab", "goodwill.config", "goodwill.errors")


def pure_module_names() -> list[str]:
    names = list(PURE_MODULES)
    for package in PURE_PACKAGES:
        names.append(f"goodwill.{package}")
        for info in pkgutil.walk_packages([str(SRC / package)], prefix=f"goodwill.{package}."):
            names.append(info.name)
    # The demo generator is pure too; only its loader writes to the database.
    for info in pkgutil.iter_modules([str(SRC / "demo")], prefix="goodwill.demo."):
        if info.name != "goodwill.demo.load":
            names.append(info.name)
    return names


@pytest.mark.parametrize("module", pure_module_names())
def test_pure_module_never_imports_django(module):
    probe = (
        "import importlib, sys; importlib.import_module(sys.argv[1]); "
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(','.join(leaked))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, module], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulls in {result.stdout.strip()}"


def test_no_asset_comes_from_a_cdn():
    hosts = ("cdn.", "unpkg.com", "cdnjs.", "jsdelivr.net", "code.jquery.com", "googleapis.com")
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix in {".html", ".py", ".js", ".css"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path.name}: {h}" for h in hosts if h in text]
    assert offenders == []
