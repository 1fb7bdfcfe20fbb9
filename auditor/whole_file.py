"""Writing a file whole or not at all: under a name of its own first, then moved into place, so that
another run reading or writing it at the same time sees the old file or the new one, never a part."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

PRIVATE = 0o600     # the auditor's own cache: for this user only
SHARED = 0o666      # what a teacher reads and shares (the umask narrows it, as for any new file)


def replace_whole(path: Path, write: Callable[[IO], None], *, mode: int = PRIVATE,
                  errors: str = "strict", binary: bool = False) -> None:
    """Write `path` through `write` (UTF-8, `errors` for what cannot be encoded; bytes when
    `binary`). Raises what making the folder, writing or moving raises; the partly written file
    is removed first."""
    partial = path.with_name(f".{path.name}.{os.getpid()}-{time.time_ns():x}-{id(write):x}.partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with (os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", errors=errors)) as out:
            write(out)
        os.replace(partial, path)
    except BaseException:
        _remove(partial)
        raise


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
