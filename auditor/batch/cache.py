"""Skipping groups that were already audited: the cache in the output folder.

A group's cache key joins what the audit depends on:
- the auditor: its version plus a fingerprint of its code and rule definitions, so a new
  rule or a fixed probe re-audits everyone even before the version number moves;
- what was asked: target, `--at` commit, deadline, time zone;
- the repository's state:
  - a git work tree audited as it is: the HEAD commit plus a fingerprint of the tracked
    files (path, size, modification time), because the work tree is what gets read and it
    may hold uncommitted edits;
  - a git repository audited at a commit or a deadline, or a bare repository: the HEAD
    commit (HEAD unchanged means the same history, so the same commit at the deadline);
  - a plain folder (no git): the file fingerprint alone. It reads no file content, so it
    is cheap; a file edited in place changes its modification time and so the key;
  - a URL: the remote's HEAD commit (`git ls-remote`), or the `--at` commit when it is a
    full hash. When the remote cannot be asked the group is audited again.
No key, no caching: the group is audited. Groups that failed are never cached.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from auditor import __version__
from auditor.digests import sha256
from auditor.batch.roster import Group
from auditor.facts.files import list_files
from auditor.facts.started_early import git_would_block
from auditor.whole_file import SHARED, replace_whole
from auditor.lazy_pattern import LazyPattern

CACHE_FILE = "cache.json"
CACHE_FORMAT = 1
FULL_HASH = LazyPattern(r"^[0-9a-f]{40}$|^[0-9a-f]{64}$")
GIT_TIMEOUT = 60


def tool_fingerprint() -> str:
    """The auditor's version and a hash of its code and rules (what decides every verdict;
    the batch package itself only presents the reports, so it is left out)."""
    from auditor.catalog import rules_dir

    package = Path(__file__).resolve().parent.parent
    digest = sha256(__version__.encode())
    for folder in (package, rules_dir()):
        for path in sorted(folder.rglob("*")):
            parts = path.relative_to(folder).parts
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in parts and parts[0] != "batch":
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def group_key(group: Group, tool: str, tz: str | None) -> str | None:
    """The group's cache key, or None when its state cannot be pinned down (audit it)."""
    state = repository_state(group)
    if state is None:
        return None
    asked = [tool, group.target, group.at, group.deadline, tz if group.deadline else None, state]
    return sha256(json.dumps(asked).encode()).hexdigest()


def repository_state(group: Group) -> str | None:
    if group.is_remote:
        if group.at and FULL_HASH.match(group.at.lower()):
            return f"commit:{group.at.lower()}"
        head = remote_head(group.target)
        return f"remote:{head}" if head else None
    root = Path(group.target)
    if not root.is_dir():
        return None
    pinned = bool(group.at or group.deadline)
    if (root / ".git").exists():
        if git_would_block(root):   # not cached: the audit reads it as plain files, and says why
            return None
        head = local_head(root / ".git")
        if head is None:
            return None
        return f"commit:{head}" if pinned else f"commit:{head}+files:{files_fingerprint(root, True)}"
    if (root / "HEAD").is_file() and (root / "objects").is_dir():
        head = local_head(root)
        return f"commit:{head}" if head else None
    return f"files:{files_fingerprint(root, False)}"


def files_fingerprint(root: Path, is_git: bool) -> str:
    """A hash of path, size and modification time of every file the audit would list."""
    digest = sha256()
    for rel in list_files(root, is_git):
        try:
            stat = (root / rel).lstat()
        except OSError:
            continue
        digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


def local_head(git_dir: Path) -> str | None:
    return _git_line(["--git-dir", str(git_dir), "rev-parse", "--verify", "-q", "HEAD^{commit}"])


def remote_head(url: str) -> str | None:
    line = _git_line(["-c", "protocol.ext.allow=never", "ls-remote", "--", url, "HEAD"])
    return line.split()[0] if line else None


def _git_line(args: list[str]) -> str | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", SSH_ASKPASS="true",
               GIT_SSH_COMMAND="ssh -o BatchMode=yes")
    try:
        out = subprocess.run(["git", *args], capture_output=True, timeout=GIT_TIMEOUT, env=env,
                             stdin=subprocess.DEVNULL, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    line = out.decode("utf-8", "replace").strip().splitlines()
    return line[0].strip() if line and line[0].strip() else None


class Cache:
    """`cache.json` in the output folder: per group slug, the key of its stored report."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.path = folder / CACHE_FILE
        self.enabled = enabled
        self.entries: dict[str, dict] = self._load() if enabled else {}

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return {}
        groups = data.get("groups")
        return {k: v for k, v in groups.items() if isinstance(v, dict)} if isinstance(groups, dict) else {}

    def key(self, slug: str) -> str | None:
        entry = self.entries.get(slug)
        return entry.get("key") if entry else None

    def remember(self, slug: str, key: str | None, group: Group) -> None:
        if key is None:
            self.forget(slug)
        else:
            self.entries[slug] = {"key": key, "group": group.name, "target": group.target}

    def forget(self, slug: str) -> None:
        self.entries.pop(slug, None)

    def save(self) -> None:
        if not self.enabled:
            return
        write_text_whole(self.path, json.dumps({"format": CACHE_FORMAT, "groups": self.entries}, indent=1))


def write_text_whole(path: Path, text: str) -> None:
    """Write a whole file or nothing: a run stopped half-way never leaves a torn file.
    A file name that is not UTF-8 (kept as lone surrogates) is written as its `\\udcXX`
    escape, which JSON reads back as the same name."""
    replace_whole(path, lambda out: out.write(text), mode=SHARED, errors="backslashreplace")
