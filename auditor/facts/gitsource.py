"""The files of one commit, read straight from git objects.

`git ls-tree` lists the tree once; the long-lived `git cat-file` processes shared
with the repository's other blob reads serve the contents. Nothing is checked out, and the
repository (bare or a work tree) is never written.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from auditor.facts.files import MAX_FILE_BYTES, Absent, Unreadable
from auditor.facts.gitcmd import CatFile, GitError, GitUnavailable, git_bytes
from auditor.record import record

SYMLINK = "120000"
SUBMODULE = "160000"
MAX_LINK_HOPS = 8


@record(frozen=True)
class TreeEntry:
    mode: str
    sha: str
    size: int


class GitTreeSource:
    """The tree of `commit` in the repository at `git_dir` (a bare repository or a work tree)."""

    def __init__(self, git_dir: Path, commit: str, root: Path | None = None, cat_file: CatFile | None = None):
        self.git_dir = Path(git_dir)
        self.commit = commit
        self.root = (root or self.git_dir).resolve()
        self.cat_file = cat_file or CatFile(self.git_dir)   # shared with the repository's other git reads
        self._entries: dict[str, TreeEntry] | None = None
        self._folders: frozenset[str] | None = None

    # --- listing ---------------------------------------------------------------------------
    @property
    def entries(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            self._entries = self._list_tree()
        return self._entries

    def _list_tree(self) -> dict[str, TreeEntry]:
        """Raises GitError when git cannot list the tree (an empty audit would accuse everyone)."""
        out = git_bytes(self.git_dir, "ls-tree", "-r", "-z", "--long", "--full-tree", self.commit)
        entries = {}
        for record in out.split(b"\0"):
            meta, tab, raw_path = record.partition(b"\t")
            parts = meta.split()
            if not tab or len(parts) != 4 or parts[1] != b"blob":
                continue  # submodules (commit entries) hold nothing to read
            size = int(parts[3]) if parts[3].isdigit() else 0
            entries[raw_path.decode("utf-8", "replace")] = TreeEntry(parts[0].decode(), parts[2].decode(), size)
        return entries

    def list_files(self) -> list[str]:
        return sorted(self.entries)

    def blob_id(self, rel: str) -> str | None:
        """The blob the path names in this tree (links not followed)."""
        entry = self.entries.get(rel)
        return entry.sha if entry else None

    # --- reading ---------------------------------------------------------------------------
    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        resolved = self._resolve(rel)
        entry = self.entries.get(resolved)
        if entry is None:
            if self._is_folder(resolved):
                raise Absent("is not a regular file")
            raise Absent("cannot be read (missing or a broken link)")
        if entry.size > limit:
            raise Unreadable(f"is too large to read ({entry.size} bytes)")
        return self._cat(entry.sha)

    def _resolve(self, rel: str, hops: int = 0) -> str:
        """`rel` with every symbolic link on its way followed, as long as it stays in the tree."""
        parts = rel.split("/")
        for cut in range(1, len(parts) + 1):
            prefix = "/".join(parts[:cut])
            entry = self.entries.get(prefix)
            if entry is None or entry.mode != SYMLINK:
                continue
            if hops >= MAX_LINK_HOPS:
                raise Unreadable("is a link loop; not followed")
            target = self._cat(entry.sha).decode("utf-8", "replace")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(prefix), target, *parts[cut:]))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                raise Unreadable("is a link that leaves the repository; not followed")
            return self._resolve(joined, hops + 1)
        return rel

    def _is_folder(self, rel: str) -> bool:
        if self._folders is None:
            self._folders = frozenset(posixpath.dirname(p) for p in self.entries)
        return rel in self._folders or any(p.startswith(rel.rstrip("/") + "/") for p in self.entries)

    def _cat(self, sha: str) -> bytes:
        try:
            data = self.cat_file.read(sha)
        except GitUnavailable as exc:
            raise Unreadable(f"cannot be read (git cannot be run: {exc})") from exc
        except GitError as exc:
            raise Unreadable(f"cannot be read from git ({exc})") from exc
        if data is None:
            raise Unreadable("cannot be read (its content is absent from the git object store)")
        return data

    def close(self) -> None:
        """Ends the cat-file process (a later read starts a new one)."""
        self.cat_file.close()
