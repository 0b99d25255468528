"""Commands of the practice area (filled in as the area lands)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `goodwill` command."""
