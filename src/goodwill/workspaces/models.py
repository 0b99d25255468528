"""Group workspaces: members, what each shares, introductions, referrals and the audit log.

Nothing here copies a member's contacts: the pooled graph is computed from the members' own
rows at the level each chose, so a member who leaves takes their data with them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

User = settings.AUTH_USER_MODEL

ROLES = (("owner", "Owner"), ("member", "Member"))

# Ordered from most private to most open; the order matters (see LEVEL_RANK).
LEVELS = (
    ("nothing", "Nothing: my contacts stay out of the pool"),
    ("counts", "Counts only: “Ann knows 3 people at Acme”"),
    ("names", "Names and organisations of my contacts"),
    ("full", "Names, organisations, positions, places and who knows whom among them"),
)
LEVEL_RANK = {value: rank for rank, (value, _label) in enumerate(LEVELS)}
DEFAULT_LEVEL = "counts"

INTRO_STATUSES = (
    ("asked", "Waiting for the connector"),
    ("declined", "Declined by the connector"),
    ("forwarded", "Waiting for the person to be introduced"),
    ("refused", "Declined by the person to be introduced"),
    ("introduced", "Both accepted: introduced"),
    ("cancelled", "Cancelled"),
)
PENDING_INTRO = frozenset({"asked", "forwarded"})

REFERRAL_STATUSES = (("open", "Open"), ("closed", "Closed business"), ("lost", "Came to nothing"))
POST_KINDS = (("ask", "Ask"), ("offer", "Offer"))


def digest(token: str) -> str:
    """Tokens are stored hashed: a copy of the database cannot be used to join or answer."""
    return hashlib.sha256(token.encode()).hexdigest()


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="workspace_memberships")
    role = models.CharField(max_length=8, choices=ROLES, default="member")
    level = models.CharField(max_length=8, choices=LEVELS, default=DEFAULT_LEVEL)
    # "Never use me as a connector": nobody can ask this member for an introduction.
    never_connector = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace}"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


class HiddenContact(models.Model):
    """One of a member's people kept out of this workspace's pool altogether."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="hidden")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "person"], name="hidden_once")]

    def __str__(self) -> str:
        return f"{self.person_id} hidden from {self.membership_id}"


class Invitation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation to {self.workspace_id} ({self.email or 'link'})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class IntroRequest(models.Model):
    """A double opt-in introduction: the connector agrees first, then the person introduced."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="intros")
    requester = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The connector's own record of the person; never shown beyond what the connector shares.
    target_person = models.ForeignKey(
        "people.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_name = models.CharField(max_length=200)
    # Given by the connector when they accept; only the connector and the mailer see it.
    target_email = models.EmailField(blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=INTRO_STATUSES, default="asked")
    # Private to the connector: the requester only ever learns "declined".
    connector_reason = models.TextField(blank=True)
    target_token_digest = models.CharField(max_length=64, blank=True)
    draft = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.id} introduction to {self.target_name} ({self.status})"

    @property
    def expired(self) -> bool:
        return self.status in PENDING_INTRO and self.expires_at <= timezone.now()

    @property
    def shown_status(self) -> str:
        return "expired" if self.expired else self.status


class Notification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="workspace_notes")
    workspace = models.ForeignKey(Workspace, null=True, on_delete=models.CASCADE)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class ReferralSlip(models.Model):
    """Who gave whom a referral, and what it was worth once the business closed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="referrals")
    giver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=300)
    status = models.CharField(max_length=6, choices=REFERRAL_STATUSES, default="open")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    thanks = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.id} {self.what} ({self.status})"


class Meeting(models.Model):
    """A one-to-one between two members."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="meetings")
    a = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    met_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-met_on", "-id"]

    def __str__(self) -> str:
        return f"one-to-one on {self.met_on}"


class Post(models.Model):
    """An ask ("looking for a cover designer") or an offer ("I can proofread")."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="posts")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=POST_KINDS)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


class AuditEntry(models.Model):
    """Who looked up or asked for what; the workspace's owners can read it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.detail}"
