"""The README stays true: every command the CLI has is in its reference."""

from __future__ import annotations

from pathlib import Path

import typer

from goodwill.cli.main import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    names = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names += [f"{name} {sub}" for sub in subcommands]
        else:
            names.append(name)
    return names


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) > 40
    missing = [
        c
        for c in commands
        if f"goodwill {c}" not in text and f"`{c.split()[0]} {c.split()[-1]}" not in text
    ]
    assert missing == []
