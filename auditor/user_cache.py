"""The auditor's own cache folder, `$XDG_CACHE_HOME/auditor` (else `~/.cache/auditor`), writing a
file there whole or not at all, and KeptAcrossRuns, the one way its caches of what runs learned
(regex programs, the words of patterns, compiled code) are read and stored. Everything kept there
only saves time: a folder that cannot be written is done without. Nothing from an audited
repository is kept there.
"""

from __future__ import annotations

import _thread
import atexit
import marshal
import os
import time
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
    """The `field` mapping of a cache file written with this `stamp`; empty when the file is
    missing, unreadable, damaged, or was written by another version (its stamp differs)."""
    if path is None:
        return {}
    try:
        stored = read_kept(path)
    except OSError:
        return {}
    if not isinstance(stored, dict) or stored.get("stamp") != stamp or not isinstance(stored.get(field), dict):
        return {}
    return stored[field]


def read_kept(path: Path) -> Any:
    """What a cache file holds: `marshal` data, as Python keeps its own bytecode (several times faster
    to read than JSON; the folder is this user's alone). None when it does not decode."""
    try:
        return marshal.loads(path.read_bytes())
    except (ValueError, EOFError, TypeError):
        return None


def write_kept(path: Path, stored: Any) -> bool:
    """Write a cache file whole (False when it cannot be written)."""
    try:
        data = marshal.dumps(stored)
    except ValueError:
        return False
    return write_whole(path, lambda out: out.write(data), binary=True)


def write_whole(path: Path, write: Callable[[IO], None], binary: bool = False) -> bool:
    """Write `path` through `write`, whole or not at all, readable by this user only. Whether it was
    written (False when the folder cannot be made or written, or `write` fails)."""
    try:
        replace_whole(path, write, binary=binary)
    except (OSError, TypeError, ValueError):
        return False
    return True


UNWRITTEN_FOR = 30 * 24 * 3600   # seconds: a cache file of its family no run has written for this long is dropped


def tidy_after_writing(written: Path, family: str) -> None:
    """Once a cache file is written, the files it supersedes go: its predecessor in the format used
    before `marshal` (the same name ending in `.json`), and the files of its family (a glob such as
    `catalog-*.json`) that no run has written for UNWRITTEN_FOR, kept for checkouts, versions of the
    auditor or Pythons no longer run here (one that is still used is only made again). Only names of
    that family in the cache folder are removed, and what cannot be removed stays."""
    older_than = time.time() - UNWRITTEN_FOR
    superseded = [written.with_suffix(".json")] if written.suffix != ".json" else []
    try:
        superseded += [path for path in written.parent.glob(family)
                       if path != written and path.lstat().st_mtime < older_than]
    except OSError:
        pass
    for path in superseded:
        try:
            path.unlink()
        except OSError:
            pass


class KeptAcrossRuns:
    """What a run learned that saves a later one work (regex programs, the words of patterns, compiled
    code), kept in one file of the user's cache under a stamp: the file is read whole on first
    use, and what this run learned is added to it at exit (or by `store_learned`, where a process
    ends without exit handlers, as a forked batch worker does), once. Past `limit` entries, those
    this run neither looked up nor learned are dropped first. `file` and `stamp` are asked each
    time (None: no file, nothing kept); `valid` says which stored entries are of the right shape;
    `family` is the glob of the names other versions give the file (tidy_after_writing)."""

    def __init__(self, file: Callable[[], Path | None], stamp: Callable[[], Any], field: str, limit: int, *,
                 family: str, valid: Callable[[Any], bool] = lambda entry: True):
        self._file, self._stamp, self._field, self.limit, self._valid = file, stamp, field, limit, valid
        self._family = family
        self._lock = _thread.allocate_lock()   # threading's Lock; every start imports this module
        self.stored: dict[str, Any] | None = None
        self.learned: dict[str, Any] = {}
        self.used: set[str] = set()

    def entries(self) -> dict[str, Any]:
        """What earlier runs kept (read once)."""
        if self.stored is None:
            with self._lock:
                if self.stored is None:
                    self.stored = self._read(self._file())
        return self.stored

    def get(self, key: str, missing: Any = None) -> Any:
        entry = self.entries().get(key, missing)
        if entry is not missing:
            self.used.add(key)
        return entry

    def learn(self, key: str, entry: Any) -> None:
        with self._lock:
            if not self.learned:
                atexit.register(self.store_learned)
            self.learned[key] = entry
            self.used.add(key)

    def store_learned(self) -> None:
        path = self._file()
        with self._lock:
            learned, used = dict(self.learned), set(self.used)
            self.learned.clear()
        if path is None or not learned:
            return
        kept = {**self._read(path), **learned}
        if len(kept) > self.limit:
            kept = {key: kept[key] for key in sorted(kept, key=lambda key: key not in used)[:self.limit]}
        if write_kept(path, {"stamp": self._stamp(), self._field: kept}):
            tidy_after_writing(path, self._family)

    def _read(self, path: Path | None) -> dict[str, Any]:
        if path is None:
            return {}
        return {key: entry for key, entry in read_stamped(path, self._stamp(), self._field).items()
                if self._valid(entry)}
