"""Printing: one JSON document, one-line messages and errors, rich tables for people."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from rich.console import Console


class _RunState:
    """Whether the running command was asked for --json (errors then also go to stdout)."""

    def __init__(self) -> None:
        self.json = False


state = _RunState()


def stdout_console() -> Console:
    # Made per call so a replaced sys.stdout (tests, redirection) is honoured. Rich
    # emits no colour or ANSI codes when the stream is not a terminal, and respects NO_COLOR.
    return Console(file=sys.stdout, highlight=False)


def stderr_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def warn(line: str) -> None:
    """A notice on stderr (stdout stays one clean document)."""
    sys.stderr.write(f"goodwill: {one_line(line)}\n")
    sys.stderr.flush()


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def report_error(message: object, *, kind: str = "error") -> None:
    line = one_line(message)
    sys.stdout.flush()
    sys.stderr.write(f"goodwill: {kind}: {line}\n")
    sys.stderr.flush()
    if state.json:
        print_json({"ok": False, "error": line})


def prefer_utf8_stdout() -> None:
    # JSON written to a pipe or file is UTF-8 whatever the locale says, so names never break it.
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if stream.isatty() or encoding == "utf8":
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding="utf-8")
