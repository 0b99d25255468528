"""`goodwill group ...`: group workspaces from the terminal."""

from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag
from goodwill.cli.setup import open_network

group_app = typer.Typer(
    help="Group workspaces: pool maps with consent, find who knows whom, ask for introductions.",
    no_args_is_help=True,
)

Group = Annotated[str, typer.Argument(metavar="GROUP", help="The group: #ID or its name.")]
Member = Annotated[str, typer.Argument(metavar="MEMBER", help="A member: username, name or #ID.")]


def _open(ctx: typer.Context, as_json: bool) -> Any:
    output.state.json = as_json
    return open_network(ctx)


def _member(ctx: typer.Context, group: str, as_json: bool) -> Any:
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    return services.find(user, group)


def _emit(payload: Any, as_json: bool, line: str) -> None:
    if as_json:
        output.print_json(payload)
    else:
        output.say(line)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    output.stdout_console().print(table)


@group_app.command("list")
def list_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Your groups."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services
    from goodwill.workspaces.models import Membership

    rows = Membership.objects.filter(user=user).select_related("workspace")
    payload = {"groups": [services.workspace_payload(m) for m in rows]}
    if as_json:
        output.print_json(payload)
    elif not payload["groups"]:
        output.say("You are in no group. Create one with: goodwill group create NAME")
    else:
        _table(
            "Your groups",
            ["#", "Name", "Role", "You share", "Members"],
            [
                [g["id"], g["name"], g["role"], g["level"], len(g["members"])]
                for g in payload["groups"]
            ],
        )


@group_app.command("create")
def create_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The group's name.")],
    description: Annotated[str, typer.Option("--description", help="What it is for.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Create a group; you are its owner."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    member = services.create(user, name, description)
    payload = services.workspace_payload(member)
    _emit(payload, as_json, f"Created group #{member.workspace_id} {member.workspace.name}.")


@group_app.command("show")
def show_command(ctx: typer.Context, group: Group, as_json: JsonFlag = False) -> None:
    """A group's members and what each shares."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    payload = services.workspace_payload(member)
    if as_json:
        output.print_json(payload)
        return
    _table(
        f"#{payload['id']} {payload['name']}",
        ["Member", "Username", "Role", "Shares", "Introductions"],
        [
            [m["name"], m["username"], m["role"], m["level"], "no" if m["never_connector"] else ""]
            for m in payload["members"]
        ],
    )


@group_app.command("invite")
def invite_command(
    ctx: typer.Context,
    group: Group,
    email: Annotated[str, typer.Option("--email", help="Also e-mail the link here.")] = "",
    days: Annotated[int, typer.Option("--days", min=1, help="How long the link works.")] = 7,
    as_json: JsonFlag = False,
) -> None:
    """Create an invitation link (shown once)."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    invitation, link = services.invite(member, email, days=days)
    payload = {
        "link": link,
        "email": invitation.email,
        "expires_at": invitation.expires_at.isoformat(),
    }
    _emit(payload, as_json, f"{link}\n(works until {invitation.expires_at:%Y-%m-%d})")


@group_app.command("join")
def join_command(
    ctx: typer.Context,
    token: Annotated[str, typer.Argument(help="The invitation link or its last part.")],
    as_json: JsonFlag = False,
) -> None:
    """Join a group with an invitation."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    member = services.join(user, token.rstrip("/").rsplit("/", 1)[-1])
    payload = services.workspace_payload(member)
    _emit(payload, as_json, f"Joined {member.workspace.name}; you share: {member.level}.")


@group_app.command("share")
def share_command(
    ctx: typer.Context,
    group: Group,
    level: Annotated[
        str | None, typer.Option("--level", help="nothing, counts, names or full.")
    ] = None,
    connector: Annotated[
        bool | None,
        typer.Option("--connector/--never-connector", help="May members ask you to introduce?"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Choose what you share with a group, and whether you make introductions."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    never = None if connector is None else not connector
    member = services.set_sharing(member, level, never)
    payload = {"level": member.level, "never_connector": member.never_connector}
    extra = "; never a connector" if member.never_connector else ""
    _emit(payload, as_json, f"You share with {member.workspace.name}: {member.level}{extra}.")


@group_app.command("hide")
def hide_command(
    ctx: typer.Context,
    group: Group,
    who: Annotated[str, typer.Argument(metavar="WHO", help="One of your people.")],
    show: Annotated[bool, typer.Option("--show", help="Share them again.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Keep one of your contacts out of a group's pool (or, with --show, let them back)."""
    member = _member(ctx, group, as_json)
    from goodwill.people.services import resolve
    from goodwill.workspaces import services

    person = resolve(member.user, who)
    services.hide(member, person, not show)
    payload = {"person": {"id": person.id, "name": person.name}, "hidden": not show}
    verb = "shared again with" if show else "hidden from"
    _emit(payload, as_json, f"{person.name} (#{person.id}) is {verb} {member.workspace.name}.")


@group_app.command("who-knows")
def who_knows_command(
    ctx: typer.Context,
    group: Group,
    text: Annotated[str, typer.Argument(help="An organisation or a name.")],
    as_json: JsonFlag = False,
) -> None:
    """Which members know someone matching TEXT, at the detail each shares."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    payload = services.who_knows(member, text)
    if as_json:
        output.print_json(payload)
        return
    if not payload["members"]:
        output.say(f"No member shares anyone matching {text!r}.")
        return
    for m in payload["members"]:
        output.say(f"{m['name']} knows {m['count']} matching")
    if payload["people"]:
        _table(
            "People shared by name",
            ["Name", "Organisation", "Known by"],
            [
                [p["name"], p["organisation"], ", ".join(k["name"] for k in p["known_by"])]
                for p in payload["people"]
            ],
        )


@group_app.command("reach")
def reach_command(
    ctx: typer.Context,
    group: Group,
    text: Annotated[str, typer.Argument(metavar="WHO", help="A name or an organisation.")],
    as_json: JsonFlag = False,
) -> None:
    """Warm paths from you to people matching WHO, through members and shared ties."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    payload = services.reach(member, text)
    if as_json:
        output.print_json(payload)
        return
    if not payload["targets"]:
        output.say(f"No one shared matches {text!r}.")
    for target in payload["targets"]:
        output.say(f"{target['name']} ({target['organisation'] or 'no organisation'}):")
        for path in target["paths"] or []:
            chain = " -> ".join(hop["name"] for hop in path["people"])
            output.say(f"  {chain}  (strength {path['strength']:.2f})")
        if not target["paths"]:
            output.say("  no path within six hops")


@group_app.command("contacts")
def contacts_command(
    ctx: typer.Context, group: Group, who: Member, as_json: JsonFlag = False
) -> None:
    """What a member shares, and the contacts you have in common."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    payload = services.contacts(member, who)
    if as_json:
        output.print_json(payload)
        return
    output.say(f"{payload['name']} shares {payload['level']}: {payload['count']} contacts")
    if "overlap" in payload:
        output.say(f"In common with you: {payload['overlap']['shared']}")
    for person in payload["people"]:
        output.say(f"  {person['name']}  {person['organisation']}".rstrip())


@group_app.command("ask")
def ask_command(
    ctx: typer.Context,
    group: Group,
    connector: Annotated[str, typer.Option("--connector", help="The member to ask.")],
    target: Annotated[str, typer.Option("--target", help="Whom you would like to meet.")],
    note: Annotated[str, typer.Option("--note", help="Why; they will read it.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Ask a member to introduce you to someone they share by name (double opt-in)."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    intro = services.ask(member, connector, target, note)
    payload = services.intro_payload(intro, member.user)
    _emit(
        payload, as_json, f"Asked: request #{intro.id}, waiting for {payload['connector']['name']}."
    )


@group_app.command("requests")
def requests_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Introduction requests you made or were asked to make."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    rows = [services.intro_payload(i, user) for i in services.requests_for(user)[:200]]
    if as_json:
        output.print_json({"requests": rows})
    elif not rows:
        output.say("No introduction requests.")
    else:
        _table(
            "Introduction requests",
            ["#", "Asked by", "Connector", "To meet", "Status"],
            [
                [r["id"], r["requester"]["name"], r["connector"]["name"], r["target"], r["status"]]
                for r in rows
            ],
        )


@group_app.command("accept")
def accept_command(
    ctx: typer.Context,
    intro_id: Annotated[int, typer.Argument(metavar="ID")],
    email: Annotated[str, typer.Option("--email", help="Their e-mail, if you have none.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Accept to introduce: the person is then asked by e-mail."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    intro = services.connector_accept(user, intro_id, email)
    payload = services.intro_payload(intro, user)
    _emit(payload, as_json, f"Accepted #{intro.id}: {intro.target_name} has been asked by e-mail.")


@group_app.command("decline")
def decline_command(
    ctx: typer.Context,
    intro_id: Annotated[int, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="Private: only you see it.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Decline to introduce (the reason stays private)."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import services

    intro = services.connector_decline(user, intro_id, reason)
    _emit(services.intro_payload(intro, user), as_json, f"Declined #{intro.id}.")


@group_app.command("refer")
def refer_command(
    ctx: typer.Context,
    group: Group,
    to: Annotated[str, typer.Option("--to", help="The member you refer work to.")],
    what: Annotated[str, typer.Option("--what", help="What the referral is.")],
    as_json: JsonFlag = False,
) -> None:
    """Give a fellow member a referral slip."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import exchange

    slip = exchange.refer(member, to, what)
    _emit(exchange.slip_payload(slip), as_json, f"Referral slip #{slip.id} given.")


@group_app.command("close")
def close_command(
    ctx: typer.Context,
    slip_id: Annotated[int, typer.Argument(metavar="SLIP")],
    value: Annotated[
        str | None, typer.Option("--value", help="What the business was worth.")
    ] = None,
    thanks: Annotated[str, typer.Option("--thanks", help="A thank-you note.")] = "",
    lost: Annotated[bool, typer.Option("--lost", help="It came to nothing.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Record how a referral given to you ended, and thank the giver."""
    user = _open(ctx, as_json)
    from goodwill.workspaces import exchange

    slip = exchange.close_referral(user, slip_id, value, thanks, lost=lost)
    _emit(exchange.slip_payload(slip), as_json, f"Referral slip #{slip.id}: {slip.status}.")


@group_app.command("meet")
def meet_command(
    ctx: typer.Context,
    group: Group,
    who: Member,
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD, today or yesterday.")] = "today",
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record a one-to-one with a fellow member."""
    member = _member(ctx, group, as_json)
    from goodwill.activity.services import parse_day
    from goodwill.workspaces import exchange

    meeting = exchange.meet(member, who, parse_day(on), note)
    payload = {"id": meeting.id, "with": who, "on": meeting.met_on.isoformat()}
    _emit(payload, as_json, f"One-to-one recorded for {meeting.met_on}.")


@group_app.command("post")
def post_command(
    ctx: typer.Context,
    group: Group,
    kind: Annotated[str, typer.Argument(metavar="ask|offer")],
    text: Annotated[str, typer.Argument(help="What you need or offer.")],
    as_json: JsonFlag = False,
) -> None:
    """Post an ask or an offer; matches appear with `group matches`."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import exchange

    item = exchange.post(member, kind, text)
    _emit({"id": item.id, "kind": item.kind, "text": item.text}, as_json, f"Posted #{item.id}.")


@group_app.command("matches")
def matches_command(ctx: typer.Context, group: Group, as_json: JsonFlag = False) -> None:
    """Asks and offers by different members that fit each other."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import exchange

    found = exchange.matches(member)
    if as_json:
        output.print_json({"matches": found})
        return
    if not found:
        output.say("No matches yet.")
    for m in found:
        output.say(
            f"{m['ask']['member']} asks {m['ask']['text']!r}; {m['offer']['member']} offers "
            f"{m['offer']['text']!r} ({', '.join(m['words'])})"
        )


@group_app.command("report")
def report_command(
    ctx: typer.Context,
    group: Group,
    days: Annotated[int, typer.Option("--days", min=1)] = 7,
    send: Annotated[bool, typer.Option("--send", help="E-mail it to every member.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """The group's weekly report: introductions, referrals and their value, one-to-ones."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import exchange

    payload = exchange.report(member, days)
    if send:
        payload["sent"] = exchange.send_report(member, days)
    _emit(payload, as_json, exchange.report_text(payload).rstrip())


@group_app.command("audit")
def audit_command(ctx: typer.Context, group: Group, as_json: JsonFlag = False) -> None:
    """Who looked up or asked for what (owners only)."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    rows = services.audit_log(member)
    if as_json:
        output.print_json({"entries": rows})
        return
    _table("Audit log", ["When", "Who", "What", "Detail"],
           [[e["when"][:16], e["who"], e["action"], e["detail"]] for e in rows])  # fmt: skip


@group_app.command("leave")
def leave_command(ctx: typer.Context, group: Group, as_json: JsonFlag = False) -> None:
    """Leave a group; your contacts leave the pool with you."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    name = member.workspace.name
    services.leave(member)
    _emit({"left": name}, as_json, f"You left {name}.")


@group_app.command("remove")
def remove_command(
    ctx: typer.Context, group: Group, who: Member, as_json: JsonFlag = False
) -> None:
    """Remove a member (owners only); their data leaves with them."""
    member = _member(ctx, group, as_json)
    from goodwill.workspaces import services

    gone = services.remove(member, who)
    name = services.display_name(gone.user)
    _emit({"removed": name}, as_json, f"Removed {name} from {member.workspace.name}.")


@group_app.command("notifications")
def notifications_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Your group notifications, newest first."""
    user = _open(ctx, as_json)
    from goodwill.workspaces.models import Notification

    rows = [
        {"when": n.created_at.isoformat(), "text": n.text, "read": n.read_at is not None}
        for n in Notification.objects.filter(user=user)[:100]
    ]
    if as_json:
        output.print_json({"notifications": rows})
        return
    for n in rows or [{"when": "", "text": "Nothing yet.", "read": True}]:
        output.say(f"{n['when'][:16]}  {n['text']}".strip())


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `goodwill` command."""
    app.add_typer(group_app, name="group")
