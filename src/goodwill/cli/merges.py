"""`goodwill merges`, `merge`, `unmerge` and `distinct`: one person across sources."""

from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag, Who
from goodwill.cli.setup import open_network

DEFAULT_LIMIT = 50
REVIEWED = "reviewed by you"


def _named(person: dict[str, Any]) -> str:
    return f"{person['name'] or '(gone)'} (#{person['id']})"


def _print_review(payload: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = output.stdout_console()
    if payload["candidates"]:
        table = Table(title="Maybe the same person", title_justify="left")
        for column in ("Keep", "Merge in", "Score", "Why"):
            table.add_column(column, justify="right" if column == "Score" else "left")
        for c in payload["candidates"]:
            table.add_row(
                Text(_named(c["a"])),
                Text(_named(c["b"])),
                f"{c['score']:.2f}",
                Text("; ".join(c["reasons"])),
            )
        console.print(table)
        console.print("Merge with: goodwill merge '#KEEP' '#OTHER'; or: goodwill distinct A B")
    else:
        console.print("No one to review: no similar names with anything else in common.")
    if payload["merges"]:
        table = Table(title="Recent merges", title_justify="left")
        for column in ("#", "Kept", "Absorbed", "Why", "When"):
            table.add_column(column, justify="right" if column == "#" else "left")
        for m in payload["merges"]:
            when = m["created_at"][:10] + (" (undone)" if m["undone_at"] else "")
            table.add_row(
                str(m["id"]), Text(_named(m["kept"])), Text(_named(m["absorbed"])),
                Text(m["reason"]), when,
            )  # fmt: skip
        console.print(table)


def merges_command(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", min=0, metavar="N", help="At most N candidates (0: all).")
    ] = DEFAULT_LIMIT,
    as_json: JsonFlag = False,
) -> None:
    """People who may be one person, with the reasons; and the recent merges."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports import merging

    found = merging.candidates(owner, limit=limit or None)
    payload = {
        "candidates": [merging.candidate_payload(c) for c in found],
        "merges": [merging.merge_payload(m) for m in merging.history(owner)],
    }
    if as_json:
        output.print_json(payload)
    else:
        _print_review(payload)


def merge_command(
    ctx: typer.Context,
    keep: Who,
    other: Annotated[str, typer.Argument(metavar="WHO", help="The record to fold into the first.")],
    as_json: JsonFlag = False,
) -> None:
    """Merge the second person into the first (you are always the one kept)."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports import merging
    from goodwill.people.services import resolve

    done = merging.merge(owner, resolve(owner, keep), resolve(owner, other), reason=REVIEWED)
    payload = merging.merge_payload(done)
    if as_json:
        output.print_json(payload)
        return
    output.say(
        f"Merged {_named(payload['absorbed'])} into {_named(payload['kept'])} "
        f"(merge #{done.id}). Undo with: goodwill unmerge '#{done.kept_id}'"
    )


def unmerge_command(ctx: typer.Context, who: Who, as_json: JsonFlag = False) -> None:
    """Undo the latest merge into WHO: the other person comes back exactly as they were."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports import merging
    from goodwill.imports.models import Merge
    from goodwill.people.services import resolve

    kept = resolve(owner, who)
    latest = merging.latest_merge_into(owner, kept)
    restored = merging.unmerge(latest)
    latest.refresh_from_db()
    left = Merge.objects.filter(owner=owner, kept_id=kept.id, undone_at=None).count()
    payload = {
        "merge": merging.merge_payload(latest),
        "restored": {"id": restored.id, "name": restored.name},
        "merges_left": left,
    }
    if as_json:
        output.print_json(payload)
        return
    more = (
        f" {left} earlier merge{'s' if left != 1 else ''} into #{kept.id} remain." if left else ""
    )
    output.say(
        f"Undid merge #{latest.id}: {restored.name} (#{restored.id}) is back, "
        f"apart from {kept.name} (#{kept.id}).{more}"
    )


def distinct_command(ctx: typer.Context, one: Who, other: Who, as_json: JsonFlag = False) -> None:
    """Say two people are different: the pair is never suggested again."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports import merging
    from goodwill.people.services import resolve

    a, b = resolve(owner, one), resolve(owner, other)
    decision = merging.mark_distinct(owner, a, b)
    payload = {
        "a": {"id": a.id, "name": a.name},
        "b": {"id": b.id, "name": b.name},
        "decision": decision.decision,
    }
    if as_json:
        output.print_json(payload)
        return
    output.say(f"Noted: {a.name} (#{a.id}) and {b.name} (#{b.id}) are different people.")


def register(app: typer.Typer) -> None:
    app.command("merges")(merges_command)
    app.command("merge")(merge_command)
    app.command("unmerge")(unmerge_command)
    app.command("distinct")(distinct_command)
