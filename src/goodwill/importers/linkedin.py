"""LinkedIn data export: ``Connections.csv``, ``messages.csv`` and ``Invitations.csv``.

Each file is parsed on its own; which one it is comes from its header row, found by scanning
past LinkedIn's ``Notes:`` preamble (a line or a quoted paragraph). Headers are matched in
English, French, German, Spanish and Portuguese, in any column order, with or without the
``URL`` column.

Refs: ``li:<normalised profile URL>`` when the export gives a URL; otherwise
``li-name:<casefolded full name>|<casefolded company>`` for a connection and
``li-name:<casefolded name>|`` for someone only named in messages or invitations (messages
carry no company). A name-only person in ``messages.csv`` therefore gets a different ref from
the same person in ``Connections.csv``; the merge step reconciles them by name, not this module.
Two connections with the same name and different URLs are two people.

Messages: the owner is found as the name present in every conversation (ties broken by the
sender whose profile URL is empty, as LinkedIn leaves the owner's own URL out), or as the sender
whose profile URL is one of ``context.me_keys``. Bodies are kept only with
``context.store_bodies``. Drafts and spam are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from goodwill.errors import ImportFailed
from goodwill.importers.csvutil import (
    HEADER_SCAN_ROWS,
    SUBJECT_LIMIT,
    Row,
    bounded_ref,
    cell,
    clean,
    clean_block,
    digest,
    fit_person,
    formula_issues,
    is_blank,
    issue,
    make_key,
    map_header,
    parse_date,
    parse_datetime,
    raw_cell,
    read_rows,
    sniff_rows,
)
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    OvertureRecord,
    PersonRecord,
    Record,
    TieRecord,
    Where,
)

FORMAT = "linkedin"
LABEL = "LinkedIn export (Connections.csv, messages.csv, Invitations.csv)"
CONNECTIONS_SOURCE = "LinkedIn Connections.csv"
INVITATION_APPROACH = "linkedin invitation"
CHANNEL = "linkedin"

CONNECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": (
        "First Name", "FirstName", "Given Name", "Prénom", "Vorname", "Nombre",
        "Primeiro nome", "Nome",
    ),
    "last_name": (
        "Last Name", "LastName", "Surname", "Family Name", "Nom", "Nom de famille", "Nachname",
        "Apellidos", "Apellido", "Sobrenome", "Apelido",
    ),
    "url": (
        "URL", "Profile URL", "LinkedIn URL", "URL du profil", "Profil-URL", "Profil URL",
        "URL del perfil", "URL do perfil",
    ),
    "email": (
        "Email Address", "E-mail Address", "Email", "E-mail", "Adresse e-mail", "Adresse email",
        "Adresse électronique", "E-Mail-Adresse", "E-Mail Adresse",
        "Dirección de correo electrónico", "Correo electrónico", "Dirección de email",
        "Endereço de e-mail", "Endereço de email",
    ),
    "company": (
        "Company", "Organization", "Organisation", "Entreprise", "Société", "Unternehmen", "Firma",
        "Empresa",
    ),
    "position": (
        "Position", "Title", "Job Title", "Poste", "Titre", "Titel", "Berufsbezeichnung", "Cargo",
        "Puesto",
    ),
    "connected_on": (
        "Connected On", "Connection Date", "Date Connected", "Date de connexion",
        "Connecté le", "Connecté(e) le", "Date de la connexion", "Verbunden am", "Vernetzt am",
        "Vernetzt seit", "Conectado el", "Fecha de conexión", "Conectado em", "Data de conexão",
        "Conectado(a) em",
    ),
}  # fmt: skip
MESSAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation": ("CONVERSATION ID",),
    "title": ("CONVERSATION TITLE",),
    "from": ("FROM",),
    "sender_url": ("SENDER PROFILE URL",),
    "to": ("TO",),
    "recipient_urls": ("RECIPIENT PROFILE URLS",),
    "date": ("DATE",),
    "subject": ("SUBJECT",),
    "content": ("CONTENT",),
    "folder": ("FOLDER",),
}
INVITATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "from": ("From",),
    "to": ("To",),
    "sent_at": ("Sent At",),
    "message": ("Message",),
    "direction": ("Direction",),
    "inviter_url": ("inviterProfileUrl", "Inviter Profile URL"),
    "invitee_url": ("inviteeProfileUrl", "Invitee Profile URL"),
}
SKIPPED_FOLDERS = frozenset({"draft", "drafts", "spam"})
# LinkedIn's assistant and coaching chats share the messages header but are not between people.
SKIPPED_FILE_PREFIXES = ("guide_", "learning_", "coach")


def _classify(cells: Iterable[str]) -> tuple[str, dict[str, int]] | None:
    """Which LinkedIn file a header row belongs to, and where its columns are."""
    row = list(cells)
    if len(row) < 3:
        return None
    columns = map_header(row, MESSAGE_COLUMNS)
    if {"conversation", "from", "to", "date"} <= columns.keys():
        return "messages", columns
    columns = map_header(row, INVITATION_COLUMNS)
    if {"from", "to", "sent_at", "direction"} <= columns.keys():
        return "invitations", columns
    columns = map_header(row, CONNECTION_COLUMNS)
    if {"first_name", "last_name", "connected_on"} <= columns.keys():
        return "connections", columns
    return None


def identify(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith(".csv") or name.startswith(SKIPPED_FILE_PREFIXES):
        return False
    return any(_classify(cells) for cells in sniff_rows(path, ","))


@dataclass
class _Header:
    kind: str
    columns: dict[str, int]
    cells: tuple[str, ...]
    issues: list[Issue] = field(default_factory=list)


def _find_header(rows: Iterator[Row | Issue], shown: str) -> _Header:
    """Consume rows up to and including the header; fail clearly when there is none."""
    issues: list[Issue] = []
    for scanned, item in enumerate(rows):
        if isinstance(item, Issue):
            issues.append(item)
            continue
        found = _classify(item.cells)
        if found is not None:
            return _Header(found[0], found[1], item.cells, issues)
        if scanned > HEADER_SCAN_ROWS:
            break
    raise ImportFailed(
        f"{shown}: no LinkedIn header row (Connections, messages or Invitations) found"
    )


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    rows = read_rows(path, shown)
    header = _find_header(rows, shown)
    if header.kind == "messages":
        rows.close()
        yield from _messages(path, shown, context)
        return
    yield from header.issues
    parse_row = _connection if header.kind == "connections" else _invitation
    for item in rows:
        if isinstance(item, Issue):
            yield item
        elif not is_blank(item):
            yield from formula_issues(item, header.columns, header.cells, shown)
            yield from parse_row(item, header.columns, shown, context)


# -- shared ----------------------------------------------------------------------------------
def _profile_key(raw: str, shown: str, line: int) -> tuple[Key | None, list[Issue]]:
    if not raw:
        return None, []
    try:
        return make_key("linkedin", raw), []
    except ValueError as exc:
        return None, [issue("bad-url", str(exc), shown, line)]


def name_ref(name: str, company: str = "") -> str:
    return bounded_ref(f"li-name:{clean(name).casefold()}|{clean(company).casefold()}")


def _person(record: PersonRecord) -> Iterator[Record]:
    fitted, problems = fit_person(record)
    yield from problems
    yield fitted


# -- Connections.csv -------------------------------------------------------------------------
def _connection(
    row: Row, columns: dict[str, int], shown: str, context: Context
) -> Iterator[Record]:
    first, last = (
        cell(row.cells, columns.get("first_name")),
        cell(row.cells, columns.get("last_name")),
    )
    url, email = cell(row.cells, columns.get("url")), cell(row.cells, columns.get("email"))
    if not (first or last or url or email):
        yield issue(
            "empty-row", "a row with no name, profile or e-mail was skipped", shown, row.line
        )
        return
    company = cell(row.cells, columns.get("company"))
    url_key, problems = _profile_key(url, shown, row.line)
    yield from problems
    keys = [url_key] if url_key else []
    email_key = None
    if email:
        try:
            email_key = make_key("email", email)
            keys.append(email_key)
        except ValueError as exc:
            yield issue("bad-email", str(exc), shown, row.line)
    if any(context.is_me(k) for k in keys):
        return  # the owner's own row
    name = " ".join(p for p in (first, last) if p)
    if url_key:
        ref = f"li:{url_key.value}"
    elif name:
        ref = name_ref(name, company)
    else:
        ref = f"email:{email_key.value}" if email_key else name_ref(name, company)
    since = None
    connected = cell(row.cells, columns.get("connected_on"))
    if connected:
        since = parse_date(connected)
        if since is None:
            yield issue("bad-date", f"cannot read the date {connected!r}", shown, row.line)
    where = Where(shown, row.line)
    person = PersonRecord(
        ref,
        name,
        tuple(keys),
        given_name=first,
        family_name=last,
        organisation=company,
        position=cell(row.cells, columns.get("position")),
        where=where,
    )
    yield from _person(person)
    yield TieRecord(ME, ref, "connection", CONNECTIONS_SOURCE, since=since, where=where)


# -- Invitations.csv -------------------------------------------------------------------------
def _invitation(
    row: Row, columns: dict[str, int], shown: str, context: Context
) -> Iterator[Record]:
    direction = cell(row.cells, columns.get("direction")).upper()
    if direction not in ("INCOMING", "OUTGOING"):
        shown_direction = direction or "empty"
        message = f"direction {shown_direction!r} is neither INCOMING nor OUTGOING"
        yield issue("bad-direction", message, shown, row.line)
        return
    outgoing = direction == "OUTGOING"
    name = cell(row.cells, columns.get("to" if outgoing else "from"))
    url = cell(row.cells, columns.get("invitee_url" if outgoing else "inviter_url"))
    key, problems = _profile_key(url, shown, row.line)
    yield from problems
    if not name and key is None:
        yield issue("empty-row", "an invitation naming nobody was skipped", shown, row.line)
        return
    if key is not None and context.is_me(key):
        return
    ref = f"li:{key.value}" if key else name_ref(name)
    where = Where(shown, row.line)
    yield from _person(PersonRecord(ref, name, (key,) if key else (), where=where))
    sent = cell(row.cells, columns.get("sent_at"))
    when = parse_datetime(sent)
    if when is None:
        yield issue("bad-date", f"cannot read the date {sent!r}", shown, row.line)
        return
    external = f"li-inv:{digest(direction, ref, sent)}"
    if outgoing:
        yield OvertureRecord(ref, when, CHANNEL, INVITATION_APPROACH, None, external, where)
        return
    message = raw_cell(row.cells, columns.get("message"))
    if clean(message):
        body = clean_block(message) if context.store_bodies else ""
        participants = ((ref, "from"), (ME, "to"))
        yield InteractionRecord(
            when, "message", CHANNEL, "in", participants, "", external, body, where
        )


# -- messages.csv ----------------------------------------------------------------------------
@dataclass
class _Survey:
    """What the first pass over messages.csv learns: conversations, names, owner."""

    names_by_conversation: dict[str, set[str]] = field(default_factory=dict)
    senders_without_url: set[str] = field(default_factory=set)
    urls_by_name: dict[str, set[str]] = field(default_factory=dict)
    owner_names: set[str] = field(default_factory=set)

    def owner(self) -> str | None:
        """The owner's folded name, or ``None`` when the file does not tell."""
        if len(self.owner_names) == 1:
            return next(iter(self.owner_names))
        groups = list(self.names_by_conversation.values())
        common = set.intersection(*groups) if groups else set()
        if len(common) > 1:
            common &= self.senders_without_url
        elif not common and len(groups) > 1:
            # No name in every conversation (the owner renamed?): the one sender without a URL.
            common = set(self.senders_without_url)
        return next(iter(common)) if len(common) == 1 else None

    def url_for(self, folded: str) -> str | None:
        urls = self.urls_by_name.get(folded, set())
        return next(iter(urls)) if len(urls) == 1 else None


def _recipients(row: Row, columns: dict[str, int]) -> list[tuple[str, str]]:
    """``(name, profile url)`` for each recipient; URLs only when they pair up one to one."""
    names = [clean(n) for n in cell(row.cells, columns.get("to")).split(",")]
    names = [n for n in names if n]
    urls = [clean(u) for u in cell(row.cells, columns.get("recipient_urls")).split(",")]
    urls = [u for u in urls if u]
    if len(urls) != len(names):
        urls = [""] * len(names)
    return list(zip(names, urls, strict=True))


def _survey(path: Path, shown: str, context: Context) -> _Survey:
    survey = _Survey()
    rows = read_rows(path, shown)
    header = _find_header(rows, shown)
    columns = header.columns
    for row in rows:
        if isinstance(row, Issue) or is_blank(row):
            continue
        conversation = cell(row.cells, columns.get("conversation"))
        sender = cell(row.cells, columns.get("from"))
        people = [(sender, cell(row.cells, columns.get("sender_url"))), *_recipients(row, columns)]
        group = survey.names_by_conversation.setdefault(conversation, set())
        for name, url in people:
            folded = name.casefold()
            if folded:
                group.add(folded)
            try:
                key = make_key("linkedin", url) if url else None
            except ValueError:
                key = None
            if key is None:
                continue
            if context.is_me(key) and folded:
                survey.owner_names.add(folded)
            if folded:
                survey.urls_by_name.setdefault(folded, set()).add(key.value)
        if sender and not cell(row.cells, columns.get("sender_url")):
            survey.senders_without_url.add(sender.casefold())
    return survey


def _messages(path: Path, shown: str, context: Context) -> Iterator[Record]:
    survey = _survey(path, shown, context)
    owner = survey.owner()
    rows = read_rows(path, shown)
    header = _find_header(rows, shown)
    yield from header.issues
    if owner is None:
        yield issue(
            "owner-unknown",
            "cannot tell which name is the export's owner: add your LinkedIn profile URL "
            "to your identities and import again",
            shown,
        )
        return
    state = _MessageState(survey, owner, shown, context, header)
    for item in rows:
        if isinstance(item, Issue):
            yield item
        elif not is_blank(item):
            yield from state.row(item)


@dataclass
class _MessageState:
    survey: _Survey
    owner: str
    shown: str
    context: Context
    header: _Header
    named: set[str] = field(default_factory=set)

    def ref_for(self, name: str, url: str, line: int) -> tuple[str | None, list[Record]]:
        """The ref of a participant and the records that name them first.

        The ref is ``None`` for the owner and ``""`` for a participant with neither name nor URL.
        """
        key, out = _profile_key(url, self.shown, line)
        records: list[Record] = list(out)
        folded = name.casefold()
        if folded == self.owner or (key is not None and self.context.is_me(key)):
            return None, records
        if key is None and (known := self.survey.url_for(folded)):
            key = Key("linkedin", known, known)
        if key is None and not folded:
            return "", records
        ref = f"li:{key.value}" if key else name_ref(name)
        if ref not in self.named:
            self.named.add(ref)
            person = PersonRecord(ref, name, (key,) if key else (), where=Where(self.shown, line))
            records.extend(_person(person))
        return ref, records

    def row(self, row: Row) -> Iterator[Record]:
        columns = self.header.columns
        folder = cell(row.cells, columns.get("folder")).casefold()
        if folder in SKIPPED_FOLDERS:
            return
        used = {k: v for k, v in columns.items() if k in ("from", "to", "subject", "title")}
        yield from formula_issues(row, used, self.header.cells, self.shown)
        sender = cell(row.cells, columns.get("from"))
        sender_url = cell(row.cells, columns.get("sender_url"))
        recipients = _recipients(row, columns)
        if not sender and not sender_url and not recipients:
            message = "a message with no sender or recipient was skipped"
            yield issue("empty-row", message, self.shown, row.line)
            return
        date = cell(row.cells, columns.get("date"))
        when = parse_datetime(date)
        if when is None:
            yield issue("bad-date", f"cannot read the date {date!r}", self.shown, row.line)
            return
        sender_ref, records = self.ref_for(sender, sender_url, row.line)
        yield from records
        participants: list[tuple[str, str]] = (
            [(sender_ref or ME, "from")] if sender_ref != "" else []
        )
        for name, url in recipients:
            ref, records = self.ref_for(name, url, row.line)
            yield from records
            if ref != "":
                participants.append((ref or ME, "to"))
        if sender_ref is not None and (ME, "to") not in participants:
            participants.append((ME, "to"))
        yield self._interaction(row, when, date, sender, sender_ref is None, participants)

    def _interaction(
        self,
        row: Row,
        when: dt.datetime,
        date: str,
        sender: str,
        outgoing: bool,
        participants: list[tuple[str, str]],
    ) -> InteractionRecord:
        columns = self.header.columns
        conversation = cell(row.cells, columns.get("conversation"))
        content = raw_cell(row.cells, columns.get("content"))
        body = clean_block(content) if self.context.store_bodies else ""
        return InteractionRecord(
            when,
            "message",
            CHANNEL,
            "out" if outgoing else "in",
            tuple(dict.fromkeys(participants)),
            subject=cell(row.cells, columns.get("subject"))[:SUBJECT_LIMIT],
            external_id=f"li-msg:{digest(conversation, date, sender)}",
            body=body,
            where=Where(self.shown, row.line),
        )
