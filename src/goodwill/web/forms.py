"""Forms for the web shell: adding a person and logging an interaction."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.activity.services import log_interaction
from goodwill.errors import GoodwillError
from goodwill.identity import normalise
from goodwill.people import services as people
from goodwill.people.models import Identity, Person
from goodwill.vocab import CHANNELS, DIRECTIONS, INTERACTION_KINDS

# Form field name -> identity channel it stores.
IDENTITY_FIELDS = {
    "email": "email",
    "phone": "phone",
    "x_handle": "x",
    "linkedin": "linkedin",
    "website": "website",
}


class PersonForm(forms.Form):
    name = forms.CharField(max_length=200)
    organisation = forms.CharField(max_length=200, required=False)
    position = forms.CharField(max_length=200, required=False)
    location = forms.CharField(max_length=200, required=False)
    how_we_met = forms.CharField(label="How we met", max_length=300, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    tags = forms.CharField(
        max_length=500, required=False, help_text="Separate tags with commas: friend, editor"
    )
    email = forms.CharField(
        label="E-mail", max_length=320, required=False, widget=forms.EmailInput()
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text="With the country code, e.g. +44 20 7946 0958",
    )
    x_handle = forms.CharField(label="X handle", max_length=60, required=False)
    linkedin = forms.CharField(
        label="LinkedIn URL",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url"}),
    )
    website = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"inputmode": "url"})
    )

    def __init__(self, *args, owner: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self):
        cleaned = super().clean()
        for field, channel in IDENTITY_FIELDS.items():
            raw = (cleaned.get(field) or "").strip()
            if raw:
                self._check_identity(field, channel, raw)
        return cleaned

    def _check_identity(self, field: str, channel: str, raw: str) -> None:
        try:
            value = normalise(channel, raw)
        except ValueError as exc:
            self.add_error(field, str(exc).capitalize())
            return
        clash = (
            Identity.objects.filter(owner=self.owner, channel=channel, value=value)
            .select_related("person")
            .first()
        )
        if clash is not None:
            self.add_error(
                field, f"{value} already belongs to {clash.person.name} (#{clash.person_id})"
            )

    def identities(self) -> list[tuple[str, str]]:
        return [
            (channel, self.cleaned_data[field].strip())
            for field, channel in IDENTITY_FIELDS.items()
            if self.cleaned_data.get(field, "").strip()
        ]

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    def details(self) -> dict[str, str]:
        fields = ("organisation", "position", "location", "how_we_met", "notes")
        return {f: self.cleaned_data[f].strip() for f in fields}

    def save(self) -> Person | None:
        """The new person, or None with the clash added as a form error."""
        try:
            return people.create_person(
                self.owner,
                self.cleaned_data["name"],
                identities=self.identities(),
                tags=self.tag_names(),
                **self.details(),
            )
        except GoodwillError as exc:
            self.add_error(None, str(exc))
            return None


def _today() -> dt.date:
    return timezone.localdate()


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(choices=INTERACTION_KINDS, initial="message")
    channel = forms.ChoiceField(
        choices=[("", "Usual for the kind"), *CHANNELS],
        required=False,
    )
    day = forms.DateField(
        label="Date",
        initial=_today,
        # A date input always speaks ISO, whatever the language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    direction = forms.ChoiceField(choices=DIRECTIONS, initial="both")
    subject = forms.CharField(max_length=300, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day > _today() + dt.timedelta(days=1):
            raise forms.ValidationError("That date is in the future: log what has happened.")
        return day

    def occurred_at(self) -> dt.datetime:
        day = self.cleaned_data["day"]
        if day == _today():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    def log(self, owner: AbstractBaseUser, person: Person) -> Interaction:
        data = self.cleaned_data
        return log_interaction(
            owner,
            data["kind"],
            [person],
            channel=data["channel"] or None,
            when=self.occurred_at(),
            direction=data["direction"],
            subject=data["subject"],
            note=data["note"],
        )


class StandaloneInteractionForm(InteractionForm):
    who = forms.CharField(
        label="Person",
        max_length=320,
        help_text="A name, an e-mail, a handle or #ID",
    )
    field_order = ["who"]

    def __init__(self, *args, owner: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.person: Person | None = None

    def clean_who(self) -> str:
        who = self.cleaned_data["who"]
        try:
            self.person = people.resolve(self.owner, who)
        except GoodwillError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.person.is_me:
            raise forms.ValidationError("Log an interaction with someone other than yourself.")
        return who


# The people directory's filters ------------------------------------------------------------

# Identity channels as the directory offers them: a label and the stored channels it covers.
DIRECTORY_CHANNELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("E-mail", ("email",)),
    "phone": ("Phone", ("phone",)),
    "linkedin": ("LinkedIn", ("linkedin",)),
    "facebook": ("Facebook", ("facebook",)),
    "x": ("X", ("x", "x_id")),
    "mastodon": ("Mastodon", ("mastodon",)),
    "bluesky": ("Bluesky", ("bluesky", "bluesky_did")),
    "website": ("Website", ("website",)),
}

STRENGTH_BANDS = (
    ("strong", "Strong (0.6 and above)"),
    ("medium", "Medium (0.3 to 0.6)"),
    ("weak", "Weak (below 0.3)"),
    ("none", "No tie with me"),
)

LAST_CONTACT = (
    ("30", "In the last 30 days"),
    ("90", "In the last 90 days"),
    ("365", "In the last year"),
    ("over_year", "Over a year ago"),
    ("never", "Never"),
)

SORTS = (
    ("name", "Name"),
    ("recent", "Last contact, most recent first"),
    ("strength", "Strength, strongest first"),
)


class DirectoryForm(forms.Form):
    """What the people directory is filtered and sorted by; every field is optional."""

    q = forms.CharField(label="Search", max_length=200, required=False)
    tag = forms.CharField(label="Tag", max_length=80, required=False)
    channel = forms.ChoiceField(
        label="Channel",
        required=False,
        choices=[("", "Any channel"), *((k, v[0]) for k, v in DIRECTORY_CHANNELS.items())],
    )
    strength = forms.ChoiceField(
        label="Strength", required=False, choices=[("", "Any strength"), *STRENGTH_BANDS]
    )
    contact = forms.ChoiceField(
        label="Last contact", required=False, choices=[("", "Any time"), *LAST_CONTACT]
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)

    def filters(self) -> dict[str, str]:
        """The valid filters (an unknown value is dropped rather than failing the page)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        found = {name: (cleaned.get(name) or "").strip() for name in self.fields}
        found["sort"] = found["sort"] or "name"
        return found
