"""A record of every import: what it did and the problems it met, record by record."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    STATUSES = (
        ("running", "Running"),
        ("applied", "Applied"),
        ("dry_run", "Dry run"),
        ("failed", "Failed"),
    )

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    format = models.CharField(max_length=40)
    source = models.CharField(max_length=500, help_text="the files imported, as given")
    digest = models.CharField(max_length=64, blank=True, help_text="sha256 of the input")
    status = models.CharField(max_length=8, choices=STATUSES, default="running")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people_created = models.PositiveIntegerField(default=0)
    people_updated = models.PositiveIntegerField(default=0)
    people_merged = models.PositiveIntegerField(default=0)
    ties = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.format} import {self.id} ({self.status})"


class ImportIssue(models.Model):
    """A per-record problem; ``code`` is stable so scripts and tests can rely on it."""

    SEVERITIES = (("warning", "Warning"), ("error", "Error"))

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=8, choices=SEVERITIES, default="warning")
    file = models.CharField(max_length=500, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.code}: {self.message}"


class SourceRef(models.Model):
    """Which person an importer's ``ref`` named last time, so a re-import finds them again
    even when the source gives no identity key (a LinkedIn row with a name only)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ref = models.CharField(max_length=400)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "ref"], name="source_ref_unique")]

    def __str__(self) -> str:
        return self.ref
