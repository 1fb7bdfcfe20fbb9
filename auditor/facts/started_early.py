"""The git reads of a folder's audit, started before the rest of the auditor is imported.

Importing the auditor takes a core ~40 ms while the machine's other core waits; git's history reads
(the `--numstat` line counts above all) take about as long. `start_folder_reads` makes, at the
very start of `auditor audit FOLDER`, the same calls the audit makes later to start them (the
same folder, the same commands), within `keeping()`: each `adopted(key, start)` then starts its
command and keeps it. When the audit makes that call, it adopts the command under way instead of
starting it again. A kept command nobody adopted (a `[tool.auditor]` deadline audits another
commit) is stopped at exit.
"""

from __future__ import annotations

import atexit
import os
import stat
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol, TypeVar

from auditor.lazy_pattern import LazyPattern


class Cancellable(Protocol):
    def cancel(self) -> None: ...


T = TypeVar("T", bound=Cancellable)

_kept: dict[tuple, Cancellable] = {}
_keeping = False


def adopted(key: tuple, start: Callable[[], T]) -> T:
    """What `start()` starts, or the same command started early under `key` (once)."""
    if _keeping:
        started = _kept[key] = start()
        return started
    early = _kept.pop(key, None)
    return early if early is not None else start()   # type: ignore[return-value]


@contextmanager
def keeping() -> Iterator[None]:
    global _keeping
    if not _kept:
        atexit.register(stop_unadopted)
    _keeping = True
    try:
        yield
    finally:
        _keeping = False


def stop_unadopted() -> None:
    while _kept:
        _kept.popitem()[1].cancel()


def start_folder_reads(target: str) -> None:
    """The git commands an audit of the folder `target` at its HEAD starts, started now. Those that
    name HEAD's commit are started with the commit the files under `.git` name (head_named): git's
    own answer comes later, and a command started with another commit is never adopted."""
    from auditor.facts.branches import BranchLog
    from auditor.facts.files import start_listing
    from auditor.facts.gitcmd import CatFile
    from auditor.facts.gitinfo import start_head_read, start_refs
    from auditor.facts.history import HistoryRead, is_large_store
    from auditor.target import local_path

    try:
        root = local_path(target)
        if not (root / ".git").exists():   # as read_git_info tells a work tree
            return
        root = root.resolve()
    except (OSError, ValueError):   # the audit says what is wrong with the target
        return
    commit = head_named(root / ".git")
    large = commit is not None and is_large_store(root)
    with keeping():
        start_listing(root)   # read first, right after the imports
        if commit and not large:
            HistoryRead.start(root, commit)   # the numstat line counts next: git's longest read
        head = start_head_read(root)
        if large:   # its line counts are shared out by the number of commits
            HistoryRead.start(root, commit, commits=head.commit_count())
        start_refs(root)
        if commit:
            BranchLog.start_at(root, commit)
            CatFile.start(root).prepare()   # the blobs of the template's scaffold, of other branches


HEX_COMMIT = LazyPattern(r"[0-9a-f]{40}([0-9a-f]{24})?")
REF_NAME = LazyPattern(r"refs/(?!.*(?:\.\.|//|/\.|\.lock$))[\w.\-/]+")
MAX_REF_FILE = 64
MAX_PACKED_REFS = 1 << 20


def head_named(git_dir: Path) -> str | None:
    """The commit that `.git/HEAD` names, directly or through a branch's loose or packed ref; None
    unless the files plainly say (a `.git` file, a ref table, a symbolic ref of a ref). Only regular
    files inside `.git` are read, without following links, and never more than a few bytes."""
    head = _small_file(git_dir / "HEAD", MAX_REF_FILE)
    if head is None:
        return None
    named = head.strip()
    if HEX_COMMIT.fullmatch(named):
        return named
    ref = named.removeprefix("ref: ").strip() if named.startswith("ref: ") else None
    if ref is None or not REF_NAME.fullmatch(ref):
        return None
    loose = _small_file(git_dir / ref, MAX_REF_FILE)
    if loose is not None:
        return loose.strip() if HEX_COMMIT.fullmatch(loose.strip()) else None
    packed = _small_file(git_dir / "packed-refs", MAX_PACKED_REFS) or ""
    for line in packed.splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and HEX_COMMIT.fullmatch(commit):
            return commit
    return None


def _small_file(path: Path, limit: int) -> str | None:
    """The text of a regular file of at most `limit` bytes; None for anything else (absent, a link,
    a fifo, larger, not ASCII)."""
    no_follow = getattr(os, "O_NOFOLLOW", None)   # not on Windows: there nothing is read, git says it all
    if no_follow is None:
        return None
    try:
        handle = os.open(path, os.O_RDONLY | no_follow | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        data = os.read(handle, limit + 1)
    except OSError:
        return None
    finally:
        os.close(handle)
    if len(data) > limit:
        return None
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        return None
