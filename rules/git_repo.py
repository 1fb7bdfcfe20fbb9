"""A git repository with commits is strong evidence; a plain folder is weak."""

from auditor.model import Finding


def probe(git):
    if git.is_repo and git.commit:
        plural = "s" if git.commit_count != 1 else ""
        yield Finding(".git", None, f"git repository with {git.commit_count} commit{plural} (HEAD {git.commit[:10]})")
    elif git.is_repo:
        yield Finding(".git", None, git.error or "git repository without commits", "weak")
    else:
        yield Finding(None, None, "a plain folder without git history", "weak")
