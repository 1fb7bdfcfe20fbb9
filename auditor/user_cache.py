"""The auditor's own cache folder, `$XDG_CACHE_HOME/auditor` (else `~/.cache/auditor`), and writing
a file there whole or not at all. Everything kept there only saves time: a folder that cannot be
written is done without. Nothing from an audited repository is kept there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from auditor.whole_file import replace_whole


def cache_folder() -> Path | None:
    """Where the auditor keeps what saves time across runs; None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME", ""), ".cache")
    if not os.path.isabs(base):
        return None
    return Path(base) / "auditor"


def read_stamped(path: Path | None, stamp: Any, field: str) -> dict:
    """The `field` mapping of a JSON cache file written with this `stamp`; empty when the file is
    missing, unreadable, damaged, or was written by another version (its stamp differs)."""
    if path is None:
        return {}
    try:
        stored = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(stored, dict) or stored.get("stamp") != stamp or not isinstance(stored.get(field), dict):
        return {}
    return stored[field]


def write_whole(path: Path, write: Callable[[IO[str]], None]) -> bool:
    """Write `path` through `write`, whole or not at all, readable by this user only. Whether it was
    written (False when the folder cannot be made or written, or `write` fails)."""
    try:
        replace_whole(path, write)
    except (OSError, TypeError, ValueError):
        return False
    return True
