"""Reminders: a private calendar feed (an .ics URL with a secret token) and an e-mail digest.

The feed holds one all-day event per person coming due in the next ``FEED_DAYS`` days (people
already overdue appear today) and one per follow-up after a first meeting. Anyone holding the
URL can read it, so the token is long and random and can be replaced at any time.

The digest is the week's next actions and the people most at stake, sent with Django's e-mail
(the console by default; ``GOODWILL_EMAIL_URL`` for SMTP). ``goodwill digest --send`` sends it
now; ``send_due(owner)`` sends it only when the chosen frequency says one is due (for cron).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from goodwill.errors import UsageError
from goodwill.insights import tend as tend_rules
from goodwill.practice import next_actions, tend
from goodwill.practice.models import DIGEST_FREQUENCIES, ReminderSettings

FEED_DAYS = 30
FEED_OVERDUE_SHOWN = 25
DIGEST_AT_STAKE = 5
TOKEN_BYTES = 24
PRODID = "-//goodwill//reminders//EN"
DUE_AFTER = {"daily": dt.timedelta(hours=20), "weekly": dt.timedelta(days=6, hours=20)}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def settings_for(owner: AbstractBaseUser) -> ReminderSettings:
    found = ReminderSettings.objects.filter(owner=owner).first()
    if found is None:
        found, _ = ReminderSettings.objects.get_or_create(owner=owner)
    return found


def regenerate_token(owner: AbstractBaseUser) -> tuple[ReminderSettings, str]:
    """A new secret feed token, returned this once (only its hash is kept); the old stops."""
    found = settings_for(owner)
    token = new_token()
    found.feed_digest = token_digest(token)
    found.save(update_fields=["feed_digest", "updated_at"])
    return found, token


def owner_for_token(token: str) -> AbstractBaseUser | None:
    if not token or len(token) > 64:
        return None
    found = (
        ReminderSettings.objects.select_related("owner")
        .filter(feed_digest=token_digest(token), owner__is_active=True)
        .first()
    )
    return found.owner if found is not None else None  # type: ignore[no-any-return]


def set_digest(
    owner: AbstractBaseUser, frequency: str, email: str | None = None
) -> ReminderSettings:
    allowed = [value for value, _ in DIGEST_FREQUENCIES]
    if frequency not in allowed:
        raise UsageError(f"unknown digest frequency {frequency!r} (one of: {', '.join(allowed)})")
    found = settings_for(owner)
    found.digest = frequency
    if email is not None:
        found.digest_email = email.strip()
    found.save(update_fields=["digest", "digest_email", "updated_at"])
    return found


def settings_payload(found: ReminderSettings, feed_url: str | None) -> dict[str, Any]:
    """``feed_url`` only right after a new token was made: it is not stored, so never again."""
    return {
        "feed": bool(found.feed_digest),
        "feed_url": feed_url,
        "digest": found.digest,
        "digest_email": found.digest_email or getattr(found.owner, "email", ""),
        "last_digest_at": found.last_digest_at.isoformat() if found.last_digest_at else None,
    }


# -- the calendar feed -----


def _escape(text: str) -> str:
    """Text as an iCalendar TEXT value (RFC 5545, 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after one space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return [line]
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return [parts[0]] + [" " + p for p in parts[1:]]


def _event(uid: str, day: dt.date, summary: str, description: str, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar(owner: AbstractBaseUser, day: dt.date | None = None) -> str:
    """The owner's reminders as an iCalendar document (CRLF line ends, folded lines)."""
    day = tend.today_or(day)
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    host = "goodwill"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:goodwill reminders",
    ]
    upcoming = tend_rules.upcoming(tend.contacts(owner, day), day, FEED_DAYS)
    overdue = [d for d in upcoming if d.due_on <= day][:FEED_OVERDUE_SHOWN]
    later = [d for d in upcoming if d.due_on > day]
    for due in overdue + later:
        when = max(due.due_on, day)
        if due.snoozed_until is not None and due.snoozed_until > when:
            when = due.snoozed_until
        lines += _event(
            f"tend-{due.person_id}-{due.due_on:%Y%m%d}@{host}",
            when,
            f"Get in touch with {due.name}",
            "; ".join(due.reasons),
            stamp,
        )
    for meeting in tend_rules.follow_ups(tend.first_meetings(owner, day), day):
        lines += _event(
            f"follow-up-{meeting.person_id}@{host}",
            day,
            f"Follow up with {meeting.name}",
            f"First met at a {meeting.kind} on {meeting.met_on.isoformat()}; no contact since.",
            stamp,
        )
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


# -- the e-mail digest ------------------------------------------------------------------------


def digest_context(owner: AbstractBaseUser, day: dt.date | None = None) -> dict[str, Any]:
    day = tend.today_or(day)
    losing = tend_rules.losing_touch(tend.contacts(owner, day), day)
    return {
        "user": owner,
        "as_of": day,
        "actions": next_actions.next_actions(owner, day),
        "at_stake": losing[:DIGEST_AT_STAKE],
        "losing_total": len(losing),
    }


def recipient(owner: AbstractBaseUser, found: ReminderSettings) -> str:
    address = found.digest_email or str(getattr(owner, "email", "") or "")
    if not address:
        raise UsageError(
            "no address for the digest: set one (goodwill digest --to E) or your e-mail"
        )
    return address


def build_digest(
    owner: AbstractBaseUser, day: dt.date | None = None, *, to: str | None = None
) -> EmailMultiAlternatives:
    found = settings_for(owner)
    context = digest_context(owner, day)
    subject = f"goodwill: {len(context['actions'])} things worth doing this week"
    text = render_to_string("practice/email/digest.txt", context)
    html = render_to_string("practice/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to or recipient(owner, found)]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_digest(
    owner: AbstractBaseUser, day: dt.date | None = None, *, to: str | None = None
) -> EmailMultiAlternatives:
    """Send the digest now and remember when."""
    message = build_digest(owner, day, to=to)
    message.send(fail_silently=False)
    ReminderSettings.objects.filter(owner=owner).update(last_digest_at=timezone.now())
    return message


def is_due(found: ReminderSettings, now: dt.datetime | None = None) -> bool:
    if found.digest not in DUE_AFTER:
        return False
    if found.last_digest_at is None:
        return True
    return (now or timezone.now()) - found.last_digest_at >= DUE_AFTER[found.digest]


def send_due(day: dt.date | None = None) -> list[str]:
    """Send every user's digest that their frequency says is due; returns the usernames."""
    sent = []
    users = get_user_model().objects.filter(
        is_active=True, reminder_settings__digest__in=list(DUE_AFTER)
    )
    for user in users.order_by("username"):
        if is_due(settings_for(user)):
            send_digest(user, day)
            sent.append(user.get_username())
    return sent
