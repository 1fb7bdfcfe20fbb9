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
        if not (root / ".git").exists() or git_would_block(root):   # as read_git_info tells a work tree
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
    ref = _ref_named(named)
    if ref is None:
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


def _ref_named(head: str) -> str | None:
    """The branch a symbolic HEAD names (`ref: refs/heads/main`), when it is a plain ref name."""
    ref = head.removeprefix("ref: ").strip() if head.startswith("ref: ") else None
    return ref if ref is not None and REF_NAME.fullmatch(ref) else None


# What every git command in a work tree opens first, below `.git`: a FIFO among them (a crafted
# folder, an unpacked archive) would keep git waiting until its timeout, command after command.
GIT_OPENS_FIRST = ("HEAD", "config", "commondir", "index", "packed-refs", "shallow", "objects/info/alternates")
SPECIAL_FILES = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"))


def git_would_block(root: Path) -> str | None:
    """Why git would wait on the repository of the work tree `root` instead of reading it: `.git`,
    or a file git opens on every command (HEAD, the branch HEAD names, config, the index ...), is a
    FIFO, a socket or a device (links followed) rather than a regular file or a folder. None when
    none is; whatever else is wrong with the repository is git's to say. A `.git` file (a linked
    work tree) is checked itself, not the folder it points to."""
    git_dir = root / ".git"
    opened = [git_dir]
    if git_dir.is_dir():
        opened += [git_dir / name for name in GIT_OPENS_FIRST]
        ref = _ref_named((_small_file(git_dir / "HEAD", MAX_REF_FILE) or "").strip())
        opened += [git_dir / ref] if ref else []
    for path in opened:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            continue
        kind = next((name for is_kind, name in SPECIAL_FILES if is_kind(mode)), None)
        if kind:
            return (f"{path.relative_to(root).as_posix()} is a {kind}, not a regular file: git would wait on it "
                    f"instead of reading the repository")
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
