"""Test settings: the real settings module, pointed at a throwaway data folder."""

import os
import tempfile

# Before goodwill.settings reads it: tests never touch the real data folder.
os.environ.setdefault("GOODWILL_DATA_DIR", tempfile.mkdtemp(prefix="goodwill-test-"))

from goodwill.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
