"""Rich renderings of the people and person payloads (the same dicts --json prints)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from goodwill.vocab import CHANNELS, IDENTITY_CHANNELS, INTERACTION_KINDS, TIE_KINDS, label

IDENTITIES_IN_SUMMARY = 2
TIES_SHOWN = 25
INTERACTIONS_SHOWN = 20


def _identity_summary(identities: list[dict[str, Any]]) -> str:
    shown = [f"{i['channel']}: {i.get('display') or i['value']}" for i in identities]
    extra = len(shown) - IDENTITIES_IN_SUMMARY
    text = ", ".join(shown[:IDENTITIES_IN_SUMMARY])
    return f"{text} (+{extra})" if extra > 0 else text


def _more(shown: int, total: int, hint: str = "") -> Text | None:
    if total <= shown:
        return None
    return Text(f"… and {total - shown} more{hint}", style="dim")


def print_people(console: Console, payload: dict[str, Any]) -> None:
    people = payload["people"]
    if not people:
        console.print("No people match." if payload["total"] else "No people yet.")
        return
    # User data goes in as Text so brackets in a name are never read as rich markup.
    table = Table(title=f"People ({payload['total']})", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Name")
    table.add_column("Organisation")
    table.add_column("Identities")
    table.add_column("Tags")
    for person in people:
        table.add_row(
            Text(str(person["id"])),
            Text(person["name"]),
            Text(person.get("organisation") or ""),
            Text(_identity_summary(person["identities"])),
            Text(", ".join(person["tags"])),
        )
    console.print(table)
    more = _more(len(people), payload["total"], " (use --limit 0 to show all)")
    if more is not None:
        console.print(more)


def _details(person: dict[str, Any]) -> Panel:
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    fields = [
        ("Organisation", person.get("organisation")),
        ("Position", person.get("position")),
        ("Location", person.get("location")),
        ("How we met", person.get("how_we_met")),
        ("Met on", person.get("met_on")),
        ("Tags", ", ".join(t["name"] for t in person.get("tags", []))),
        ("Notes", person.get("notes")),
    ]
    for name, value in fields:
        if value:
            rows.add_row(name, Text(str(value)))
    title = Text(f"{person['name']} (#{person['id']})")
    if person.get("is_me"):
        title.append(" — you")
    return Panel(rows if rows.row_count else Text("No details yet.", style="dim"), title=title)


def _identities(person: dict[str, Any]) -> Table:
    table = Table(title="Identities", title_justify="left")
    table.add_column("Channel")
    table.add_column("Value")
    for identity in person["identities"]:
        table.add_row(
            label(IDENTITY_CHANNELS, identity["channel"]),
            Text(identity.get("display") or identity["value"]),
        )
    return table


def _ties(person: dict[str, Any]) -> Group:
    ties = person["ties"]
    table = Table(title=f"Ties ({len(ties)})", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Name")
    table.add_column("Kind")
    table.add_column("Strength", justify="right")
    table.add_column("Evidence")
    for tie in ties[:TIES_SHOWN]:
        strength = tie.get("strength")
        table.add_row(
            Text(str(tie["id"])),
            Text(tie["name"]),
            label(TIE_KINDS, tie["kind"]),
            "-" if strength is None else f"{strength:.2f}",
            Text(", ".join(tie.get("sources", []))),
        )
    more = _more(TIES_SHOWN, len(ties))
    return Group(table, more) if more is not None else Group(table)


def _interactions(person: dict[str, Any], total: int) -> Group:
    table = Table(title=f"Recent interactions ({total})", title_justify="left")
    table.add_column("When", no_wrap=True)
    table.add_column("Kind")
    table.add_column("Channel")
    table.add_column("Direction")
    table.add_column("With")
    table.add_column("Subject / note")
    for item in person["interactions"][:INTERACTIONS_SHOWN]:
        others = ", ".join(f"{p['name']} (#{p['id']})" for p in item.get("with", []))
        about = " — ".join(x for x in (item.get("subject"), item.get("note")) if x)
        table.add_row(
            item["when"][:10],
            label(INTERACTION_KINDS, item["kind"]),
            label(CHANNELS, item["channel"]),
            item["direction"],
            Text(others),
            Text(about),
        )
    more = _more(min(INTERACTIONS_SHOWN, len(person["interactions"])), total)
    return Group(table, more) if more is not None else Group(table)


def _favours_and_overtures(person: dict[str, Any]) -> Table | None:
    favours, overtures = person.get("favours", []), person.get("overtures", [])
    if not favours and not overtures:
        return None
    table = Table(title="Favours and overtures", title_justify="left")
    table.add_column("When", no_wrap=True)
    table.add_column("What")
    table.add_column("Status")
    for favour in favours:
        who = "you gave" if favour["direction"] == "given" else "you received"
        status = "thanked" if favour.get("acknowledged_on") else "not yet thanked"
        if favour.get("returned_on"):
            status = "returned"
        table.add_row(favour["on"], Text(f"Favour {who}: {favour['what']}"), status)
    for overture in overtures:
        answered = overture.get("answered_at")
        table.add_row(
            overture["sent_at"][:10],
            f"Overture by {label(CHANNELS, overture['channel'])}",
            f"answered {answered[:10]}" if answered else "no answer yet",
        )
    return table


def print_person(console: Console, person: dict[str, Any], interactions_total: int) -> None:
    console.print(_details(person))
    if person["identities"]:
        console.print(_identities(person))
    if person["ties"]:
        console.print(_ties(person))
    if person["interactions"]:
        console.print(_interactions(person, interactions_total))
    extra = _favours_and_overtures(person)
    if extra is not None:
        console.print(extra)
