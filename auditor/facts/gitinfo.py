"""What git says about the repository: is it one, its commit, its remote. Read-only, no hooks."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.facts.gitcmd import GitError, GitRun
from auditor.facts.started_early import adopted, git_would_block
from auditor.lazy_pattern import LazyPattern
from auditor.record import record, replace


@record(frozen=True)
class GitInfo:
    is_repo: bool
    commit: str | None = None
    committed_at: str | None = None
    remote: str | None = None
    commit_count: int = 0
    shallow: bool = False
    error: str | None = None
    where: Path | None = None            # where git runs (`git -C where`): a work tree or a bare repository
    at: str | None = None                # the revision asked for with --at
    deadline: str | None = None          # the deadline asked for, ISO 8601 with its offset
    commits_after_deadline: int | None = None
    target: str | None = None            # what the user named, when it is not a folder kept on disk


REMOTE_URLS = ("config", "--get-regexp", r"^remote\..*\.url$")
CREDENTIALS = LazyPattern(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)   # user:password@


def read_git_info(root: Path) -> GitInfo:
    """The folder's HEAD, when the folder is a git work tree: three git calls run side by side. A
    work tree whose `.git` would keep git waiting is read as a plain folder, and `error` says why."""
    if not (root / ".git").exists():
        return GitInfo(is_repo=False)
    blocked = git_would_block(root)
    if blocked:
        return GitInfo(is_repo=False, error=blocked)
    return start_head_read(root).info()


HEAD_COMMIT = ("rev-parse", "--is-shallow-repository", "--verify", "--quiet", "HEAD^{commit}")


class HeadRead:
    """read_git_info's git calls, under way: HEAD's commit and whether the clone is shallow, the
    commit dates, the remotes."""

    def __init__(self, root: Path):
        self.root = root
        self._remote = GitRun(root, *REMOTE_URLS)
        self._dates = _commit_dates(root, "HEAD^{commit}")
        self._head = GitRun(root, *HEAD_COMMIT)
        self._answer: tuple[bool, str] | GitError | None = None

    def head(self) -> tuple[bool, str]:
        """(shallow, HEAD's commit); GitError when git cannot tell (exit 1: HEAD names no commit yet)."""
        if self._answer is None:
            try:
                shallow, _, head = self._head.text().strip().partition("\n")
                self._answer = (shallow.strip() == "true", head.strip())
            except GitError as exc:
                self._answer = exc
        if isinstance(self._answer, GitError):
            raise self._answer
        return self._answer

    def commit_count(self) -> int:
        """How many commits HEAD's history holds (0 when git cannot tell)."""
        try:
            return len(_listed_dates(self._dates))
        except GitError:
            return 0

    def info(self) -> GitInfo:
        try:
            shallow, head = self.head()
        except GitError as exc:
            self.cancel()
            if str(exc).endswith("(exit 1)"):  # --verify --quiet: HEAD names no commit yet
                return GitInfo(is_repo=True, where=self.root, error="the repository has no commits")
            return GitInfo(is_repo=True, where=self.root, error=f"git could not read the repository: {exc}")
        return _gather(self.root, head, self._dates, shallow, self._remote)

    def cancel(self) -> None:
        for run in (self._remote, self._dates, self._head):
            run.cancel()


def start_head_read(root: Path) -> HeadRead:
    return adopted(("head", str(root)), lambda: HeadRead(root))


def commit_info(where: Path, commit: str, **extra) -> GitInfo:
    """The facts of one commit of the repository at `where` (extra: at, deadline, ...)."""
    shallow = GitRun(where, "rev-parse", "--is-shallow-repository")
    info = _gather(where, commit, _commit_dates(where, commit), shallow, GitRun(where, *REMOTE_URLS))
    return info if info.error else replace(info, **extra)


def _commit_dates(where: Path, revision: str) -> GitRun:
    """The commit dates of `revision` and its ancestors, newest first, each after a `commit SHA` header
    line (`--no-commit-header` would need git 2.33): the first date is the commit's, their count the
    number of commits."""
    return GitRun(where, "rev-list", "--format=%cI", revision, "--")


def _listed_dates(dates: GitRun) -> list[str]:
    """The commit dates _commit_dates lists, newest first, without their `commit SHA` headers."""
    return [line for line in dates.text().splitlines() if not line.startswith("commit ")]


def _gather(where: Path, commit: str, dates: GitRun, shallow: GitRun | bool, remote: GitRun) -> GitInfo:
    try:
        listed = _listed_dates(dates)
        is_shallow = shallow if isinstance(shallow, bool) else shallow.text().strip() == "true"
    except GitError as exc:
        remote.cancel()
        return GitInfo(is_repo=True, where=where, error=f"git could not read the repository: {exc}")
    return GitInfo(is_repo=True, commit=commit, committed_at=listed[0].strip() if listed else "",
                   remote=_remote_url(remote), commit_count=len(listed), shallow=is_shallow, where=where)


def _remote_url(listing: GitRun) -> str | None:
    """origin's URL (else the first remote's), without any credentials in it."""
    try:
        listed = listing.text()
    except GitError:
        return None
    urls = {}
    for line in listed.splitlines():
        key, _, url = line.partition(" ")
        urls[key[len("remote."):-len(".url")]] = url.strip()
    url = urls.get("origin") or next(iter(urls.values()), None)
    return redact(url) if url else None


def redact(url: str) -> str:
    """A URL without the user:password@ part (tokens must not end up in reports)."""
    return CREDENTIALS.sub(r"\1", url)


@record(frozen=True)
class Ref:
    """A local or remote-tracking branch."""

    name: str    # `refs/heads/main`, `refs/remotes/origin/main`
    short: str   # `main`, `origin/main`
    tip: str     # the commit it points to


def start_refs(where: Path) -> GitRun:
    return adopted(("refs", str(where)), lambda: GitRun(
        where, "for-each-ref", "--format=%(objectname) %(refname) %(refname:short)", "refs/heads", "refs/remotes"))


def read_refs(where: Path, started: GitRun | None = None) -> list[Ref] | None:
    """Every local and remote-tracking branch with its tip, in one call (`started`: that call, already
    under way); None when git cannot list them."""
    try:
        out = (started or start_refs(where)).text()
    except GitError:
        return None
    fields = (line.split(" ", 2) for line in out.splitlines())
    return [Ref(name, short, tip) for tip, name, short in (f for f in fields if len(f) == 3)]


def branch_names(refs: list[Ref] | None) -> list[str]:
    """Local and remote-tracking branch names (`gh-pages`, `origin/gh-pages`)."""
    return sorted({ref.short for ref in refs or [] if ref.short})
