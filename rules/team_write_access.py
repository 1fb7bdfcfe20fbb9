"""Distinct commit authors against the group size (study numbers in Question 2 of the report)."""

from auditor.model import Finding

WEB_UPLOAD = "Add files via upload"   # GitHub's default message for files uploaded in the browser


def probe(repo):
    history, team = repo.history, repo.team
    if history is None:
        yield Finding(None, None, "a plain folder without git history: commit authors cannot be read", "error")
        return
    if team is None:
        yield Finding(".git", None, f"commit authors cannot be read: {history.error or 'no commits'}", "error")
        return
    authors, size = len(team.authors), len(team.study_numbers)
    where = (repo.report_path, team.study_numbers_line) if team.study_numbers_line else (".git", None)
    names = ", ".join(a.display for a in team.authors[:8]) + (", ..." if authors > 8 else "")
    counted = f"{_count(authors, 'distinct commit author')} ({names})"
    numbers = _count(size, "study number")
    shallow = "; the clone is shallow, so earlier authors are not seen" if team.shallow else ""
    if size and (team.all_members_found or (authors >= size and not team.members_without_commits)):
        yield Finding(*where, f"{counted} for {numbers} in Question 2")
    elif size and team.shallow:
        yield Finding(*where, f"{counted} for {numbers}{shallow}", "error")
    elif size and authors == 1 and _uploads(history):
        yield Finding(*where, f"only {counted} for {numbers} in Question 2, and the history holds {_uploads(history)} "
                              "web upload(s) ('Add files via upload'): the project was uploaded, so its commits do not "
                              "show who worked on it", "error")
    elif size and authors >= 2:
        yield Finding(*where, f"{counted} for {numbers} in Question 2; {_missing(team)}", "weak")
    elif size:
        yield Finding(*where, f"only {counted} for {numbers} in Question 2; {_missing(team)}", "info")
    else:
        yield Finding(".git", None, f"{counted}; the report names no study numbers in Question 2, so the group size "
                                    f"is unknown{shallow}", "weak" if authors >= 2 else "error")


def _uploads(history) -> int:
    """Commits made by GitHub's web upload: files added as a batch, not the group's own history."""
    return sum(1 for commit in history.commits if commit.subject.startswith(WEB_UPLOAD))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _missing(team) -> str:
    if team.members_without_commits:
        return "no commit from " + ", ".join(team.members_without_commits)
    return f"at least {_count(team.missing_count, 'member')} without a commit among {', '.join(team.unmatched_numbers)}"
