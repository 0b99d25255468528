"""Models of the practice area: the user's own say over how strong a relationship is, and more."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

Owner = settings.AUTH_USER_MODEL


class StrengthOverride(models.Model):
    """The user's own judgement of a relationship, in [0, 1]; it outranks the computed score."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="strength_override"
    )
    value = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.value:.2f}"


class Cadence(models.Model):
    """How often the owner wants to be in touch: with one person, or with everyone tagged so."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="cadences"
    )
    tag = models.ForeignKey(
        "people.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="cadences"
    )
    days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3650)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, tag__isnull=True)
                | models.Q(person__isnull=True, tag__isnull=False),
                name="cadence_person_or_tag",
            ),
            models.UniqueConstraint(
                fields=["owner", "person"],
                condition=models.Q(person__isnull=False),
                name="cadence_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["owner", "tag"],
                condition=models.Q(tag__isnull=False),
                name="cadence_one_per_tag",
            ),
        ]

    def __str__(self) -> str:
        target = f"person {self.person_id}" if self.person_id else f"tag {self.tag_id}"
        return f"every {self.days} days: {target}"


class Snooze(models.Model):
    """Leave someone off the reminders until a date."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="snoozes")
    until = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "person"], name="snooze_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} until {self.until}"


DIGEST_FREQUENCIES = (("off", "Off"), ("daily", "Daily"), ("weekly", "Weekly"))


class ReminderSettings(models.Model):
    """Where and how often reminders go: the secret calendar feed and the e-mail digest."""

    owner = models.OneToOneField(Owner, on_delete=models.CASCADE, related_name="reminder_settings")
    # SHA-256 of the feed's secret token (empty: no feed yet). The token itself is shown once,
    # when it is made, like API tokens: a copy of the database cannot read anyone's feed.
    feed_digest = models.CharField(max_length=64, blank=True, db_index=True)
    digest = models.CharField(max_length=6, choices=DIGEST_FREQUENCIES, default="off")
    digest_email = models.EmailField(blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"reminders of {self.owner_id} ({self.digest})"


class ActionDone(models.Model):
    """A next action the owner marked done (or dismissed), so it is not offered again soon."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE)
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["owner", "key"]), models.Index(fields=["owner", "done_at"])]

    def __str__(self) -> str:
        return f"{self.key} done {self.done_at:%Y-%m-%d}"
