"""The honesty report as GitHub-flavoured Markdown, for a pull-request comment or a job summary:
one summary line, what needs attention with links into the audited commit, the rest folded."""

from __future__ import annotations

from urllib.parse import quote

from auditor.lazy_pattern import LazyPattern
from auditor.report.links import github_slug
from auditor.audit import AuditResult
from auditor.catalog import WEEK_ORDER
from auditor.render.attention import Attention, attention_items, skipped_items

ICON = {"corroborated": "✔", "weak": "~", "unsupported": "✘", "contradicted": "≠", "course": "!",
        "unverifiable": "?", "unclaimed": "+", "not-claimed": "·", "not-in-checklist": ""}
MARKDOWN_SPECIAL = LazyPattern(r"([\\`*_{}\[\]<>|#!~])")


def render(result: AuditResult, skip: dict[str, str] | None = None) -> str:
    links = Links.of(result)
    needed = attention_items(result, skip)
    parts = [f"## auditor: {summary_line(result)}", "", _about(result), ""]
    if needed:
        parts += [f"### Needs attention ({len(needed)})", "", *_attention_table(needed, result.report.path, links), ""]
    else:
        parts += ["Nothing needs attention.", ""]
    parts += _details("All checklist items", _items_table(result, links))
    skipped = skipped_items(result, skip or {})
    if skipped:
        parts += _details(f"Skipped by [tool.auditor] ({len(skipped)})",
                          [f"- {escape(a.title)}: {escape((skip or {})[a.item_id])}" for a in skipped])
    if result.problems:
        parts += _details(f"Files that could not be read ({len(result.problems)})",
                          [f"- `{_code(p.path)}`: {escape(p.message)}" for p in result.problems])
    return "\n".join(parts).rstrip() + "\n"


def summary_line(result: AuditResult) -> str:
    s = result.summary
    return (f"{s['claimed']} claimed: {s['corroborated']} corroborated, {s['weak']} weak, "
            f"{s['unsupported']} unsupported, {s['unverifiable']} unverifiable; "
            f"{s['unclaimed']} done but not claimed")


def escape(text: str) -> str:
    """Plain text that GitHub shows as written (no emphasis, links, tags or table breaks)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


class Links:
    """`path:line` as a link into the audited commit on GitHub when both are known."""

    def __init__(self, slug: str | None, commit: str | None):
        self.base = f"https://github.com/{slug}/blob/{commit}/" if slug and commit else None

    @classmethod
    def of(cls, result: AuditResult) -> "Links":
        git = result.repository.git
        owner, repo = github_slug(git.remote)
        return cls(f"{owner}/{repo}" if owner and repo else None, git.commit)

    def place(self, path: str | None, line: int | None) -> str:
        if not path:
            return "-"
        shown = f"{path}:{line}" if line else path
        if self.base is None:
            return f"`{_code(shown)}`"
        anchor = f"#L{line}" if line else ""
        return f"[`{_code(shown)}`]({self.base}{quote(path)}{anchor})"


def _about(result: AuditResult) -> str:
    repo, report = result.repository, result.report
    commit = f"commit `{repo.git.commit[:10]}`" if repo.git.commit else "no commit"
    return f"Report `{_code(report.path or 'none')}` ({len(report.checklist_lines)} checklist lines), {commit}."


def _attention_table(needed: list[Attention], report_path: str | None, links: Links) -> list[str]:
    rows = ["| | what | claimed at | found | evidence |", "| --- | --- | --- | --- | --- |"]
    for a in needed:
        evidence = "<br>".join(links.place(f.path, f.line) for f in a.evidence[:3]) or "-"
        claimed_at = links.place(report_path, a.line) if a.line else "-"
        rows.append(f"| {ICON[a.kind]} {a.kind} | {escape(a.title)} | {claimed_at} "
                    f"| {escape(a.message)} | {evidence} |")
    return rows


def _items_table(result: AuditResult, links: Links) -> list[str]:
    rows = ["| item | claimed at | verdict | evidence | where |", "| --- | --- | --- | --- | --- |"]
    report_path = result.report.path
    for week in WEEK_ORDER:
        for item in (i for i in result.items if i.week == week and i.claimed is not None):
            mark = f"`[{_code(item.mark)}]`" if item.mark is not None else "said" if item.claimed else "denied"
            first = item.findings[0] if item.findings else None
            where = links.place(first.path, first.line) if first and first.path else escape(
                first.message if first else "no evidence found")
            claimed_at = f"{mark} {links.place(report_path, item.line)}" if item.line else mark
            rows.append(f"| {item.code} {item.id} | {claimed_at} "
                        f"| {ICON[item.verdict]} {item.verdict} | {item.evidence} | {where} |")
    return rows


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{escape(summary)}</summary>", "", *body, "", "</details>", ""]


def _code(text: str) -> str:
    """Text inside a code span: backticks and table pipes cannot end it early."""
    return text.replace("`", "'").replace("|", "\\|")
