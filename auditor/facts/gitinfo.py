"""What git says about the repository: is it one, its commit, its remote. Read-only, no hooks."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.facts.gitcmd import GitError, git_text


@dataclass(frozen=True)
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


def read_git_info(root: Path) -> GitInfo:
    """The folder's HEAD, when the folder is a git work tree."""
    if not (root / ".git").exists():
        return GitInfo(is_repo=False)
    try:
        head = git_text(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip()
    except GitError as exc:
        if str(exc).endswith("(exit 1)"):  # --verify --quiet: HEAD names no commit yet
            return GitInfo(is_repo=True, where=root, error="the repository has no commits")
        return GitInfo(is_repo=True, where=root, error=f"git could not read the repository: {exc}")
    return commit_info(root, head)

def commit_info(where: Path, commit: str, **extra) -> GitInfo:
    """The facts of one commit of the repository at `where` (extra: at, deadline, ...)."""
    try:
        committed_at = git_text(where, "show", "-s", "--format=%cI", commit).strip()
        count = int(git_text(where, "rev-list", "--count", commit).strip() or 0)
        shallow = git_text(where, "rev-parse", "--is-shallow-repository").strip() == "true"
    except (GitError, ValueError) as exc:
        return GitInfo(is_repo=True, where=where, error=f"git could not read the repository: {exc}")
    info = GitInfo(is_repo=True, commit=commit, committed_at=committed_at, remote=read_remote(where),
                   commit_count=count, shallow=shallow, where=where)
    return replace(info, **extra)


def read_remote(where: Path) -> str | None:
    """origin's URL (else the first remote's), without any credentials in it."""
    try:
        listed = git_text(where, "config", "--get-regexp", r"^remote\..*\.url$")
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
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", url, flags=re.IGNORECASE)


def read_branch_names(root: Path) -> list[str]:
    """Local and remote-tracking branch names (`gh-pages`, `origin/gh-pages`); read-only."""
    try:
        out = git_text(root, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes")
    except GitError:
        return []
    return sorted({line for line in out.splitlines() if line})
