"""Mail ingest benchmark: goodwill's mbox reader and importer against ``mailbox.mbox`` + ``email``.

    python bench/mail_ingest.py                      # 200,000 messages (about 1 GB)
    python bench/mail_ingest.py --messages 50000
    python bench/mail_ingest.py --messages 4000 --body-scale 120 --repeat 1   # 2 GB, few messages

It writes a deterministic (seeded) mbox under ``bench/out/`` (reused when it already exists):
6,000 people in circles of 4 to 40 who mostly write among themselves, varied To/Cc/Bcc lists
(3% of messages to a whole circle), folded headers, RFC 2047 names and subjects, comments and
quoted ``"Last, First"`` names, 5% newsletters, bodies of varied sizes, ``>From `` quoting and
base64 attachments. Then, each in its own subprocess so that peak memory is its own:

* ``stdlib``   ``for msg in mailbox.mbox(path)`` + ``getaddresses`` over From/To/Cc/Bcc;
* ``reader``   goodwill's streaming splitter + header parser (``mailbox_reader`` + ``mailparse``);
* ``importer`` the whole ``goodwill.importers.mail.parse`` (records out, owner given).

Every run writes ``Message-ID -> sorted addresses`` and the parent checks the three agree on every
message. Peak RSS is each subprocess's own (``VmHWM``, else ``ru_maxrss``; see ``peak_rss_kb``).
Runs are interleaved and the fastest of ``--repeat`` kept. The test suite never runs this.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
OWNER = "robin.owner@owner.example"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Ann Ben Cara Dev Eli Fay Gus Hana Ivo Jun Kai Lea Max Nia Oto Pia Raj Sol Tea Uma Vic Wyn "
    "Xia Yann Zoe Amélie Jürgen Søren Zoë Łukasz José Chloé Björn Ana Liam Noor Omar Ines Rui"
)
LAST = _words(
    "Lee Smith Okafor Novak Rossi Garcia Müller Dubois Kowalski Tanaka Silva Haddad Nguyen Brown "
    "O'Brien Fischer Costa Jensen Ivanova Patel Khan Moreau Lopez Walsh Berg Núñez Ødegaard Weiß"
)
DOMAINS = _words(
    "example.org example.com mail.example.net uni.example.edu corp.example co.example.uk "
    "lists.example.org startup.example.io"
)
WORDS = _words(
    "the meeting draft budget plan notes lunch quarter review thanks please see attached we "
    "should talk about next week project update deadline call tomorrow idea proposal report "
    "numbers team launch feedback agenda minutes contract invoice travel conference slides"
)
ZONES = ("-0700", "-0800", "+0000", "+0100", "+0200", "+0530", "-0500", "+0900")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- the corpus ------------------------------------------------------------------------------
def _encoded(text: str, rng: random.Random) -> str:
    data = text.encode("utf-8")
    if rng.random() < 0.5:
        return "=?utf-8?b?" + base64.b64encode(data).decode("ascii") + "?="
    quoted = "".join(
        chr(b) if chr(b).isascii() and chr(b).isalnum() else ("_" if b == 32 else f"={b:02X}")
        for b in data
    )
    return "=?UTF-8?Q?" + quoted + "?="


class Corpus:
    def __init__(self, seed: int, people: int = 6000) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.people: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        while len(self.people) < people:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            local = f"{first}.{last}".lower().replace("'", "")
            local = local.encode("ascii", "ignore").decode() or "x"
            address = f"{local}{rng.randrange(100)}@{rng.choice(DOMAINS)}"
            if address not in seen:
                seen.add(address)
                self.people.append((first, last, address))
        self.circles: list[list[tuple[str, str, str]]] = []
        shuffled = rng.sample(self.people, len(self.people))
        while shuffled:
            size = rng.randint(4, 40)
            self.circles.append(shuffled[:size])
            shuffled = shuffled[size:]
        self.sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize() + "."
            for _ in range(400)
        ]
        blob = bytes(rng.getrandbits(8) for _ in range(60_000))
        lines = base64.encodebytes(blob).decode("ascii").splitlines(keepends=True)
        self.attachments = ["".join(lines[:n]) for n in (30, 80, 200, 500, 1000)]

    def mailbox(self, person: tuple[str, str, str]) -> str:
        first, last, address = person
        pick = self.rng.random()
        name = f"{first} {last}"
        if pick < 0.25:
            return address
        if pick < 0.4:
            return f'"{last}, {first}" <{address}>'
        if pick < 0.45:
            return f"{address} ({name})"
        if not name.isascii() or pick < 0.55:
            return f"{_encoded(name, self.rng)} <{address}>"
        return f"{name} <{address}>"

    def address_list(self, people: list[tuple[str, str, str]]) -> str:
        parts = [self.mailbox(p) for p in people]
        text, line = "", 4
        for i, part in enumerate(parts):
            piece = part + ("," if i < len(parts) - 1 else "")
            if line + len(piece) > 76 and text:
                text += "\n\t"
                line = 1
            elif text:
                text += " "
            text += piece
            line += len(piece) + 1
        return text

    def message(self, number: int, body_scale: int) -> bytes:
        rng = self.rng
        owner = ("Robin", "Owner", OWNER)
        newsletter = rng.random() < 0.05
        day, month = rng.randint(1, 28), rng.randrange(12)
        year, zone = rng.randint(2005, 2024), rng.choice(ZONES)
        clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        date = f"{DAYS[rng.randrange(7)]}, {day} {MONTHS[month]} {year} {clock} {zone}"
        from_line = f"From MAILER {DAYS[rng.randrange(7)]} {MONTHS[month]} {day:2d} {clock} {year}"
        headers = [
            f"Received: from mx{rng.randrange(9)}.example.net (mx.example.net "
            f"[10.0.0.{number % 250}])\n\tby mail.owner.example with ESMTPS id {number:x}"
            f"\n\tfor <{OWNER}>; {date}",
            f"Received: from relay.example.com by mx.example.net; {date}",
        ]
        mid = f"<{number}.{rng.randrange(1 << 30):x}@mail{number % 7}.example.org>"
        if newsletter:
            sender = ("News", "Desk", f"newsletter@shop{number % 5}.example.com")
            to, cc, bcc = [owner], [], []
            headers += [
                "List-Unsubscribe: <mailto:unsubscribe@shop.example.com>",
                "Precedence: bulk",
            ]
        else:
            # Mostly within one circle (a team, a family, a club), now and then beyond it.
            circle = rng.choice(self.circles)
            if rng.random() < 0.03:
                others = list(circle)
            else:
                others = rng.sample(circle, min(len(circle), rng.randint(1, 4)))
            if rng.random() < 0.1:
                others.append(rng.choice(self.people))
            others = list(dict.fromkeys(others))
            if rng.random() < 0.3:
                sender, to = owner, others[: max(1, len(others) // 2)]
            else:
                sender, to = others[0], [owner, *others[1 : max(2, len(others) // 2)]]
            cc = [p for p in others if p is not sender and p not in to]
            cc += (
                rng.sample(circle, min(len(circle), rng.randint(0, 6)))
                if rng.random() < 0.3
                else []
            )
            cc = [p for p in dict.fromkeys(cc) if p is not sender and p not in to]
            bcc = rng.sample(self.people, 1) if rng.random() < 0.05 else []
        subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))
        if rng.random() < 0.1:
            subject = _encoded("Ré: " + subject + " ✓", rng)
        headers += [
            f"Message-ID: {mid}",
            f"Date: {date}",
            f"From: {self.mailbox(sender)}",
            f"To: {self.address_list(to)}",
        ]
        if cc:
            headers.append(f"Cc: {self.address_list(cc)}")
        if bcc:
            headers.append(f"Bcc: {self.address_list(bcc)}")
        headers += [f"Subject: {subject}", "MIME-Version: 1.0", "X-Mailer: BenchMail 1.0"]
        text_lines = []
        for _ in range(max(1, int(rng.lognormvariate(2.2, 0.9) * body_scale))):
            text_lines.append(rng.choice(self.sentences))
            if rng.random() < 0.01:
                text_lines.append("")
                text_lines.append(">From the archive, as quoted by mboxrd.")
        body = "\n".join(text_lines)
        if rng.random() < 0.12:
            boundary = f"=_bench_{number}"
            headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
            attachment = rng.choice(self.attachments) * body_scale
            body = (
                f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
                f"--{boundary}\nContent-Type: application/octet-stream\n"
                f'Content-Disposition: attachment; filename="report{number}.bin"\n'
                f"Content-Transfer-Encoding: base64\n\n{attachment}--{boundary}--\n"
            )
        else:
            headers.append("Content-Type: text/plain; charset=utf-8")
        text = from_line + "\n" + "\n".join(headers) + "\n\n" + body + "\n\n"
        return text.encode("utf-8")


def generate(path: Path, messages: int, seed: int, body_scale: int) -> None:
    corpus = Corpus(seed)
    tmp = path.with_suffix(".partial")
    with tmp.open("wb", buffering=1 << 20) as out:
        for number in range(messages):
            out.write(corpus.message(number, body_scale))
    tmp.replace(path)


# -- the runs (each in its own process) ------------------------------------------------------
def run_stdlib(path: Path, sink: Path) -> int:
    import mailbox
    from email.utils import getaddresses

    count = 0
    with sink.open("w", encoding="utf-8") as out:
        for msg in mailbox.mbox(path, create=False):
            fields = []
            for name in ("from", "to", "cc", "bcc"):
                fields += msg.get_all(name, [])
            found = sorted({a.lower() for _, a in getaddresses(fields) if a})
            mid = str(msg.get("message-id", "")).strip().strip("<>")
            out.write(f"{mid}\t{' '.join(found)}\n")
            count += 1
    return count


def run_reader(path: Path, sink: Path) -> int:
    from goodwill.identity import normalise
    from goodwill.importers.mailbox_reader import iter_mbox
    from goodwill.importers.mailparse import addresses, first, normalise_message_id, parse_headers

    count = 0
    known: dict[str, str] = {}  # as the importer does: each spelling is normalised once
    with path.open("rb") as handle, sink.open("w", encoding="utf-8") as out:
        for raw in iter_mbox(handle):
            headers = parse_headers(raw.headers)
            found = set()
            for name in ("from", "to", "cc", "bcc"):
                for value in headers.get(name, ()):
                    for _, written in addresses(value):
                        address = known.get(written)
                        if address is None:
                            address = known[written] = normalise("email", written)
                        found.add(address)
            mid = normalise_message_id(first(headers, "message-id"))
            out.write(f"{mid}\t{' '.join(sorted(found))}\n")
            count += 1
    return count


def run_importer(path: Path, sink: Path) -> int:
    from goodwill.importers import mail
    from goodwill.importers.records import ME, Context, InteractionRecord, Key

    context = Context(me_keys=frozenset({Key("email", OWNER)}))
    count = 0
    kinds: dict[str, int] = {}
    with sink.open("w", encoding="utf-8") as out:
        for record in mail.parse(path, context):
            kinds[type(record).__name__] = kinds.get(type(record).__name__, 0) + 1
            if isinstance(record, InteractionRecord):
                refs = {
                    OWNER if r == ME else r.removeprefix("email:") for r, _ in record.participants
                }
                out.write(f"{record.external_id}\t{' '.join(sorted(refs))}\n")
                count += 1
    print("records: " + ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items())))
    return count


RUNS = {"stdlib": run_stdlib, "reader": run_reader, "importer": run_importer}


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB: ``VmHWM`` where /proc has it, else
    ``ru_maxrss``. On Linux ``ru_maxrss`` keeps the parent's peak across ``exec``, so a fat
    parent would pad every child's figure; ``VmHWM`` belongs to the child's own memory alone.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return peak


def child(kind: str, path: Path, sink: Path) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    count = RUNS[kind](path, sink)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result = {"kind": kind, "messages": count, "seconds": seconds, "cpu": cpu}
    print(json.dumps(dict(result, rss_kb=peak_rss_kb())))


def measure(kind: str, path: Path) -> dict[str, Any]:
    sink = OUT / f"{path.stem}.{kind}.tsv"
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(sink)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    return dict(json.loads(lines[-1]), sink=str(sink), notes=lines[:-1])


def load(sink: str) -> dict[str, str]:
    with open(sink, encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t", 1) for line in handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--body-scale", type=int, default=1, help="multiply body lengths")
    parser.add_argument("--runs", default="stdlib,reader,importer")
    parser.add_argument("--repeat", type=int, default=3, help="keep the fastest of N runs")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        where, messages, seed, scale = args.generate
        generate(Path(where), int(messages), int(seed), int(scale))
        return
    if args.child:
        kind, path, sink = args.child
        child(kind, Path(path), Path(sink))
        return
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench-{args.messages}-s{args.seed}-x{args.body_scale}.mbox"
    if not path.exists():  # in a child too, so this process stays small
        start = time.perf_counter()
        command = [
            "--generate",
            str(path),
            str(args.messages),
            str(args.seed),
            str(args.body_scale),
        ]
        subprocess.run([sys.executable, __file__, *command], check=True)
        print(f"generated {path.name} in {time.perf_counter() - start:.1f}s")
    size_mb = path.stat().st_size / 1e6
    print(f"{path.name}: {args.messages:,} messages, {size_mb:,.1f} MB")
    kinds = args.runs.split(",")
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):  # interleaved, so a busy spell hurts every run alike
        for kind in kinds:
            r = measure(kind, path)
            if kind not in best or r["seconds"] < best[kind]["seconds"]:
                best[kind] = r
    results = [best[kind] for kind in kinds]
    base = best.get("stdlib")
    print(f"fastest of {args.repeat} runs each; CPU seconds beside wall-clock seconds")
    print()
    print(
        f"{'run':<10}{'seconds':>9}{'cpu s':>8}{'msg/s':>10}{'MB/s':>8}"
        f"{'peak RSS MB':>13}{'x stdlib':>10}{'x (cpu)':>9}"
    )
    for r in results:
        ratio = f"{base['seconds'] / r['seconds']:.1f}x" if base else "-"
        cpu_ratio = f"{base['cpu'] / r['cpu']:.1f}x" if base else "-"
        print(
            f"{r['kind']:<10}{r['seconds']:>9.2f}{r['cpu']:>8.2f}"
            f"{r['messages'] / r['seconds']:>10,.0f}{size_mb / r['seconds']:>8.1f}"
            f"{r['rss_kb'] / 1024:>13.1f}{ratio:>10}{cpu_ratio:>9}"
        )
    for r in results:
        for note in r["notes"]:
            print(f"{r['kind']}: {note}")
    if base:
        expected = load(base["sink"])
        for r in results:
            if r is base:
                continue
            got = load(r["sink"])
            differ = sum(1 for k, v in expected.items() if got.get(k) != v)
            missing = len(expected.keys() - got.keys())
            verdict = "identical" if not differ and len(got) == len(expected) else "DIFFERENT"
            print(
                f"participants {r['kind']} vs stdlib: {verdict} "
                f"({len(expected):,} messages, {differ:,} differ, {missing:,} missing)"
            )
    for r in results:
        Path(r["sink"]).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
