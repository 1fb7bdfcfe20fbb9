"""The history behind the audited commit, read once and shared.

One `git log` reads commits and authors; the paths each commit changed come from a second,
oldest first and read only as far as asked (the template's scaffold is an early commit, and a
commit touching 50k paths costs git a large tree diff); the slower line counts (`--numstat`)
come from a third. All three start at once and run while the rules work.

Team evidence (who committed, lines touched, merges, branches) and template leftovers (which
files came with the scaffold commit) both come from here. Only the audited commit and its
ancestors count: an audit at the deadline never sees what was committed after it.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import time
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from auditor.digests import sha256
from auditor.facts.gitcmd import GIT_TIMEOUT, GitError, GitRun, first_complaint, git_command, git_env, scratch_file
from auditor.facts.gitinfo import Ref, read_refs
from auditor.facts.started_early import adopted
from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record
from auditor.user_cache import cache_folder, write_whole

LOG_FORMAT = "%x1e%H%x1f%P%x1f%aN%x1f%aE%x1f%at%x1f%ct%x1f%s"
PULL_REQUEST = LazyPattern(r"^Merge pull request #(\d+) from [^/\s]+/(\S+)|\(#(\d+)\)\s*$")
MERGED_BRANCH = LazyPattern(r"^Merge (?:remote-tracking )?branch '([^']+)'")
BRANCH_REF_PREFIX = LazyPattern(r"^refs/(heads/|remotes/[^/]+/)")
NUMSTAT_COUNTS = LazyPattern(rb"\x00([0-9]+)\t([0-9]+)\t")   # a counted file of a `--numstat -z` record


@record(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored: int
    committed: int
    subject: str

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def authored_iso(self) -> str:
        return iso(self.authored)


@record
class History:
    """Commits from the audited commit back to the first one, oldest first."""

    commits: list[Commit] = field(default_factory=list)
    shallow: bool = False
    branches: list[str] = field(default_factory=list)
    error: str | None = None
    _line_counts: LineCounts | None = field(default=None, repr=False)
    reachable: frozenset[str] = field(default=frozenset(), repr=False)   # every commit read, parsed or not
    _changed: ChangedPaths | None = field(default=None, repr=False)

    @property
    def available(self) -> bool:
        return self.error is None and bool(self.commits)

    @property
    def merges(self) -> list[Commit]:
        return [c for c in self.commits if c.is_merge]

    @property
    def pull_requests(self) -> list[int]:
        numbers = set()
        for commit in self.commits:
            match = PULL_REQUEST.search(commit.subject)
            if match:
                numbers.add(int(match.group(1) or match.group(3)))
        return sorted(numbers)

    def line_counts(self) -> LineTotals:
        """Lines added and deleted per commit, counted by git in the background."""
        return self._line_counts.result() if self._line_counts else LineTotals()

    def line_count_gap(self) -> LineCountGap | None:
        """How far the line counts fall short of the history; None when git counted every commit."""
        lines = self.line_counts()
        if lines.complete:
            return None
        counted = sum(commit.sha in lines.per_commit for commit in self.commits)
        return LineCountGap(counted, len(self.commits), lines.problem)

    def changed_paths(self) -> Iterator[tuple[Commit, tuple[str, ...]]]:
        """Each commit, oldest first, with what it added, changed or deleted (nothing for merges);
        git diffs a commit only when the caller gets that far."""
        listed = iter(self._changed or ())
        for commit in self.commits:
            paths = next((paths for sha, paths in listed if sha == commit.sha), None)
            if paths is None:
                return
            yield commit, paths

    def first_parent_chain(self) -> list[Commit]:
        """The audited commit's first-parent line, oldest first (the default branch over time)."""
        by_sha = {c.sha: c for c in self.commits}
        chain = []
        commit = self.commits[-1] if self.commits else None
        while commit is not None:
            chain.append(commit)
            commit = by_sha.get(commit.parents[0]) if commit.parents else None
        return chain[::-1]


@record(frozen=True)
class LineTotals:
    """Lines added and deleted per commit, as far as git could count them."""

    per_commit: dict[str, tuple[int, int]] = field(default_factory=dict)
    problem: str | None = None   # why some commits went uncounted (git stopped, timed out, could not start)

    @property
    def complete(self) -> bool:
        return self.problem is None

    def of(self, shas: list[str]) -> tuple[int, int] | None:
        """(added, deleted) over these commits; None when one of them went uncounted."""
        if not self.complete and any(sha not in self.per_commit for sha in shas):
            return None
        counted = [self.per_commit.get(sha, (0, 0)) for sha in shas]
        return sum(c[0] for c in counted), sum(c[1] for c in counted)


@record(frozen=True)
class LineCountGap:
    counted_commits: int
    commits: int
    reason: str

    @property
    def status(self) -> str:
        return "partial" if self.counted_commits else "unavailable"


class LineCounts:
    """`git log --numstat` started at once and read when first needed: diffing every commit
    is the slow part of reading history, so it runs while the rules do their work.

    In a large object store (SHARED_STORE_BYTES) the commits are counted in `shares` processes
    at once, each a run of `--skip`/`--max-count` over the same walk, so that a core done with
    the rules counts too. The shares are read in walk order as one process's output: up to and
    with the first share git could not count whole (one process stops there, with that complaint),
    else all of them when they add up to the history; shares that do not are counted again by one
    process, so the totals never depend on how they were counted.

    git stops at the first object it cannot read (a partial clone's unfetched blobs, a damaged
    object store), and the totals say why they are incomplete rather than pass for the whole
    history. git reads every blob of a commit before it writes the commit's numstat lines, so a
    commit written with lines is whole; one written without any, last, may be the one it stopped on."""

    def __init__(self, where: Path, commit: str, shares: int = 1, commits: int = 0):
        self._where, self._commit, self._commits = where, commit, commits
        self._totals: LineTotals | None = None
        self._cancelled = False
        if shares > 1:
            size = -(-commits // shares)
            self._runs = [NumstatRun(where, commit, skip, size) for skip in range(0, commits, size)]
        else:
            self._runs = [NumstatRun(where, commit)]

    def cancel(self) -> None:
        self._cancelled = True
        for run in self._runs:
            run.cancel()

    def result(self) -> LineTotals:
        if self._totals is None:
            self._totals = self._collect()
        return self._totals

    def _collect(self) -> LineTotals:
        parts = [run.collect() for run in self._runs]
        if len(parts) == 1 or self._cancelled:
            return parts[0][0]
        counted: dict[str, tuple[int, int]] = {}
        written = 0
        for totals, records in parts:
            counted.update(totals.per_commit)
            written += records
            if not totals.complete:   # one process would have stopped here too: the shares after it are not its
                return LineTotals(counted, totals.problem)
        if written == len(counted) == self._commits:
            return LineTotals(counted)
        return NumstatRun(self._where, self._commit).collect()[0]


SHARED_STORE_BYTES = 32 << 20   # packs this large: git's diffs take longer than the rules
NUMSTAT_SHARES = 4              # more shares than cores: a share holding a huge commit is not alone
MIN_SHARE = 8                   # commits


def numstat_shares(where: Path, commits: int) -> int:
    """How many processes count the history's lines: NUMSTAT_SHARES in a large object store, else one."""
    return NUMSTAT_SHARES if commits >= NUMSTAT_SHARES * MIN_SHARE and is_large_store(where) else 1


def is_large_store(where: Path) -> bool:
    return packed_bytes(where) >= SHARED_STORE_BYTES


def packed_bytes(where: Path) -> int:
    """The size of the repository's pack files (a work tree's `.git`, or a bare repository)."""
    git_dir = where / ".git"
    folder = (git_dir if git_dir.is_dir() else where) / "objects" / "pack"
    try:
        with os.scandir(folder) as entries:
            return sum(e.stat(follow_symlinks=False).st_size for e in entries
                       if e.name.endswith(".pack") and e.is_file(follow_symlinks=False))
    except OSError:
        return 0


class NumstatRun:
    """One `git log --numstat` process: over the whole history, or over `count` commits of its walk
    after the first `skip`."""

    COMPLAINT_BYTES = 4096   # of git's stderr: its first complaint, however much it wrote

    def __init__(self, where: Path, commit: str, skip: int = 0, count: int | None = None):
        self._output = scratch_file("auditor-numstat")
        self._errors = scratch_file("auditor-numstat-errors")
        self._start_problem: str | None = None
        share = ([f"--skip={skip}"] if skip else []) + ([f"--max-count={count}"] if count is not None else [])
        try:
            self._process = subprocess.Popen(
                git_command(where, "-c", f"core.attributesFile={binary_attributes_file()}", "log", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--numstat",
                            "--format=%x1e%H", *share, commit, "--"),
                stdout=self._output, stderr=self._errors, stdin=subprocess.DEVNULL, env=git_env())
        except OSError as exc:
            self._process, self._start_problem = None, f"git cannot be run ({exc.strerror or exc})"

    def cancel(self) -> None:
        _kill(self._process)
        self._process = None
        self._close()

    def collect(self) -> tuple[LineTotals, int]:
        """The counts, and how many commits git wrote."""
        if self._process is None:
            self._close()
            return LineTotals({}, self._start_problem or "git log --numstat was cancelled"), 0
        try:
            self._process.wait(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(self._process)
            self._close()
            return LineTotals({}, f"git log --numstat took longer than {GIT_TIMEOUT} s"), 0
        problem = self._failure(self._process.returncode)
        self._output.seek(0)
        chunks = self._output.read().split(b"\x1e")[1:]
        self._close()
        self._process = None
        counted = dict(map(_commit_lines, chunks))
        if problem is not None and chunks and not _has_files(chunks[-1]):
            counted.pop(_commit_lines(chunks[-1])[0], None)   # the commit git stopped on
        return LineTotals(counted, problem), len(chunks)

    def _failure(self, code: int) -> str | None:
        if code == 0:
            return None
        self._errors.seek(0)
        complaint = first_complaint(self._errors.read(self.COMPLAINT_BYTES))
        return f"git log --numstat stopped: {complaint}" if complaint else f"git log --numstat failed (exit {code})"

    def _close(self) -> None:
        self._output.close()
        self._errors.close()


def _has_files(chunk: bytes) -> bool:
    return b"\t" in chunk


def _commit_lines(chunk: bytes) -> tuple[str, tuple[int, int]]:
    """(sha, (added, deleted)) from one commit's `--numstat -z` record; binary files (`-`) count 0.

    Each file is `added TAB deleted TAB path NUL`: the counted ones are found by one search for a
    NUL followed by two numbers (a path holds no NUL), not by splitting every file's line, which on
    a repository of 50k images is a Python loop over every image of every commit."""
    sha, _, stats = chunk.partition(b"\0")
    added = deleted = 0
    for counted, removed in NUMSTAT_COUNTS.findall(b"\0" + stats.lstrip(b"\n")):
        added += int(counted)
        deleted += int(removed)
    return sha.decode().strip(), (added, deleted)


BINARY_SUFFIXES = (
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ico",
    "pt", "pth", "ckpt", "onnx", "pkl", "pickle", "joblib", "h5", "hdf5", "safetensors", "bin", "npy", "npz",
    "zip", "gz", "tgz", "tar", "7z", "whl", "pdf", "parquet", "feather", "mp3", "mp4", "wav", "avi", "mov",
)


BINARY_ATTRIBUTES = "".join(f"*.{suffix} -diff\n*.{suffix.upper()} -diff\n" for suffix in BINARY_SUFFIXES)


@lru_cache(maxsize=1)
def binary_attributes_file() -> str:
    """A gitattributes file, outside the audited repository, marking common binary suffixes
    `-diff`: git then counts them as binary (`-` lines, as it would anyway) without inflating
    every version of every image in history to find out. The repository's own attributes win.
    Kept in the auditor's cache folder (made once, named after its content); a temporary
    file removed at exit where that folder cannot be written."""
    return _kept_attributes_file() or _temporary_attributes_file()


def _kept_attributes_file() -> str | None:
    folder = cache_folder()
    if folder is None:
        return None
    digest = sha256(BINARY_ATTRIBUTES.encode("ascii")).hexdigest()[:16]
    path = folder / f"binary-{digest}.gitattributes"
    if _holds(path, BINARY_ATTRIBUTES) or write_whole(path, lambda out: out.write(BINARY_ATTRIBUTES)):
        return str(path)
    return None


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("ascii")
    except OSError:
        return False


def _temporary_attributes_file() -> str:
    import tempfile

    handle, path = tempfile.mkstemp(prefix="auditor-binary-", suffix=".gitattributes")
    with os.fdopen(handle, "w") as out:
        out.write(BINARY_ATTRIBUTES)
    atexit.register(_remove, path)
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def read_history(where: Path, commit: str, shallow: bool = False, refs: list[Ref] | None = None) -> History:
    """Every ancestor of `commit` with its author, dates, subject and changed paths (`refs`: the
    branches, read here when not given)."""
    return HistoryRead.start(where, commit, shallow).result(refs)


class HistoryRead:
    """The history's `git log` processes, started at once and read on first use, so that
    they run while the report is read and the rules work."""

    def __init__(self, where: Path, commit: str, shallow: bool = False, commits: int = 0, shares: int = 1):
        self.where, self.shallow = where, shallow
        self._lines = LineCounts(where, commit, shares, commits)
        self._log = GitRun(where, "log", "-z", "--topo-order", f"--format={LOG_FORMAT}", commit, "--")
        self._changed = ChangedPaths(where, commit)

    @classmethod
    def start(cls, where: Path, commit: str, shallow: bool = False, commits: int = 0) -> HistoryRead:
        """The history's reads (`commits`: how many the audited commit has, for the line counts'
        shares), or the same ones started early (shallow or not, git runs the same logs)."""
        shares = numstat_shares(where, commits)
        started = adopted(("history", str(where), commit, shares), lambda: cls(where, commit, shallow, commits, shares))
        started.shallow = shallow
        return started

    def result(self, refs: list[Ref] | None = None) -> History:
        try:
            raw = self._log.output()
        except GitError as exc:
            return History(shallow=self.shallow, error=f"git log failed: {exc}")
        chunks = raw.split(b"\x1e")[1:]
        commits = [c for c in map(_parse_commit, chunks) if c is not None]
        reachable = frozenset(chunk.partition(b"\x1f")[0].decode("ascii", "replace") for chunk in chunks)
        refs = read_refs(self.where) if refs is None else refs
        return History(commits[::-1], self.shallow, _merged_branches(refs or [], reachable, commits), None,
                       self._lines, reachable, self._changed)

    def cancel(self) -> None:
        self._log.cancel()
        self._lines.cancel()
        self._changed.cancel()


class ChangedPaths:
    """`git log --reverse --name-only`: (commit, changed paths), oldest first, read as far as asked.
    git diffs each commit as it writes it, so once the reader stops the rest of the history is never
    diffed: git waits on the full pipe until cancelled. The first reader's records are kept for the next."""

    CHUNK = 1 << 16

    def __init__(self, where: Path, commit: str):
        self._records: list[tuple[str, tuple[str, ...]]] = []
        self._pending: list[bytes] = []   # the pieces of a record not yet complete (one may be megabytes)
        self._deadline: float | None = None   # GIT_TIMEOUT from the first read on
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                git_command(where, "log", "-z", "--reverse", "--topo-order", "--no-renames", "--name-only",
                            "--format=%x1e%H", commit, "--"),
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=git_env(),
                bufsize=0)
        except OSError:
            self._process = None
        weakref.finalize(self, _kill, self._process)

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        index = 0
        while index < len(self._records) or self._read_more():
            yield self._records[index]
            index += 1

    def _read_more(self) -> bool:
        """Whether another record was read; False at the end of the output, or when git failed or
        took too long (then the records so far are all there is)."""
        count = len(self._records)
        while len(self._records) == count and self._process is not None:
            data = self._next_bytes()
            if not data:
                complete = self._finish()
                last, self._pending = b"".join(self._pending), []
                if last and complete:
                    self._records.append(_changed(last))
                break
            if b"\x1e" not in data:
                self._pending.append(data)
                continue
            *records, rest = b"".join([*self._pending, data]).split(b"\x1e")
            self._pending = [rest]
            self._records.extend(_changed(record) for record in records if record)
        return len(self._records) > count

    def _next_bytes(self) -> bytes:
        """The next piece of git's output; nothing at its end or once GIT_TIMEOUT has passed since the first read."""
        stdout = self._process.stdout   # unbuffered: what select sees waiting is all there is
        self._deadline = self._deadline or time.monotonic() + GIT_TIMEOUT
        try:
            if not _readable(stdout, self._deadline - time.monotonic()):
                return b""
            return stdout.read(self.CHUNK) or b""
        except (OSError, ValueError):
            return b""

    def _finish(self) -> bool:
        """Ends git's part; whether it wrote its whole output."""
        process, self._process = self._process, None
        if process.poll() is None:
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                _kill(process)
        process.stdout.close()
        return process.returncode == 0

    def cancel(self) -> None:
        process, self._process = self._process, None
        _kill(process)


def _readable(stream, seconds: float) -> bool:
    """Whether the stream has something to read within `seconds` (always, where select takes no pipes)."""
    try:
        return bool(select.select([stream], [], [], max(0.0, seconds))[0])
    except OSError:
        return True


def _kill(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    if process is not None and process.stdout is not None:
        process.stdout.close()


def _parse_commit(chunk: bytes) -> Commit | None:
    header = chunk.partition(b"\0")[0]
    fields = header.decode("utf-8", "replace").split("\x1f", 6)
    if len(fields) != 7 or not fields[4].isdigit() or not fields[5].isdigit():
        return None
    sha, parents, name, email, authored, committed, subject = fields
    return Commit(sha, tuple(parents.split()), name.strip(), email.strip().lower(), int(authored),
                  int(committed), subject.strip())


def _changed(record: bytes) -> tuple[str, tuple[str, ...]]:
    sha, _, names = record.partition(b"\0")
    paths = tuple(p for p in names.lstrip(b"\n").decode("utf-8", "replace").split("\0") if p)
    return sha.decode("ascii", "replace").strip(), paths


def _merged_branches(refs: list[Ref], reachable: frozenset[str], commits: list[Commit]) -> list[str]:
    """Branch names whose tips are in the audited history, and those named by merge commits."""
    names = set()
    for ref in refs:
        name = BRANCH_REF_PREFIX.sub("", ref.name)
        if ref.tip in reachable and name != "HEAD":
            names.add(name)
    for c in commits:
        match = PULL_REQUEST.search(c.subject) or MERGED_BRANCH.search(c.subject)
        branch = match.group(1) if match and match.re is MERGED_BRANCH.compiled else (match.group(2) if match else None)
        if branch:
            names.add(branch.removeprefix("origin/"))
    return sorted(names)
