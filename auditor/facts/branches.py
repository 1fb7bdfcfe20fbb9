"""Work on other branches: the files a branch (local or remote-tracking) added or changed since it
left the audited commit's history. Code that exists only there was never merged, so at most it
points to the work (weak). Read from git objects only; with a deadline, a branch counts as it was
then, and a branch created after it not at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

from auditor.facts.files import NOT_PREFETCHED, is_generated
from auditor.facts.gitcmd import CatFile, GitError, GitRun
from auditor.facts.gitinfo import GitInfo
from auditor.facts.gitsource import GitTreeSource, TreeEntry
from auditor.facts.started_early import adopted
from auditor.record import field, record

MAX_BRANCHES = 60
MAX_CHANGED_FILES = 400
MAX_LAYERS = 4            # versions of one path read from different branches
MODE_FILE = "100644"
PREFETCH_FILE_BYTES = 100_000     # files up to this size are read in one batch, up to PREFETCH_TOTAL_BYTES
PREFETCH_TOTAL_BYTES = 4_000_000


@record(frozen=True)
class Branch:
    name: str            # as git shows it: `profiling`, `origin/profiling`
    tip: str             # the commit read (the last one before the deadline, when one is given)
    committed_at: str    # ISO 8601
    changed: tuple[str, ...]
    entries: dict = field(default_factory=dict, compare=False, repr=False)   # path -> TreeEntry


class BranchLog:
    """The one `git log` over every branch not reachable from the audited commit (`--source` names
    the branch each commit was reached from), started with the audit's other git reads so that it
    runs alongside the rules at the audited commit; read at most once, or cancelled unread."""

    def __init__(self, where: Path, commit: str, cutoff: str | None = None):
        before = [f"--before={cutoff}"] if cutoff else []
        self._run: GitRun | None = GitRun(
            where, "log", "--source", "--raw", "--no-abbrev", "--no-renames", "--diff-filter=AM",
            "--format=%x00%H%x00%S%x00%cI", *before, "--branches", "--remotes", "--not", commit, timeout=60)

    @classmethod
    def start(cls, git: GitInfo) -> BranchLog | None:
        if not (git.is_repo and git.commit and git.where is not None):
            return None
        return cls.start_at(git.where, git.commit, git.deadline or (git.committed_at if git.at else None))

    @classmethod
    def start_at(cls, where: Path, commit: str, cutoff: str | None = None) -> BranchLog:
        """The log of the branches beside `commit` (`cutoff`: an older commit audited, not its future)."""
        return adopted(("branches", str(where), commit, cutoff), lambda: cls(where, commit, cutoff))

    def text(self) -> str:
        run, self._run = self._run, None
        if run is None:
            raise GitError("git log of the other branches was already read or cancelled")
        return run.text()

    def cancel(self) -> None:
        run, self._run = self._run, None
        if run is not None:
            run.cancel()


def other_branches(git: GitInfo, cat_file: CatFile, log: BranchLog | None = None) -> list[Branch]:
    """Branches with commits the audited commit's history lacks, with the files those commits added
    or changed (newest version on the branch). Empty when git cannot tell: this is extra evidence."""
    if not git.is_repo or not git.commit or git.where is None:
        return []
    try:
        return _read_branches((log or BranchLog.start(git)).text(), cat_file)
    except (GitError, OSError, subprocess.SubprocessError):
        return []


def _read_branches(out: str, cat_file: CatFile) -> list[Branch]:
    """The log's commits grouped by branch, with the blob sizes from the repository's cat-file process."""
    tips: dict[str, tuple[str, str]] = {}
    blobs: dict[str, dict[str, str]] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("\0"):
            _, commit, source, date = (line.split("\0") + ["", "", "", ""])[:4]
            current = source.removeprefix("refs/heads/").removeprefix("refs/remotes/")
            tips.setdefault(current, (commit, date))
            blobs.setdefault(current, {})
        elif line.startswith(":") and current is not None and "\t" in line:
            meta, _, path = line.partition("\t")
            fields = meta.split()
            if len(fields) >= 4 and fields[0] != ":160000" and fields[1] != "160000":
                blobs[current].setdefault(path, fields[3])
    names = list(tips)[:MAX_BRANCHES]
    sizes = cat_file.sizes(sorted({sha for name in names for sha in list(blobs[name].values())[:MAX_CHANGED_FILES]}))
    branches = []
    for name in names:
        files = {p: TreeEntry(MODE_FILE, sha, sizes[sha])
                 for p, sha in list(blobs[name].items())[:MAX_CHANGED_FILES] if sha in sizes}
        if files:
            branches.append(Branch(name, tips[name][0], tips[name][1], tuple(files), files))
    return branches


def branch_layers(branches: list[Branch]) -> list[dict[str, Branch]]:
    """path -> branch, once per version of the file the branches hold: the first layer reads every
    path at its newest branch, the next ones the older versions of a path several branches changed
    (the profiling branch's train.py, also changed by a later branch without the profiler). A version
    an earlier layer already reads is not read again; at most MAX_LAYERS readings of a path."""
    layers: list[dict[str, Branch]] = []
    seen: dict[str, set[str]] = {}
    for branch in branches:
        for path in branch.changed:
            versions = seen.setdefault(path, set())
            sha = branch.entries[path].sha if path in branch.entries else None
            if sha in versions or len(versions) >= MAX_LAYERS:
                continue
            versions.add(sha)
            if len(layers) < len(versions):
                layers.append({})
            layers[len(versions) - 1][path] = branch
    return layers


class BranchView(GitTreeSource):
    """Only the files other branches changed, at their version there: the rest of the tree is the
    audited commit's, already judged. Contents come through the repository's `cat-file` process:
    the small files all at once on the first read (the re-run rules read most of them), the rest when asked."""

    def __init__(self, git: GitInfo, entries: dict[str, TreeEntry], root, cat_file: CatFile):
        super().__init__(git.where, git.commit, root, cat_file)
        self._entries = dict(entries)
        self._prefetched: dict[str, bytes] | None = None

    def _cat(self, sha: str) -> bytes:
        if self._prefetched is None:
            self._prefetched = self._read_small_files()
        data = self._prefetched.get(sha)
        return data if data is not None else super()._cat(sha)

    def _read_small_files(self) -> dict[str, bytes]:
        wanted, total = [], 0
        for path, entry in self._entries.items():
            if is_generated(path) or NOT_PREFETCHED.search(path) or entry.size > PREFETCH_FILE_BYTES:
                continue
            if total + entry.size <= PREFETCH_TOTAL_BYTES:
                wanted.append(entry.sha)
                total += entry.size
        try:
            return self.cat_file.read_many(list(dict.fromkeys(wanted)))
        except GitError:
            return {}   # each file is then read on its own, and says why it cannot be
