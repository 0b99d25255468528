"""Sign-in throttling: failed attempts per account and per address, in the database.

In the database so that every server process (and thread) sees the same counts.
"""

from django.db import models


class LoginThrottle(models.Model):
    # "account:<username>" or "address:<ip>"; an account that does not exist is counted too,
    # so the answer never tells whether a user name is taken.
    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} failed"
