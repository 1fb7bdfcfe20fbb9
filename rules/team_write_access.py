"""Distinct commit authors against the group size (study numbers in Question 2 of the report)."""

from auditor.model import Finding


def probe(repo):
    team = repo.team
    if team is None:
        yield Finding(None, None, "no git history to read authors from", "info")
        return
    authors = len(team.authors)
    size = len(team.study_numbers)
    where = (repo.report_path, team.study_numbers_line) if team.study_numbers_line else (".git", None)
    names = ", ".join(a.display for a in team.authors[:8])
    if size and (authors >= size or team.all_members_found):
        yield Finding(*where, f"{authors} distinct commit authors for {size} study numbers in Question 2 ({names})")
    elif size:
        missing = ", ".join(team.members_without_commits) or "some members"
        yield Finding(*where, f"{authors} distinct commit authors for {size} study numbers; no commits from {missing}", "weak")
    elif authors >= 2:
        yield Finding(".git", None, f"{authors} distinct commit authors ({names}); group size unknown", "weak")
    else:
        yield Finding(".git", None, f"only {authors} commit author ({names})", "info")
