"""The honesty report for people: rich tables grouped by week."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor.audit import AuditResult
from auditor.catalog import WEEK_ORDER
from auditor.render.attention import needs_a_look

VERDICT_STYLE = {
    "corroborated": ("✔", "green"),
    "weak": ("~", "yellow"),
    "unsupported": ("✘", "bold red"),
    "unverifiable": ("?", "cyan"),
    "unclaimed": ("+", "blue"),
    "not-claimed": ("·", "dim"),
    "not-in-checklist": (" ", "dim"),
}
WEEK_TITLE = {"1": "Week 1", "2": "Week 2", "3": "Week 3", "extra": "Extra"}


def make_console() -> Console:
    """A console that stays readable when piped (rich falls back to 80 columns otherwise)."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    return console


def render(result: AuditResult, console: Console, verbose: bool = False, skip: dict[str, str] | None = None) -> None:
    repo, report = result.repository, result.report
    commit = repo.git.commit[:10] if repo.git.commit else "no commit"
    console.print(f"[bold]Audit of[/bold] {escape(repo.git.target or str(repo.root))}  ({commit}"
                  f"{', ' + escape(repo.git.remote) if repo.git.remote else ''})")
    for line in history_lines(repo):
        console.print(line)
    elsewhere = report.checklist_path if report.checklist_path not in (None, report.path) else None
    console.print(f"Report: {escape(report.path or 'none')}  template {report.template}, "
                  f"{len(report.checklist_lines)} checklist lines"
                  + (f" [yellow]in {escape(elsewhere)}[/yellow]" if elsewhere else ""))
    if elsewhere:
        missing = "holds no checklist" if report.path else "is missing"
        console.print(f"[yellow]The report {missing}; the group's checklist was found in "
                      f"{escape(elsewhere)}[/yellow] (its line numbers are shown)")
    elif report.message:
        said = any(item.claim_source == "answers" and item.claimed is not None for item in result.items)
        how = "claims are taken from the answers" if said else "claims are unknown, evidence is still reported"
        console.print(f"[yellow]{escape(report.message)}[/yellow]: {how}")
    hidden = 0
    for week in WEEK_ORDER:
        items = [i for i in result.items if i.week == week]
        shown = [i for i in items if verbose or _worth_a_row(i, report)]
        hidden += len(items) - len(shown)
        if shown:
            console.print(_week_table(WEEK_TITLE[week], shown, verbose))
    if hidden:
        console.print(f"[dim]{hidden} items this checklist does not hold and the repository shows no strong "
                      f"evidence for are left out (-v shows them)[/dim]")
    _answers_section(result, console, verbose)
    if result.unmatched:
        console.print("[bold]Checklist lines that match no item[/bold]")
        for line in result.unmatched:
            console.print(f"  line {line.line} [{escape(line.mark)}] {escape(line.text[:100])}")
    if result.problems:
        console.print("[bold]Files that could not be read[/bold]")
        for problem in result.problems[:20]:
            console.print(f"  [red]{escape(problem.path)}[/red]: {escape(problem.message)}")
    for item_id, reason in (skip or {}).items():
        console.print(f"[dim]{item_id} skipped by {escape('[tool.auditor]')}: {escape(reason)}[/dim]")
    s = result.summary
    console.print(
        f"[bold]{s['claimed']} claimed[/bold]: [green]{s['corroborated']} corroborated[/green], "
        f"[yellow]{s['weak']} weak[/yellow], [red]{s['unsupported']} unsupported[/red], "
        f"[cyan]{s['unverifiable']} unverifiable[/cyan]; [blue]{s['unclaimed']} done but not claimed[/blue]"
    )


def _worth_a_row(item, report) -> bool:
    """Every item of the checklist; of the others, those the repository clearly shows (and all
    of them when the report has no checklist to compare with)."""
    return item.claimed is not None or item.evidence == "strong" or not report.checklist_lines


def history_lines(repo) -> list[str]:
    """The audited point in time and the team, one line each (nothing for a plain folder)."""
    git, lines = repo.git, []
    if git.deadline:
        after = git.commits_after_deadline or 0
        style = "yellow" if after else "green"
        lines.append(f"Deadline {escape(git.deadline)}: commit {git.commit[:10]} committed {escape(git.committed_at or '?')}; "
                     f"[{style}]{after} commit{'s' if after != 1 else ''} after the deadline[/{style}]")
    elif git.at:
        lines.append(f"At {escape(git.at)}: commit {git.commit[:10]} committed {escape(git.committed_at or '?')}")
    team = repo.team
    if team is not None:
        numbers = f" for {len(team.study_numbers)} study numbers" if team.study_numbers else ""
        missing = f"; no commit from {', '.join(team.members_without_commits)}" if team.members_without_commits else ""
        shallow = " (shallow clone: history incomplete)" if team.shallow else ""
        lines.append(f"Team: {len(team.authors)} commit author{'s' if len(team.authors) != 1 else ''}{numbers}"
                     f"{escape(missing)}{shallow}{_line_count_note(repo.history)}")
    return lines


def _line_count_note(history) -> str:
    gap = history.line_count_gap() if history is not None else None
    if gap is None:
        return ""
    return (f" [yellow](line counts {gap.status}: {gap.counted_commits} of {gap.commits} commits counted; "
            f"{escape(gap.reason)})[/yellow]")


def _describe(finding) -> str:
    """`path:line message`, without the message repeating the place."""
    message = finding.message
    if finding.path:
        for place in (f" in {finding.where()}", f" at {finding.where()}", finding.where()):
            message = message.replace(place, "")
    return f"{finding.where()}  {message.strip()}" if finding.path else message


def _week_table(title: str, items, verbose: bool) -> Table:
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("item")
    table.add_column("mark", justify="center")
    table.add_column("verdict")
    table.add_column("evidence")
    table.add_column("where / why", overflow="fold")
    for item in items:
        icon, style = VERDICT_STYLE[item.verdict]
        mark = "—" if item.claimed is None else f"[{item.mark}]"
        if item.claim_source == "answers" and item.claimed is not None:
            mark = "said" if item.claimed else "denied"
        elif item.claim_via:
            mark += f" via {item.claim_via}"
        shown = item.findings if verbose else item.findings[:1]
        where = "\n".join(_describe(f) for f in shown) or "no evidence found"
        where = "\n".join(filter(None, (_claim_note(item), where)))
        table.add_row(
            f"{item.code} {item.id}", escape(mark), f"[{style}]{icon} {item.verdict}[/{style}]",
            item.evidence, escape(where),
        )
    return table


def _claim_note(item) -> str | None:
    """Where a claim that is not the item's own tick comes from: a soft claim to read as such."""
    if item.claimed is None:
        return None
    if item.claim_via:
        return f"ticked only through the {item.claim_via} line (line {item.line}), which also names this item"
    if item.claim_source == "answers":
        return f"not in the checklist; the answers say it was {'done' if item.claimed else 'not done'} (line {item.line})"
    return None


ANSWER_STYLE = {
    "corroborated": ("✔", "green"),
    "weak": ("~", "yellow"),
    "unsupported": ("✘", "bold red"),
    "contradicted": ("≠", "bold magenta"),
    "unclaimed": ("+", "blue"),
    "unverifiable": ("?", "cyan"),
}


def _answers_section(result: AuditResult, console: Console, verbose: bool) -> None:
    """Claims of the free-text answers (all with -v, else those that need a look) and the
    course's own report check."""
    sources = {item.id: item.claim_source for item in result.items if item.claimed is not None}
    checks = result.answers if verbose else [a for a in result.answers if needs_a_look(a, sources)]
    if result.answers:
        table = Table(title="Claims in the answers", title_justify="left", expand=False)
        for column in ("Q", "check", "claim", "found", "verdict"):
            table.add_column(column, overflow="fold")
        for check in checks:
            icon, style = ANSWER_STYLE[check.verdict]
            what = f"{check.check} {check.item}" if check.item else check.check
            table.add_row(str(check.question or "-"), what, escape(check.claim[:120]),
                          escape(check.found[:120]), f"[{style}]{icon} {check.verdict}[/{style}]")
        hidden = len(result.answers) - len(checks)
        if checks:
            console.print(table)
        more = f", {hidden} more with -v" if hidden else ""
        console.print(f"{len(result.answers)} answer claims checked{more}")
    failed = [c for c in result.course_checks if not c.passed]
    if result.course_checks:
        passed = len(result.course_checks) - len(failed)
        console.print(f"[bold]Course report check[/bold]: {passed}/{len(result.course_checks)} passed")
        for check in failed if verbose else failed[:12]:
            where = f"Q{check.question}" if check.question else "report"
            console.print(f"  [yellow]{where}[/yellow] {check.rule}: {escape(check.actual)}, "
                          f"expected {escape(check.expected)}")
        if not verbose and len(failed) > 12:
            console.print(f"  ... {len(failed) - 12} more (-v)")
