"""A record of every import: what it did and the problems it met, record by record."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    STATUSES = (
        ("queued", "Waiting"),
        ("running", "Running"),
        ("applied", "Applied"),
        ("dry_run", "Dry run"),
        ("failed", "Failed"),
        ("cancelled", "Cancelled"),
        ("interrupted", "Interrupted"),
    )
    UNFINISHED = ("queued", "running")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    format = models.CharField(max_length=40)
    source = models.CharField(max_length=500, help_text="the files imported, as given")
    digest = models.CharField(max_length=64, blank=True, help_text="sha256 of the input")
    status = models.CharField(max_length=12, choices=STATUSES, default="running")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    people_created = models.PositiveIntegerField(default=0)
    people_updated = models.PositiveIntegerField(default=0)
    people_merged = models.PositiveIntegerField(default=0)
    ties = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Which process runs (or waits to run) the import, "host:pid:start", so the next process
    # can tell a run whose process died from one still going.
    holder = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True, help_text="the background task")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.format} import {self.id} ({self.status})"

    @property
    def unfinished(self) -> bool:
        return self.status in self.UNFINISHED


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


class Merge(models.Model):
    """One person folded into another, with everything needed to undo it exactly.

    ``snapshot`` holds the absorbed person's row, and every row the merge moved, folded or
    dropped, by id; ``goodwill.imports.merging.unmerge`` puts each back. The kept person may be
    absorbed by a later merge (and return when that is undone), so ``kept`` is an id without a
    database constraint.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kept = models.ForeignKey(
        "people.Person", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    absorbed_id = models.PositiveBigIntegerField(help_text="the absorbed person's former id")
    absorbed_name = models.CharField(max_length=200)
    snapshot = models.JSONField()
    reason = models.CharField(max_length=300)
    automatic = models.BooleanField(default=False)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["owner", "kept"]),
            models.Index(fields=["owner", "absorbed_id"]),
        ]

    def __str__(self) -> str:
        return f"merge {self.id}: {self.absorbed_name} into #{self.kept_id}"


class MergeDecision(models.Model):
    """The user said two people are different: never suggest the pair again."""

    DECISIONS = (("distinct", "Different people"),)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=DECISIONS, default="distinct")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "a", "b"], name="merge_decision_unique"),
            models.CheckConstraint(
                condition=models.Q(a__lt=models.F("b")), name="decision_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.a_id} and #{self.b_id}: {self.decision}"
