"""Sending the workspace's e-mail through Django's configured backend (GOODWILL_EMAIL_URL).

A mail server that is down must not undo what the member did: the step is saved, the in-app
notification is there, and the failure is logged.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger("goodwill.workspaces")


def send(to: str, subject: str, body: str) -> bool:
    try:
        send_mail(subject[:200], body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("could not send e-mail %r: %s", subject, exc)
        return False
    return True
