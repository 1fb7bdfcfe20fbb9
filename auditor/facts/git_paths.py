"""Whether a path exists at some ref of the history (read-only git plumbing, no checkout)."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.facts.gitcmd import GitError, git_text

SAFE_REF = re.compile(r"^(?!-)[\w./-]{1,200}$")


def path_at_ref(root: Path, ref: str, rel: str) -> bool | None:
    """True/False: `rel` is (not) a file or folder in the tree of `ref` (a branch, tag or
    commit, or the remote's branch of that name); None when git cannot say."""
    if not SAFE_REF.match(ref) or rel.startswith("-"):
        return None
    for candidate in (ref, f"origin/{ref}"):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}") is None:
            continue
        return _git(root, "cat-file", "-t", f"{candidate}:{rel.rstrip('/')}") in ("blob", "tree")
    return None


def _git(root: Path, *args: str) -> str | None:
    try:
        return git_text(root, *args, timeout=20).strip()
    except GitError:
        return None
