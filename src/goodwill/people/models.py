"""People, how they are recognised, and the ties between them. Every row has an owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from goodwill.vocab import DIRECTED_TIE_KINDS, IDENTITY_CHANNELS, TAG_KINDS, TIE_KINDS


class Tag(models.Model):
    """A label on people: a plain tag, an interest, something they offer or need."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=TAG_KINDS, default="tag")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "name"], name="tag_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name if self.kind == "tag" else f"{self.kind}: {self.name}"


class Person(models.Model):
    """One real human. Exactly one person per owner is "me"."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    is_me = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    position = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    how_we_met = models.CharField(max_length=300, blank=True)
    met_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    # Never offered as a go-between in introduction paths.
    never_connector = models.BooleanField(default=False)
    # Blocked or muted: never suggested.
    blocked = models.BooleanField(default=False)
    # A mailing list, bulk or no-reply sender: kept, but out of the relationship map.
    bulk = models.BooleanField(default=False)
    # Fields the user edited by hand; a later import keeps these as they are.
    edited_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["owner", "organisation"]),
            models.Index(fields=["owner", "updated_at"], name="person_owner_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_me=True), name="one_me_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Identity(models.Model):
    """How a person is recognised on one channel; the value is stored normalised."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=IDENTITY_CHANNELS)
    value = models.CharField(max_length=320)
    # As it appeared in the source (e.g. original capitalisation), for display.
    display = models.CharField(max_length=320, blank=True)
    label = models.CharField(max_length=40, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel", "value"]
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "channel", "value"], name="identity_unique_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.value}"

    @property
    def shown(self) -> str:
        return self.display or self.value


class Tie(models.Model):
    """A relationship between two people, with the evidence for it.

    Undirected kinds are stored with ``a_id < b_id``; a follow goes from a to b.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_out")
    b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_in")
    kind = models.CharField(max_length=16, choices=TIE_KINDS)
    since = models.DateField(null=True, blank=True)
    # Evidence weight (e.g. how often seen together); strength is scored later.
    weight = models.FloatField(default=1.0)
    strength = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["owner", "a"]),
            models.Index(fields=["owner", "b"]),
            # The graph snapshot's stamp reads the latest change from the index alone.
            models.Index(fields=["owner", "updated_at"], name="tie_owner_updated"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "a", "b", "kind"], name="tie_unique"),
            models.CheckConstraint(condition=~Q(a=models.F("b")), name="tie_not_self"),
        ]

    def __str__(self) -> str:
        arrow = "->" if self.directed else "--"
        return f"{self.a_id} {arrow} {self.b_id} ({self.kind})"

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_TIE_KINDS

    def other(self, person_id: int) -> int:
        return self.b_id if self.a_id == person_id else self.a_id


class TieSource(models.Model):
    """One piece of evidence for a tie: an import, a statement, the demo."""

    KINDS = (("import", "Import"), ("stated", "Stated by you"), ("demo", "Demo"))

    tie = models.ForeignKey(Tie, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=8, choices=KINDS)
    detail = models.CharField(max_length=300, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL
    )
    # This source's share of the tie's weight (e.g. co-occurrence in one mailbox).
    weight = models.FloatField(default=1.0)
    observed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tie", "kind", "detail"], name="tie_source_unique")
        ]

    def __str__(self) -> str:
        return self.detail or self.get_kind_display()


def ordered_pair(a_id: int, b_id: int, kind: str) -> tuple[int, int]:
    """The stored order of a tie's ends: undirected ties keep the lower id first."""
    if kind in DIRECTED_TIE_KINDS or a_id < b_id:
        return a_id, b_id
    return b_id, a_id
