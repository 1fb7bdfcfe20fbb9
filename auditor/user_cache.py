"""The auditor's own cache folder, `$XDG_CACHE_HOME/auditor` (else `~/.cache/auditor`), and writing
a file there whole or not at all. Everything kept there only saves time: a folder that cannot be
written is done without. Nothing from an audited repository is kept there.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


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
    """Write `path` through `write` under a name of its own, then move it into place: another run
    reading or writing it at the same time sees the old file or the new one, never a part.
    Whether it was written (False when the folder cannot be made or written, or `write` fails)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}-{time.time_ns():x}-{id(write):x}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            write(out)
        os.replace(partial, path)
        return True
    except (OSError, TypeError, ValueError):
        _remove(partial)
        return False
    except BaseException:
        _remove(partial)
        raise


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
