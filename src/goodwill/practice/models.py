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
