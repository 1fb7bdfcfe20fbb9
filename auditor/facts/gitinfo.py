"""What git says about the repository: is it one, its commit, its remote. Read-only, no hooks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GitInfo:
    is_repo: bool
    commit: str | None = None
    committed_at: str | None = None
    remote: str | None = None
    commit_count: int = 0
    shallow: bool = False
    error: str | None = None


def read_git_info(root: Path) -> GitInfo:
    if not (root / ".git").exists():
        return GitInfo(is_repo=False)
    try:
        import git  # gitpython: imported here so plain folders never pay for it

        repo = git.Repo(root, search_parent_directories=False)
        try:
            head = repo.head.commit
        except ValueError:
            return GitInfo(is_repo=True, error="the repository has no commits")
        remote = None
        try:
            remote = repo.remotes.origin.url if "origin" in [r.name for r in repo.remotes] else (
                repo.remotes[0].url if repo.remotes else None)
        except (IndexError, AttributeError, ValueError):
            remote = None
        count = int(repo.git.rev_list("--count", "HEAD"))
        return GitInfo(
            is_repo=True,
            commit=head.hexsha,
            committed_at=head.committed_datetime.isoformat(),
            remote=remote,
            commit_count=count,
            shallow=(Path(repo.git_dir) / "shallow").exists(),
        )
    except Exception as exc:  # gitpython raises many types for corrupt repositories
        return GitInfo(is_repo=True, error=f"git could not read the repository: {exc.__class__.__name__}")


def read_branch_names(root: Path) -> list[str]:
    """Local and remote-tracking branch names (`gh-pages`, `origin/gh-pages`); read-only, no hooks."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        out = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-C", str(root), "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes"],
            capture_output=True, timeout=30, check=True, env=env,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line for line in out.decode("utf-8", "replace").splitlines() if line})
