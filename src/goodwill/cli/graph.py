"""`goodwill mutuals`, `intro`, `reach`, `sharers`, `suggest`, `introduce` and `communities`."""

from collections.abc import Callable
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag
from goodwill.cli.setup import open_network

PERSON_HELP = "#ID, me, an e-mail, a handle or a name."
MUTUALS_SHOWN = 15


def _named(ref: dict[str, Any]) -> str:
    return f"{ref['name']} (#{ref['id']})"


def _run(
    ctx: typer.Context,
    as_json: bool,
    compute: Callable[[Any], dict[str, Any]],
    show: Callable[[dict[str, Any]], None],
) -> None:
    output.state.json = as_json
    owner = open_network(ctx)
    payload = compute(owner)
    if as_json:
        output.print_json(payload)
    else:
        show(payload)


def _queries() -> Any:
    # Imported once Django is configured (open_network runs first).
    from goodwill.network import queries

    return queries


def _table(title: str, *columns: str) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        numeric = column in ("#", "Hops", "Strength", "Score", "Adds", "Alone", "People")
        table.add_column(column, justify="right" if numeric else "left")
    return table


def _text(value: str) -> Any:
    from rich.text import Text

    return Text(value)


# -- mutuals ------------------------------------------------------------------------------------
def mutuals_command(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="WHO", help=PERSON_HELP)],
    second: Annotated[
        str | None, typer.Argument(metavar="[WHO]", help="A second person (default: you and WHO).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Who two people both know (you and WHO, or WHO and WHO)."""
    a, b = (None, first) if second is None else (first, second)
    _run(ctx, as_json, lambda owner: _queries().mutuals_payload(owner, a, b), _print_mutuals)


def _print_mutuals(p: dict[str, Any]) -> None:
    a, b = p["a"], p["b"]
    console = output.stdout_console()
    console.print(
        _text(
            f"{_named(a)} knows {a['count']}, {_named(b)} knows {b['count']}: "
            f"{p['shared']} in common (Jaccard {p['jaccard']:.3f}, overlap {p['overlap']:.3f}); "
            f"{p['only_a']} only {a['name']} knows, {p['only_b']} only {b['name']} knows."
        )
    )
    if p["mutual"]:
        shown = p["mutual"][:MUTUALS_SHOWN]
        more = len(p["mutual"]) - len(shown)
        line = ", ".join(_named(m) for m in shown) + (f" and {more} more" if more > 0 else "")
        console.print(_text(f"In common: {line}"))


# -- intro --------------------------------------------------------------------------------------
def intro_command(
    ctx: typer.Context,
    to: Annotated[
        str | None, typer.Argument(metavar="[WHO]", help="The person to reach. " + PERSON_HELP)
    ] = None,
    need: Annotated[
        str | None,
        typer.Option("--need", metavar="TEXT", help="Reach anyone matching: tags, org, role."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--from", metavar="WHO", help="Start here (default: you).")
    ] = None,
    k: Annotated[int, typer.Option("--k", metavar="N", help="Alternatives (1-100).")] = 5,
    max_hops: Annotated[
        int, typer.Option("--max-hops", metavar="H", help="At most H ties (1-6).")
    ] = 4,
    by: Annotated[
        str, typer.Option("--by", metavar="ORDER", help="strength (default) or hops.")
    ] = "strength",
    as_json: JsonFlag = False,
) -> None:
    """Warm introduction paths to WHO, or to anyone matching --need, through different first
    contacts, with the evidence for every tie."""
    _run(
        ctx,
        as_json,
        lambda owner: _queries().intro_payload(
            owner, to=to, need=need, source=source, k=k, max_hops=max_hops, by=by
        ),
        _print_intro,
    )


def _print_intro(p: dict[str, Any]) -> None:
    console = output.stdout_console()
    goal = _named(p["target"]) if p["target"] else f"someone matching {p['need']!r}"
    if p["target"] is None:
        goal += f" ({p['matches']} {'person' if p['matches'] == 1 else 'people'} match)"
    if not p["paths"]:
        console.print(
            _text(f"No path from {_named(p['from'])} to {goal} within {p['max_hops']} hops.")
        )
        return
    table = _table(f"Paths from {p['from']['name']} to {goal}", "Hops", "Strength", "Path")
    for path in p["paths"]:
        lines = []
        for step in path["steps"]:
            when = f", last {step['last_contact']}" if step["last_contact"] else ""
            evidence = "; ".join(step["evidence"]) or "no evidence recorded"
            lines.append(
                f"{step['from']['name']} → {step['to']['name']} "
                f"({step['strength']:.2f}: {evidence}{when})"
            )
        table.add_row(str(path["hops"]), f"{path['strength']:.3f}", _text("\n".join(lines)))
    console.print(table)


# -- reach and sharers --------------------------------------------------------------------------
def reach_command(
    ctx: typer.Context,
    who: Annotated[list[str], typer.Argument(metavar="WHO...", help="People who would share.")],
    hops: Annotated[int, typer.Option("--hops", metavar="H", help="1, 2 (default) or 3.")] = 2,
    as_json: JsonFlag = False,
) -> None:
    """How many people a post reaches if these people share it, and what each one adds."""
    _run(
        ctx,
        as_json,
        lambda owner: _queries().reach_payload(owner, who, max_hops=hops),
        _print_reach,
    )


def _print_reach(p: dict[str, Any]) -> None:
    console = output.stdout_console()
    table = _table("Sharers", "#", "Name", "Adds", "Alone")
    for s in p["sharers"]:
        table.add_row(str(s["id"]), _text(s["name"]), str(s["adds"]), str(s["alone"]))
    console.print(table)
    levels = ", ".join(
        f"{n} within {h} hop{'s' if h != '1' else ''}" for h, n in p["reach"].items()
    )
    console.print(f"Unique audience: {levels}.")
    console.print(
        f"Expected reach (independent cascade, {p['max_hops']} hops): {p['expected']:.1f} "
        f"(95% interval {p['expected_low']:.1f}-{p['expected_high']:.1f})."
    )


def sharers_command(
    ctx: typer.Context,
    k: Annotated[int, typer.Option("--k", metavar="N", help="How many sharers (1-25).")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """The friends to ask to share a post, for the widest expected reach."""
    _run(ctx, as_json, lambda owner: _queries().sharers_payload(owner, k=k), _print_sharers)


def _print_sharers(p: dict[str, Any]) -> None:
    console = output.stdout_console()
    if not p["sharers"]:
        console.print("No friends to ask yet.")
        return
    table = _table(f"Ask these {len(p['sharers'])} to share", "#", "Name", "Adds")
    for s in p["sharers"]:
        table.add_row(str(s["id"]), _text(s["name"]), f"{s['adds']:.1f}")
    console.print(table)
    console.print(
        f"Expected reach: {p['expected_reach']:.1f} people "
        f"(95% interval {p['expected_low']:.1f}-{p['expected_high']:.1f})."
    )


# -- suggest and introduce ----------------------------------------------------------------------
def suggest_command(
    ctx: typer.Context,
    for_who: Annotated[
        str | None, typer.Option("--for", metavar="WHO", help="For someone else (default: you).")
    ] = None,
    k: Annotated[int, typer.Option("--k", metavar="N", help="How many (1-100).")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """People to meet: friends of friends and people with shared interests, with reasons."""
    _run(
        ctx,
        as_json,
        lambda owner: _queries().suggest_payload(owner, for_who=for_who, k=k),
        _print_suggest,
    )


def _print_suggest(p: dict[str, Any]) -> None:
    console = output.stdout_console()
    if not p["suggestions"]:
        console.print(_text(f"No one to suggest for {p['for']['name']} yet."))
        return
    table = _table(f"People {p['for']['name']} could meet", "#", "Name", "Score", "Why")
    for s in p["suggestions"]:
        table.add_row(
            str(s["id"]), _text(s["name"]), f"{s['score']:.2f}", _text("; ".join(s["reasons"]))
        )
    console.print(table)


def introduce_command(
    ctx: typer.Context,
    k: Annotated[int, typer.Option("--k", metavar="N", help="How many pairs (1-100).")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """Introductions you could make between your contacts, and your brokerage."""
    _run(ctx, as_json, lambda owner: _queries().introduce_payload(owner, k=k), _print_introduce)


def _print_introduce(p: dict[str, Any]) -> None:
    console = output.stdout_console()
    if p["pairs"]:
        table = _table("Introductions you could make", "Who", "And", "Score", "Why")
        for pair in p["pairs"]:
            table.add_row(
                _text(_named(pair["a"])),
                _text(_named(pair["b"])),
                f"{pair['score']:.2f}",
                _text("; ".join(pair["reasons"])),
            )
        console.print(table)
    else:
        console.print("No introductions to suggest: no two contacts share interests or needs.")
    b = p["brokerage"]
    if b["effective_size"] is not None:
        console.print(
            f"Your brokerage: {b['degree']} contacts, effective size {b['effective_size']:.1f}, "
            f"constraint {b['constraint']:.3f} (lower: more structural holes to bridge)."
        )


# -- communities --------------------------------------------------------------------------------
def communities_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """The circles of your network (Leiden communities) and what they have in common."""

    def compute(owner: Any) -> dict[str, Any]:
        found = _queries().map_payload(owner)
        return {"total_nodes": found["total_nodes"], "communities": found["communities"]}

    _run(ctx, as_json, compute, _print_communities)


def _print_communities(p: dict[str, Any]) -> None:
    table = _table(f"Circles among {p['total_nodes']} people", "#", "Label", "People")
    for c in p["communities"]:
        table.add_row(str(c["id"]), _text(c["label"]), str(c["size"]))
    output.stdout_console().print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `goodwill` command."""
    app.command("mutuals")(mutuals_command)
    app.command("intro")(intro_command)
    app.command("reach")(reach_command)
    app.command("sharers")(sharers_command)
    app.command("suggest")(suggest_command)
    app.command("introduce")(introduce_command)
    app.command("communities")(communities_command)
