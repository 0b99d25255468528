"""Normalise identity values so the same account always has the same key.

Plain Python (no Django): importers, the merge step and the web forms all call
``normalise(channel, value)``; it returns the canonical string or raises
``ValueError`` with a short reason.

>>> normalise("email", "  Ann.Lee@Example.COM ")
'ann.lee@example.com'
>>> normalise("phone", "+44 20 7946 0958")
'+442079460958'
>>> normalise("x", "@AnnLee")
'annlee'
>>> normalise("mastodon", "@ann@Writing.Exchange")
'ann@writing.exchange'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

import phonenumbers

from goodwill.vocab import IDENTITY_CHANNELS, values

CHANNELS = values(IDENTITY_CHANNELS)
DEFAULT_PHONE_REGION = "GB"

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_X_HANDLE = re.compile(r"^[a-z0-9_]{1,15}$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)
_LINKEDIN_PATH = re.compile(r"^/(in|pub|company)/([^/?#]+)")
_DID = re.compile(r"^did:(plc|web):[a-z0-9._:%-]+$")


def _email(value: str) -> str:
    cleaned = value.strip().strip("<>").strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[7:]
    if not _EMAIL.match(cleaned):
        raise ValueError(f"not an e-mail address: {value!r}")
    return cleaned.casefold()


def _phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    raw = value.strip()
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {value!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _linkedin(value: str) -> str:
    raw = value.strip()
    if "://" not in raw:
        raw = "https://" + raw.lstrip("/")
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise ValueError(f"not a LinkedIn profile URL: {value!r}")
    match = _LINKEDIN_PATH.match(parts.path)
    if not match:
        raise ValueError(f"not a LinkedIn profile URL: {value!r}")
    section, slug = match.groups()
    return f"https://www.linkedin.com/{section}/{slug.lower()}"


def _facebook(value: str) -> str:
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    if not name:
        raise ValueError("empty Facebook name")
    return name.casefold()


def _x_id(value: str) -> str:
    raw = value.strip()
    if not raw.isdigit():
        raise ValueError(f"not an X account id: {value!r}")
    return str(int(raw))


def _x_handle(value: str) -> str:
    raw = value.strip()
    for prefix in ("https://", "http://"):
        if raw.lower().startswith(prefix):
            parts = urlsplit(raw)
            raw = parts.path.strip("/").split("/")[0]
    handle = raw.lstrip("@").lower()
    if not _X_HANDLE.match(handle):
        raise ValueError(f"not an X handle: {value!r}")
    return handle


def _ascii_domain(domain: str) -> str:
    """Lower-case a domain and turn an internationalised one into its punycode form."""
    domain = domain.strip().lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _mastodon(value: str) -> str:
    raw = value.strip()
    if raw.lower().startswith(("https://", "http://")):
        parts = urlsplit(raw)
        user = parts.path.strip("/").split("/")[0].lstrip("@")
        raw = f"{user}@{parts.hostname or ''}"
    raw = raw.lstrip("@")
    if raw.count("@") != 1:
        raise ValueError(f"not a Mastodon account (user@domain): {value!r}")
    user, domain = raw.split("@")
    domain = _ascii_domain(domain)
    if not user or not _DOMAIN.match(domain):
        raise ValueError(f"not a Mastodon account (user@domain): {value!r}")
    return f"{user.lower()}@{domain}"


def _bluesky(value: str) -> str:
    handle = _ascii_domain(value.strip().lstrip("@"))
    if not _DOMAIN.match(handle):
        raise ValueError(f"not a Bluesky handle: {value!r}")
    return handle


def _bluesky_did(value: str) -> str:
    did = value.strip().lower()
    if not _DID.match(did):
        raise ValueError(f"not a Bluesky DID: {value!r}")
    return did


def _website(value: str) -> str:
    raw = value.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    host = _ascii_domain(parts.hostname or "")
    if not _DOMAIN.match(host):
        raise ValueError(f"not a website address: {value!r}")
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/")
    return f"{host}{path}"


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": _email,
    "phone": _phone,
    "linkedin": _linkedin,
    "facebook": _facebook,
    "x_id": _x_id,
    "x": _x_handle,
    "mastodon": _mastodon,
    "bluesky": _bluesky,
    "bluesky_did": _bluesky_did,
    "website": _website,
}


def normalise(channel: str, value: str, *, region: str | None = None) -> str:
    """Return the canonical form of ``value`` on ``channel``.

    ``region`` (ISO 3166 code, e.g. "US") reads phone numbers written without a
    country code; the default is GB. Raises ``ValueError`` when the channel is
    unknown or the value is not valid for it.
    """
    try:
        normaliser = _NORMALISERS[channel]
    except KeyError:
        raise ValueError(f"unknown identity channel {channel!r}") from None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"empty {channel} value")
    if channel == "phone" and region:
        return _phone(value, region.upper())
    return normaliser(value)


def guess_channel(value: str) -> str | None:
    """Guess which channel a bare value (typed by a user) belongs to."""
    raw = value.strip()
    candidates = (
        ("email", lambda v: "@" in v and not v.startswith("@") and v.count("@") == 1),
        ("mastodon", lambda v: v.startswith("@") and v.count("@") == 2),
        ("bluesky_did", lambda v: v.lower().startswith("did:")),
        ("linkedin", lambda v: "linkedin.com/" in v.lower()),
        ("x", lambda v: v.startswith("@")),
        ("phone", lambda v: bool(re.fullmatch(r"[+0-9][0-9 ()./-]{5,}", v))),
    )
    for channel, test in candidates:
        if test(raw):
            try:
                normalise(channel, raw)
            except ValueError:
                continue
            return channel
    return None
