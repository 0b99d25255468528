"""What happens between people: interactions, favours, overtures, referrals, channels, outcomes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from goodwill.vocab import (
    CHANNEL_KINDS,
    CHANNELS,
    DIRECTIONS,
    FAVOUR_DIRECTIONS,
    INTERACTION_KINDS,
    PARTICIPANT_ROLES,
    PERIODS,
    REFERRAL_STATUSES,
)

Owner = settings.AUTH_USER_MODEL


class Interaction(models.Model):
    """A dated event between the owner and one or more people.

    Message bodies are not stored unless the owner asks (GOODWILL_STORE_BODIES).
    """

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=INTERACTION_KINDS)
    channel = models.CharField(max_length=12, choices=CHANNELS, default="other")
    direction = models.CharField(max_length=4, choices=DIRECTIONS, default="both")
    subject = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Stable id from the source (Message-ID, event UID) so re-imports change nothing.
    external_id = models.CharField(max_length=300, blank=True)
    participants = models.ManyToManyField(
        "people.Person", through="Participant", related_name="interactions"
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-occurred_at"]),
            # Cached results check the latest change from the index alone.
            models.Index(fields=["owner", "created_at"], name="interaction_owner_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "channel", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_external_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"


class Participant(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=PARTICIPANT_ROLES, default="with")

    class Meta:
        indexes = [models.Index(fields=["person", "interaction"])]
        constraints = [
            models.UniqueConstraint(fields=["interaction", "person"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.role}) in {self.interaction_id}"


class Favour(models.Model):
    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="favours")
    direction = models.CharField(max_length=8, choices=FAVOUR_DIRECTIONS)
    what = models.CharField(max_length=300)
    occurred_on = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["owner", "person"]),
            models.Index(fields=["owner", "direction", "acknowledged_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction}: {self.what}"


class Overture(models.Model):
    """A reach-out by the owner; answered when the person replies."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="overtures")
    channel = models.CharField(max_length=12, choices=CHANNELS, default="other")
    approach = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "person"]),
            models.Index(fields=["owner", "channel"]),
        ]

    def __str__(self) -> str:
        return f"overture to {self.person_id} on {self.sent_at:%Y-%m-%d}"


class Channel(models.Model):
    """A platform or place the owner invests time in."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    key = models.CharField(max_length=12, choices=CHANNELS)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=CHANNEL_KINDS, default="platform")
    hours = models.FloatField(default=0.0)
    period = models.CharField(max_length=6, choices=PERIODS, default="week")
    # e.g. "tag:publisher OR position~editor": who counts as target market here.
    target_rule = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="channel_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """Who referred whom to whom, for what, and what it was worth."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    referrer = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_made"
    )
    referred = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_as_subject"
    )
    to = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_received"
    )
    what = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=REFERRAL_STATUSES, default="open")
    referred_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    thanked_on = models.DateField(null=True, blank=True)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.what


class Outcome(models.Model):
    """A business result, attributed to the people and channels that brought it."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    occurred_on = models.DateField()
    people = models.ManyToManyField("people.Person", blank=True, related_name="outcomes")
    channels = models.ManyToManyField(Channel, blank=True, related_name="outcomes")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["owner", "occurred_on"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """Something the owner published on a channel (for the soft-sell check and reach)."""

    KINDS = (("post", "Post"), ("reply", "Reply"), ("share", "Share"))

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    channel = models.CharField(max_length=12, choices=CHANNELS)
    kind = models.CharField(max_length=6, choices=KINDS, default="post")
    published_at = models.DateTimeField()
    text = models.TextField()
    external_id = models.CharField(max_length=300)
    mentions = models.ManyToManyField("people.Person", blank=True, related_name="mentioned_in")
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["owner", "channel", "-published_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "channel", "external_id"], name="post_external_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
