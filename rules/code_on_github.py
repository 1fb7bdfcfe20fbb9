"""The code is on GitHub: a github.com remote, or the report links to this repository on github.com."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

GITHUB_REMOTE = LazyPattern(r"github\.com[:/]+([\w.-]+)/([\w.-]+?)(?:\.git)?/*$", re.IGNORECASE)
REMOTE_HOST = LazyPattern(r"^(?:(?:https?|ssh|git)://)?(?:[^@/\s]+@)?([\w.-]+)[:/]")  # not file:// or a path
NOT_REPOSITORIES = {"features", "orgs", "settings", "marketplace", "topics", "apps", "sponsors", "about"}
OUR_REPOSITORY = LazyPattern(r"\b(our|the|this|project'?s?|group'?s?)\s+(github\s+)?repo(sitory)?\b", re.IGNORECASE)
GIT_SUFFIX = LazyPattern(r"\.git$")


def probe(repo, git, report):
    remote = GITHUB_REMOTE.search(git.remote or "")
    if remote:
        yield Finding(".git", None, f"origin is github.com/{remote.group(1)}/{remote.group(2)} ({git.remote})")
    ours = (remote.group(1).lower(), remote.group(2).lower()) if remote else None
    folder = GIT_SUFFIX.sub("", repo.root.name).lower()
    found = False
    for path in dict.fromkeys(p for p in (report.path, "README.md") if p and repo.exists(p)):
        for finding in _links(repo, path, repo.github_mentions(path), ours, folder):
            found = True
            yield finding
    if not remote and not found and not _hosted_elsewhere(git.remote):
        where = f"its remote is {git.remote}" if git.remote else "it has no remote"
        yield Finding(None, None, f"this copy cannot show where the code is hosted ({where}) and the report "
                                  "links to no repository on github.com", "n/a")


def _hosted_elsewhere(remote):
    """A remote on a named host other than GitHub (gitlab.com, ...): then the code is not on GitHub."""
    host = REMOTE_HOST.match(remote or "")
    return bool(host) and bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", host.group(1)))


def _links(repo, path, mentions, ours, folder):
    strong = weak = None
    for mention in mentions:
        owner, name, file_path = mention.owner, mention.repo, mention.path
        if owner.lower() in NOT_REPOSITORIES:
            continue
        this = ((owner.lower(), name.lower()) == ours or name.lower() == folder
                or bool(file_path and repo.exists(file_path.rstrip("/")))
                or bool(file_path and repo.is_folder(file_path)))
        if this and strong is None:
            strong = Finding(path, mention.line, f"links to this repository on github.com/{owner}/{name}")
        elif not this and weak is None and OUR_REPOSITORY.search(mention.context):
            weak = Finding(path, mention.line, f"links to github.com/{owner}/{name} as the group's repository, "
                                               "which does not match this repository's name or files", "weak")
    yield from (f for f in (strong, weak) if f is not None)
