"""Which files the repository holds, and reading them safely.

The audited repository is hostile input: files may be huge, binary, badly encoded, or
symlinks that leave the repository. Nothing here writes into it or runs it.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
import os
import re
from pathlib import Path

from auditor.facts.gitcmd import GitError, GitRun
from auditor.facts.started_early import adopted
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

MAX_FILE_BYTES = 2_000_000
# Folders tools write while running (experiment trackers, Hydra, caches, environments): even when
# committed they are the output of a run, not the project, so they are not read and never evidence.
GENERATED_DIRS = frozenset({
    "wandb", "outputs", "multirun", "lightning_logs", "mlruns", ".dvc/cache", "__pycache__", "node_modules",
    ".venv", "venv",
})
_GENERATED_NAMES = frozenset(folder.rpartition("/")[2] for folder in GENERATED_DIRS)  # the last folder of each
SKIPPED_DIRS = GENERATED_DIRS | {
    ".git", "env", ".env", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", "site-packages",
    ".ipynb_checkpoints",
}
DATA_DIRS = {"data", "datasets"}
DATA_SUFFIXES = {".csv", ".parquet", ".pt", ".pth", ".ckpt", ".npy", ".npz", ".pkl", ".jpg", ".jpeg", ".png",
                 ".gif", ".zip", ".gz", ".tar", ".h5", ".onnx", ".bin", ".safetensors", ".arrow"}
# Kinds of files rules seldom read (pictures, built pages, bundles, data): not read ahead, only when a rule asks.
NOT_PREFETCHED = LazyPattern(
    r"\.(png|jpe?g|gif|svg|ico|webp|pdf|map|css|html?|min\.js|woff2?|ttf|eot|zip|gz|pkl|pt|pth|ckpt|onnx|npy|npz|"
    r"parquet|csv|tsv|log)$", re.IGNORECASE)


@record(frozen=True)
class FileText:
    """The text of a file, or why it could not be read."""

    text: str | None
    error: str | None = None


def list_files(root: Path, is_git: bool, started: GitRun | None = None) -> list[str]:
    """Relative POSIX paths of the repository's files: git's tracked files, else a filtered walk
    (`started`: the `git ls-files` of start_listing, already under way)."""
    if is_git:
        listed = _git_tracked(started or start_listing(root))
        if listed is not None:
            return listed
    return _walk(root)


def start_listing(root: Path) -> GitRun:
    return adopted(("ls-files", str(root)), lambda: GitRun(root, "ls-files", "-z", "--cached", timeout=60, spooled=True))


def is_generated(rel: str) -> bool:
    """Whether the path lies in a generated folder (`wandb/run-1/files/requirements.txt`, `src/outputs/x`)."""
    folders = rel.split("/")[:-1]
    if _GENERATED_NAMES.isdisjoint(folders):
        return False
    return any(name in GENERATED_DIRS or f"{parent}/{name}" in GENERATED_DIRS
               for parent, name in zip(["", *folders], folders))


def _git_tracked(listing: GitRun) -> list[str] | None:
    try:
        out = listing.output()
    except GitError:
        return None
    return sorted({p for p in out.decode("utf-8", "replace").split("\0") if p})


def _walk(root: Path) -> list[str]:
    ignore = _GitIgnore.load(root)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        parent = rel_dir.rsplit("/", 1)[-1]
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIPPED_DIRS and f"{parent}/{d}" not in SKIPPED_DIRS and not (rel_dir == "" and d in DATA_DIRS)
            and not ignore.matches(f"{rel_dir}/{d}".lstrip("/"), is_dir=True)
            and not (Path(dirpath) / d / "pyvenv.cfg").exists()
        )
        for name in filenames:
            rel = f"{rel_dir}/{name}".lstrip("/")
            if not ignore.matches(rel, is_dir=False):
                found.append(rel)
    return sorted(found)


class _GitIgnore:
    """The top-level .gitignore's simple patterns (enough to keep a plain folder's walk honest)."""

    def __init__(self, patterns: list[tuple[str, bool, bool]]):
        self.patterns = patterns

    @classmethod
    def load(cls, root: Path) -> "_GitIgnore":
        patterns = []
        try:
            lines = (root / ".gitignore").read_text("utf-8", "replace").splitlines()
        except OSError:
            lines = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith(("#", "!")):
                continue
            dir_only = line.endswith("/")
            anchored = line.startswith("/") or "/" in line.rstrip("/")
            patterns.append((line.strip("/"), dir_only, anchored))
        return cls(patterns)

    def matches(self, rel: str, is_dir: bool) -> bool:
        name = rel.rsplit("/", 1)[-1]
        for pattern, dir_only, anchored in self.patterns:
            if dir_only and not is_dir:
                continue
            target = rel if anchored else name
            if fnmatch.fnmatchcase(target, pattern):
                return True
        return False


class Unreadable(Exception):
    """A file that exists in the listing but cannot be read safely; the message says why."""


class Absent(Unreadable):
    """No file to read there: missing, a broken link, or not a regular file."""


def read_folder_bytes(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes from a folder, refusing links that leave it, non-files and huge files."""
    return read_resolved_folder_bytes(root.resolve(), rel, limit)


def read_resolved_folder_bytes(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """read_folder_bytes for a root already resolved (a FolderSource's, resolved once, not per file)."""
    path = root / rel
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise Absent("cannot be read (missing or a broken link)") from exc
    if not resolved.is_relative_to(root):
        raise Unreadable("is a link that leaves the repository; not followed")
    if not resolved.is_file():
        raise Absent("is not a regular file")
    try:
        size = resolved.stat().st_size
        if size > limit:
            raise Unreadable(f"is too large to read ({size} bytes)")
        return resolved.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from exc


def decode_text(data: bytes) -> FileText:
    """Bytes as text: binary refused, invalid UTF-8 replaced, line endings unified."""
    if b"\0" in data[:8192]:
        return FileText(None, "is binary, not text")
    return FileText(data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=1024)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """A path glob where `**/` spans folders, `*` stays within one, matched case-insensitively."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE)
