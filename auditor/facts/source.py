"""Where the repository's files come from: a folder on disk, or (later) a commit's tree.

Every fact reads files through a Source, so the same rules audit a working folder or the
tree of a commit at the deadline without checking anything out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from auditor.facts.files import MAX_FILE_BYTES, Absent, list_files, read_resolved_folder_bytes, start_listing
from auditor.facts.gitcmd import GitError, GitRun
from auditor.facts.gitsource import GitTreeSource

EMPTY_INDEX_NOTE = (
    "the git index lists no file while HEAD's tree holds {count} (a clone whose checkout failed, or an index "
    "that was emptied): audited the files of HEAD's tree (read from the work tree, else from git; nothing "
    "written), as if the index held them; to repair the clone run `git read-tree HEAD` (or `git reset`) in it")


class Source(Protocol):
    root: Path

    def list_files(self) -> list[str]:
        """Relative POSIX paths of the files that belong to the repository."""

    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """A file's content; raises files.Unreadable with a reason when it cannot be read safely."""


class FolderSource:
    """The files of a folder: git's tracked files when it is a work tree, else a filtered walk.

    With `head` (the work tree's HEAD commit) the commit stands in where the folder cannot: an
    empty index is listed from HEAD's tree, and a listed file absent from the disk (outside a
    sparse checkout's cone, deleted but not committed, never checked out) is read from HEAD's blob."""

    def __init__(self, root: Path, is_git: bool, head: str | None = None):
        self.root = root.resolve()
        self.is_git = is_git
        self.head = head if is_git else None
        self.notes: list[tuple[str, str]] = []   # (path, what was worked around there)
        self._listed: list[str] | None = None
        self._tracked: frozenset[str] | None = None
        self._listing: GitRun | None = None
        self._head_tree: GitTreeSource | None = None
        self._from_head = False

    def start_listing(self) -> None:
        """Starts `git ls-files` now, to be read when the files are first asked for."""
        if self.is_git and self._listed is None and self._listing is None:
            self._listing = start_listing(self.root)

    def list_files(self) -> list[str]:
        """Listed once (`git ls-files` or the walk): the files and the generated folders share it."""
        if self._listed is None:
            self._listed = list_files(self.root, self.is_git, self._listing)
            self._listing = None
            if not self._listed and self.head:
                self._listed = self._list_head_instead()
        return list(self._listed)

    def _list_head_instead(self) -> list[str]:
        """An empty index beside a commit with files: HEAD's tree, never an audit of nothing."""
        tree = self._tree()
        try:
            listed = tree.list_files() if tree else []
        except GitError:
            return []
        if listed:
            self._from_head = True
            self.notes.append((".git/index", EMPTY_INDEX_NOTE.format(count=len(listed))))
        return listed

    def _tree(self) -> GitTreeSource | None:
        if self._head_tree is None and self.head:
            self._head_tree = GitTreeSource(self.root, self.head, root=self.root)
        return self._head_tree

    def cancel(self) -> None:
        """Stops a listing started but no longer wanted."""
        if self._listing is not None:
            self._listing.cancel()
            self._listing = None

    @property
    def reads_git_objects(self) -> bool:
        return self._head_tree is not None

    def close(self) -> None:
        """Ends the git reader of HEAD's blobs, when one was started (a later read starts a new one)."""
        if self._head_tree is not None:
            self._head_tree.close()

    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        try:
            return read_resolved_folder_bytes(self.root, rel, limit)  # self.root was resolved on creation
        except Absent:
            if not self._is_tracked(rel):
                raise
        return self._head_tree.read_bytes(rel, limit)

    def _is_tracked(self, rel: str) -> bool:
        """Whether git tracks the path in HEAD's tree too (so its blob can stand in for the disk)."""
        if not self.head:
            return False
        if self._tracked is None:
            self._tracked = frozenset(self.list_files())
        if rel not in self._tracked:
            return False
        if self._from_head:
            return True
        try:
            return self._tree().blob_id(rel) is not None
        except GitError:
            return False
