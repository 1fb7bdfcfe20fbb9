"""What the user names, made auditable: a folder, a URL or a bare repository, at a commit.

URLs (https, ssh, git, file) and bare repositories are cloned bare with full history into a
temporary folder: nothing is checked out, no hook runs, no LFS content or submodule is
fetched, git never prompts. `--at REV` picks a commit, `--deadline` the last commit of the
default branch committed at or before the deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path

from auditor.facts.gitcmd import GitError, git_text
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

CLONE_TIMEOUT = 600
URL = LazyPattern(r"^(https?|ssh|git|file)://", re.IGNORECASE)
SCP_LIKE = LazyPattern(r"^[\w.-]+@[\w.-]+:(?!/)")  # git@github.com:owner/name.git


class TargetError(Exception):
    """The target cannot be audited as asked; the message says why."""


@record(frozen=True)
class Revision:
    commit: str
    at: str | None = None
    deadline: str | None = None
    commits_after_deadline: int | None = None


def local_path(target: str) -> Path:
    """The folder a target names, `~` expanded; a `~user` of no known user stays as written
    (as a shell leaves it), and is then a folder that does not exist."""
    try:
        return Path(target).expanduser()
    except RuntimeError:
        return Path(target)


def is_remote(target: str) -> bool:
    return bool(URL.match(target) or SCP_LIKE.match(target))


def is_bare_repository(path: Path) -> bool:
    return (path.is_dir() and (path / "HEAD").is_file() and (path / "objects").is_dir()
            and (path / "refs").is_dir() and not (path / ".git").exists())


@contextmanager
def cloned(target: str, keep: Path | None = None, timeout: float = CLONE_TIMEOUT) -> Iterator[Path]:
    """A bare clone of `target` with full history, removed afterwards unless kept in `keep`."""
    if keep is not None:
        keep = keep.expanduser()
        if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
            raise TargetError(f"--keep {keep}: the folder exists and is not empty")
        _clone(target, keep, timeout)
        yield keep.resolve()
        return
    import shutil  # only a clone needs these (~3 ms at start-up otherwise)
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="auditor-clone-"))
    try:
        destination = scratch / _repository_name(target)
        _clone(target, destination, timeout)
        yield destination
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _clone(target: str, destination: Path, timeout: float) -> None:
    try:
        git_text(None, "clone", "--bare", "--quiet", "--no-tags", "--template=", "--", target, str(destination),
                 timeout=timeout)
    except GitError as exc:
        raise TargetError(f"cannot clone {target}: {exc}") from exc


def _repository_name(target: str) -> str:
    """`owner/name.git` -> `name` (the clone's folder name, shown in reports)."""
    tail = re.split(r"[/:\\]", target.rstrip("/\\"))[-1]
    name = re.sub(r"\.git$", "", tail)
    return re.sub(r"[^\w.-]", "_", name) or "repository"


def default_branch(where: Path) -> str:
    """The remote's default branch when the clone knows it (origin/HEAD), else HEAD."""
    try:
        return git_text(where, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").strip()
    except GitError:
        return "HEAD"


def resolve(where: Path, at: str | None = None, deadline: str | None = None, tz: str | None = None) -> Revision:
    """The commit to audit: `at`, the last one before `deadline`, or the default branch's tip."""
    if at and deadline:
        raise TargetError("--at and --deadline exclude each other: give one")
    if tz and not deadline:
        raise TargetError("--tz applies to --deadline only")
    branch = default_branch(where)
    if at:
        return Revision(_commit_of(where, at), at=at)
    if not deadline:
        return Revision(_commit_of(where, branch, asked=False))
    moment = parse_deadline(deadline, tz)
    try:
        commit = git_text(where, "rev-list", "--first-parent", "--max-count=1",
                          f"--before={int(moment.timestamp())}", branch, "--").strip()
    except GitError as exc:
        raise TargetError(f"cannot read the history of {branch}: {exc}") from exc
    if not commit:
        raise TargetError(f"no commit of {_short(branch)} was committed at or before {moment.isoformat()}")
    after = int(git_text(where, "rev-list", "--count", f"{commit}..{branch}", "--").strip() or 0)
    return Revision(commit, deadline=moment.isoformat(), commits_after_deadline=after)


def _commit_of(where: Path, rev: str, asked: bool = True) -> str:
    if rev.startswith("-"):
        raise TargetError(f"--at {rev}: not a revision")
    try:
        return git_text(where, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except GitError as exc:
        raise TargetError(f"--at {rev}: no such commit in the repository" if asked
                          else "the repository has no commits") from exc


def _short(ref: str) -> str:
    return re.sub(r"^refs/(heads/|remotes/)", "", ref)


def parse_deadline(text: str, tz: str | None = None) -> datetime:
    """`2026-01-23 23:59` (or ISO 8601, or a date meaning its last minute) in `tz`, else in the
    offset it carries, else in this machine's time zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise TargetError(f"--deadline {text!r}: expected a date and time like \"2026-01-23 23:59\"") from exc
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        moment = datetime.combine(moment.date(), time(23, 59, 59))
    if moment.tzinfo is not None:
        return moment
    if tz:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only a deadline with --tz needs the zone database

        try:
            return moment.replace(tzinfo=ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise TargetError(f"--tz {tz!r}: unknown time zone (e.g. Europe/Copenhagen)") from exc
    return moment.astimezone()
