"""Whether a path exists at some ref of the history (read-only git plumbing, no checkout)."""

from __future__ import annotations


from auditor.facts.gitcmd import CatFile, GitError
from auditor.lazy_pattern import LazyPattern

SAFE_REF = LazyPattern(r"^(?!-)[\w./-]{1,200}$")


def path_at_ref(objects: CatFile, ref: str, rel: str) -> bool | None:
    """True/False: `rel` is (not) a file or folder in the tree of `ref` (a branch, tag or
    commit, or the remote's branch of that name); None when git cannot say. Asked of the
    repository's cat-file process."""
    if not SAFE_REF.match(ref) or rel.startswith("-") or "\n" in rel:
        return None
    try:
        for candidate in (ref, f"origin/{ref}"):
            if objects.kind(f"{candidate}^{{commit}}") != "commit":
                continue
            return objects.kind(f"{candidate}:{rel.rstrip('/')}") in ("blob", "tree")
    except GitError:
        return None
    return None
