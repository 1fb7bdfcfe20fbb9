"""Where the repository's files come from: a folder on disk, or (later) a commit's tree.

Every fact reads files through a Source, so the same rules audit a working folder or the
tree of a commit at the deadline without checking anything out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from auditor.facts.files import MAX_FILE_BYTES, list_files, read_resolved_folder_bytes, start_listing
from auditor.facts.gitcmd import GitRun


class Source(Protocol):
    root: Path

    def list_files(self) -> list[str]:
        """Relative POSIX paths of the files that belong to the repository."""

    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """A file's content; raises files.Unreadable with a reason when it cannot be read safely."""


class FolderSource:
    """The files of a folder: git's tracked files when it is a work tree, else a filtered walk."""

    def __init__(self, root: Path, is_git: bool):
        self.root = root.resolve()
        self.is_git = is_git
        self._listed: list[str] | None = None
        self._listing: GitRun | None = None

    def start_listing(self) -> None:
        """Starts `git ls-files` now, to be read when the files are first asked for."""
        if self.is_git and self._listed is None and self._listing is None:
            self._listing = start_listing(self.root)

    def list_files(self) -> list[str]:
        """Listed once (`git ls-files` or the walk): the files and the generated folders share it."""
        if self._listed is None:
            self._listed = list_files(self.root, self.is_git, self._listing)
            self._listing = None
        return list(self._listed)

    def cancel(self) -> None:
        """Stops a listing started but no longer wanted."""
        if self._listing is not None:
            self._listing.cancel()
            self._listing = None

    def read_bytes(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
        return read_resolved_folder_bytes(self.root, rel, limit)  # self.root was resolved on creation
