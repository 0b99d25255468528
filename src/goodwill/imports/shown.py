"""Errors about uploads name each file as the person sent it, never where it was saved."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path


def without_folders(message: str, paths: Sequence[Path]) -> str:
    """``message`` with the server's folders left out of every input path (and scratch folders)."""
    for path in sorted(paths, key=lambda p: len(str(p)), reverse=True):
        message = message.replace(str(path), path.name)
    # Zips are unpacked into scratch folders: what is inside is named from the zip down.
    scratch = re.escape(tempfile.gettempdir().rstrip("/")) + r"/goodwill-[^/\s]+/"
    return re.sub(scratch, "", message)
