"""Practising good networking from the terminal: tend, snooze, ledger, thank, overtures,
referrals, refer, next, done, reminders and digest."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag, Who
from goodwill.cli.setup import open_network
from goodwill.errors import UsageError
from goodwill.vocab import REFERRAL_STATUSES, values

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Judge as on this day (default: today)."),
]

Status = Enum("Status", [(s, s) for s in values(REFERRAL_STATUSES)], type=str)  # type: ignore[misc]
OPEN = Status("open")
Frequency = Enum("Frequency", [(f, f) for f in ("off", "daily", "weekly")], type=str)  # type: ignore[misc]


def _day(text: str | None) -> Any:
    from goodwill.activity.services import parse_day

    return parse_day(text) if text else None


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in {"#", "Days", "Rate"} else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    output.stdout_console().print(table)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _named(ref: dict[str, Any]) -> str:
    return f"{ref['name']} (#{ref['id']})"


# -- tend -----

tend_app = typer.Typer(
    help="Who you are losing touch with, most at stake first; `tend set` sets a cadence.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@tend_app.callback()
def tend_command(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Everyone overdue, not the top 25.")
    ] = False,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Who you are losing touch with (most at stake first), follow-ups due, and your cadences."""
    if ctx.invoked_subcommand is not None:
        return
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.tend import tend_payload

    payload = tend_payload(owner, _day(as_of), limit=None if show_all else 25)
    if as_json:
        output.print_json(payload)
        return
    if payload["losing_touch"]:
        _table(
            f"Losing touch ({payload['losing_touch_total']} of {payload['tended']} people)",
            ["#", "Name", "Every", "Last contact", "Overdue", "Stake"],
            [
                [
                    str(d["person"]["id"]), d["person"]["name"], f"{d['cadence_days']} days",
                    d["last_contact"] or "never", _days(d["overdue_days"]), f"{d['stake']:.2f}",
                ]
                for d in payload["losing_touch"]
            ],
        )  # fmt: skip
    else:
        output.say("No one is overdue: everyone is within their cadence.")
    if payload["follow_ups"]:
        _table(
            "Follow up after meeting",
            ["#", "Name", "Met", "At"],
            [
                [str(m["person"]["id"]), m["person"]["name"], m["met_on"], m["kind"]]
                for m in payload["follow_ups"]
            ],
        )
    output.say(
        "Set a cadence: goodwill tend set WHO DAYS (or --tag TAG DAYS); "
        "snooze: goodwill snooze WHO DATE"
    )


@tend_app.command("set")
def tend_set_command(
    ctx: typer.Context,
    args: Annotated[
        list[str], typer.Argument(metavar="[WHO] DAYS", help="A person and days, or only days.")
    ],
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Everyone with this tag.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Set how often to be in touch with a person or a tag (0 days removes the cadence)."""
    output.state.json = as_json
    wanted = 1 if tag is not None else 2
    if len(args) != wanted:
        raise UsageError("give WHO DAYS, or --tag TAG DAYS")
    try:
        days = int(args[-1])
    except ValueError:
        raise UsageError(f"invalid DAYS {args[-1]!r}: give a whole number") from None
    owner = open_network(ctx)
    from goodwill.people.services import resolve
    from goodwill.practice import tend

    if tag is not None:
        tend.set_tag_cadence(owner, tag, days)
        target: dict[str, Any] = {"tag": tend.find_tag(owner, tag).name}
        shown = f"everyone tagged {target['tag']}"
    else:
        person = resolve(owner, args[0])
        tend.set_person_cadence(owner, person, days)
        target = {"person": {"id": person.id, "name": person.name}}
        shown = _named(target["person"])
    if as_json:
        output.print_json({**target, "days": days or None})
        return
    if days:
        output.say(f"Cadence set: every {days} days with {shown}.")
    else:
        output.say(f"Cadence removed for {shown}: the default from tie strength applies.")


def snooze_command(
    ctx: typer.Context,
    who: Who,
    until: Annotated[str, typer.Argument(metavar="UNTIL", help="YYYY-MM-DD, or off to wake now.")],
    as_json: JsonFlag = False,
) -> None:
    """Leave someone off your reminders until a date."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people.services import resolve
    from goodwill.practice import tend

    person = resolve(owner, who)
    day = None if until.strip().lower() == "off" else _day(until)
    tend.snooze(owner, person, day)
    ref = {"id": person.id, "name": person.name}
    if as_json:
        output.print_json({"person": ref, "until": day.isoformat() if day else None})
    elif day:
        output.say(f"Snoozed {_named(ref)} until {day.isoformat()}.")
    else:
        output.say(f"{_named(ref)} is back on your reminders.")


# -- ledger -----


def ledger_command(
    ctx: typer.Context,
    who: Annotated[str | None, typer.Argument(metavar="[WHO]", help="Only this person.")] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Favours given and received, thanks owed, balances and ideas to give back."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people.services import resolve
    from goodwill.practice.ledger import ledger_payload

    person = resolve(owner, who) if who else None
    payload = ledger_payload(owner, person, day=_day(as_of))
    if as_json:
        output.print_json(payload)
        return
    output.say(f"Favours: {payload['given']} given, {payload['received']} received.")
    if payload["to_thank"]:
        _table(
            "Say thank you",
            ["#", "From", "What", "On"],
            [[str(f["id"]), _named(f["person"]), f["what"], f["on"]] for f in payload["to_thank"]],
        )
        output.say("Mark thanked: goodwill thank WHO (or --favour ID)")
    owed = [b for b in payload["balances"] if b["balance"] < 0]
    if owed:
        _table(
            "You owe",
            ["Person", "Given", "Received", "Balance"],
            [
                [_named(b["person"]), str(b["given"]), str(b["received"]), str(b["balance"])]
                for b in owed[:15]
            ],
        )
    for give in payload["give_back"]:
        for idea in give["ideas"]:
            output.say(f"Give back ({idea['kind']}): {idea['text']}")


def thank_command(
    ctx: typer.Context,
    who: Annotated[
        str | None, typer.Argument(metavar="[WHO]", help="Every favour from them.")
    ] = None,
    favour: Annotated[
        int | None, typer.Option("--favour", metavar="ID", help="One favour.")
    ] = None,
    referral: Annotated[
        int | None, typer.Option("--referral", metavar="ID", help="A referral's referrer.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Mark favours (or a referral) as thanked for."""
    output.state.json = as_json
    if sum(x is not None for x in (who, favour, referral)) != 1:
        raise UsageError("name one of: WHO, --favour ID or --referral ID")
    owner = open_network(ctx)
    from goodwill.people.services import resolve
    from goodwill.practice import ledger, referrals

    if referral is not None:
        done = referrals.thank_referral(owner, referral)
        payload: dict[str, Any] = {"referral": done.id, "thanked_on": done.thanked_on.isoformat()}
        message = f"Thanked {done.referrer.name} (#{done.referrer_id}) for referral #{done.id}."
    else:
        person = resolve(owner, who) if who else None
        found = ledger.thank(owner, person=person, favour_id=favour)
        payload = ledger.thanked_payload(found)
        names = ", ".join(f"{f.what} (#{f.id})" for f in found)
        message = f"Marked thanked: {names}."
    if as_json:
        output.print_json(payload)
    else:
        output.say(message)


# -- overtures and referrals -----


def overtures_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Response rates per channel and approach, and the people you have stopped asking."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.overtures import overtures_payload

    payload = overtures_payload(owner)
    if as_json:
        output.print_json(payload)
        return
    output.say(
        f"{payload['answered']} of {payload['total']} overtures answered ({payload['rate']:.0%})."
    )
    for by, title in (("by_channel", "Channel"), ("by_approach", "Approach")):
        _table(
            f"Response rate by {title.lower()}",
            [title, "Sent", "Answered", "Rate"],
            [
                [r["key"], str(r["sent"]), str(r["answered"]), f"{r['rate']:.0%}"]
                for r in payload[by]
            ],
        )
    if payload["stopped"]:
        names = ", ".join(_named(p) for p in payload["stopped"])
        output.say(f"Not suggested again ({payload['stop_after']} unanswered in a row): {names}")


def referrals_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Who referred whom to whom, thanks owed, and which people and channels brought the work."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.referrals import referrals_payload

    payload = referrals_payload(owner)
    if as_json:
        output.print_json(payload)
        return
    _table(
        f"Referrals ({payload['total']})",
        ["#", "Referrer", "Referred", "To", "What", "Value", "Status", "Thanks"],
        [
            [
                str(r["id"]), r["referrer"]["name"], r["referred"]["name"], r["to"]["name"],
                r["what"], r["value"] or "-", r["status"],
                "owed" if r["thanks_owed"] else (r["thanked_on"] or ""),
            ]
            for r in payload["referrals"]
        ],
    )  # fmt: skip
    work = payload["brought_work"]
    output.say(f"Outcomes: {work['outcomes']}, worth {work['total_value']} in all.")
    _table(
        "What brought the work: people",
        ["Person", "Outcomes", "Value"],
        [[_named(r["person"]), str(r["outcomes"]), r["value"]] for r in work["by_person"][:10]],
    )
    _table(
        "What brought the work: channels",
        ["Channel", "Outcomes", "Value"],
        [[r["name"], str(r["outcomes"]), r["value"]] for r in work["by_channel"]],
    )


def refer_command(
    ctx: typer.Context,
    referrer: Annotated[str, typer.Argument(metavar="REFERRER", help="Who made the referral.")],
    referred: Annotated[str, typer.Argument(metavar="REFERRED", help="Who was referred (me?).")],
    to: Annotated[str, typer.Argument(metavar="TO", help="To whom.")],
    what: Annotated[str, typer.Argument(metavar="WHAT", help="For what.")],
    value: Annotated[str | None, typer.Option("--value", metavar="AMOUNT")] = None,
    status: Annotated[Status, typer.Option("--status")] = OPEN,  # type: ignore[valid-type]
    on: Annotated[str | None, typer.Option("--on", metavar="DATE")] = None,
    channel: Annotated[str | None, typer.Option("--channel", metavar="KEY")] = None,
    note: Annotated[str, typer.Option("--note", metavar="TEXT")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record a referral: REFERRER referred REFERRED to TO for WHAT."""
    output.state.json = as_json
    amount = None
    if value is not None:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise UsageError(f"invalid value {value!r}: give an amount like 250 or 99.50") from None
    owner = open_network(ctx)
    from goodwill.people.services import ensure_me, resolve
    from goodwill.practice import referrals

    people = [resolve(owner, name) for name in (referrer, referred, to)]
    found = referrals.record_referral(
        owner, people[0], people[1], people[2], what, value=amount, status=status.value,
        on=_day(on), channel=channel, note=note,
    )  # fmt: skip
    payload = referrals.referral_payload(found, ensure_me(owner).id)
    if as_json:
        output.print_json(payload)
        return
    output.say(
        f"Recorded referral #{found.id}: {people[0].name} referred {people[1].name} "
        f"to {people[2].name} for {found.what} ({found.status})."
    )


# -- next actions -----


def next_command(ctx: typer.Context, as_of: AsOf = None, as_json: JsonFlag = False) -> None:
    """The handful of things worth doing this week; mark one done with `goodwill done KEY`."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.next_actions import next_payload

    payload = next_payload(owner, _day(as_of))
    if as_json:
        output.print_json(payload)
        return
    if not payload["actions"]:
        output.say("Nothing pressing this week: a good time to meet someone new.")
        return
    _table(
        f"Worth doing this week ({payload['as_of']})",
        ["What", "Action", "Why", "Key"],
        [[a["label"], a["title"], a["reason"], a["key"]] for a in payload["actions"]],
    )
    output.say("Done one? goodwill done KEY")


def done_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The key shown by `goodwill next`.")],
    note: Annotated[str, typer.Option("--note", metavar="TEXT")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Mark a next action done; it is logged where it belongs (a message, a thank-you)."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.next_actions import mark_done

    payload = mark_done(owner, key, note=note)
    if as_json:
        output.print_json(payload)
    else:
        output.say(f"Done: {payload['done']}.")


# -- reminders -----


def reminders_command(
    ctx: typer.Context,
    regenerate: Annotated[
        bool, typer.Option("--regenerate", help="Make a new feed address (shown once).")
    ] = False,
    digest: Annotated[
        Frequency | None,  # type: ignore[valid-type]
        typer.Option("--digest", help="How often to e-mail the digest."),
    ] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="EMAIL", help="Digest address.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Your calendar feed's address (secret) and the e-mail digest settings."""
    output.state.json = as_json
    owner = open_network(ctx)
    from django.urls import reverse

    from goodwill.practice import reminders

    token = None
    if regenerate:
        found, token = reminders.regenerate_token(owner)
    else:
        found = reminders.settings_for(owner)
    if digest is not None or to is not None:
        found = reminders.set_digest(owner, digest.value if digest else found.digest, to)
    path = reverse("calendar_feed", kwargs={"token": token}) if token else None
    payload = reminders.settings_payload(found, path)
    if as_json:
        output.print_json(payload)
        return
    if path:
        output.say(
            f"Calendar feed: http://127.0.0.1:8000{path} (your server's address + this path)"
        )
        output.say("Shown this once: only a hash of it is kept. Any older feed address stopped.")
    elif found.feed_digest:
        output.say(
            "Calendar feed: set up (its address was shown when made; --regenerate for a new one)"
        )
    else:
        output.say("Calendar feed: none yet (--regenerate makes one and shows its address once)")
    output.say(f"Digest: {payload['digest']} to {payload['digest_email'] or '(no address)'}")


def digest_command(
    ctx: typer.Context,
    send: Annotated[bool, typer.Option("--send", help="Send it by e-mail now.")] = False,
    due: Annotated[
        bool, typer.Option("--due", help="Send every user's digest that is due (for cron).")
    ] = False,
    to: Annotated[str | None, typer.Option("--to", metavar="EMAIL")] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Print this week's digest, or send it (--send); --due sends whatever is due, for cron."""
    output.state.json = as_json
    from goodwill.cli.setup import bootstrap, globals_of

    if due:
        bootstrap(globals_of(ctx), create=False)
        from goodwill.practice import reminders

        sent = reminders.send_due(_day(as_of))
        if as_json:
            output.print_json({"sent": sent})
        else:
            output.say(f"Sent {len(sent)} digest{'s' if len(sent) != 1 else ''}.")
        return
    owner = open_network(ctx)
    from goodwill.practice import reminders

    if send:
        message = reminders.send_digest(owner, _day(as_of), to=to)
    else:
        message = reminders.build_digest(owner, _day(as_of), to=to or "you@example.invalid")
    if as_json:
        output.print_json(
            {"sent": send, "to": message.to, "subject": message.subject, "text": message.body}
        )
    elif send:
        output.say(f"Sent the digest to {', '.join(message.to)}.")
    else:
        output.say(str(message.body))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `goodwill` command."""
    app.add_typer(tend_app, name="tend")
    app.command("snooze")(snooze_command)
    app.command("ledger")(ledger_command)
    app.command("thank")(thank_command)
    app.command("overtures")(overtures_command)
    app.command("referrals")(referrals_command)
    app.command("refer")(refer_command)
    app.command("next")(next_command)
    app.command("done")(done_command)
    app.command("reminders")(reminders_command)
    app.command("digest")(digest_command)
