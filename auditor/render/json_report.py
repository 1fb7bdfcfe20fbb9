"""The versioned JSON document (schema: auditor/render/report.schema.json)."""

from __future__ import annotations

import json

from auditor import __version__
from auditor.audit import AuditResult
from auditor.lazy_pattern import LazyPattern
from auditor.render.json_text import dumps_indented

SCHEMA_VERSION = "1"


def to_document(result: AuditResult) -> dict:
    repo = result.repository
    report = result.report
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": __version__},
        "repository": {
            "path": repo.git.target or str(repo.root),
            "commit": repo.git.commit,
            "committed_at": repo.git.committed_at,
            "remote": repo.git.remote,
            "is_git": repo.git.is_repo,
            **history_fields(repo),
        },
        "report": {
            "path": report.path,
            "checklist_lines": len(report.checklist_lines),
            "checklist_path": report.checklist_path,
            "template": report.template,
            "message": report.message,
        },
        "summary": result.summary,
        "items": [
            {
                "id": item.id,
                "code": item.code,
                "module": item.module,
                "week": item.week,
                "title": item.title,
                "line": item.line,
                "mark": item.mark,
                "claimed": item.claimed,
                "claim_source": item.claim_source if item.claimed is not None else None,
                "claim_via": item.claim_via,
                "evidence": item.evidence,
                "verdict": item.verdict,
                "findings": [f.to_json() for f in item.findings],
            }
            for item in result.items
        ],
        "unmatched": [{"line": l.line, "text": l.text, "mark": l.mark, "claimed": l.claimed} for l in result.unmatched],
        "problems": [{"path": p.path, "message": p.message} for p in result.problems],
        "team": team_block(repo),
        "answers": [check.to_json() for check in result.answers],
        "course_checks": [check.to_json() for check in result.course_checks],
        "questions": _questions(result),
    }


def history_fields(repo) -> dict:
    """Which commit was audited and why: `--at`, the deadline and what came after it."""
    git = repo.git
    scaffold = repo.template_scaffold if git.is_repo else None
    return {
        "at": git.at,
        "deadline": git.deadline,
        "commits_after_deadline": git.commits_after_deadline,
        "commit_count": git.commit_count,
        "shallow": git.shallow,
        "template_scaffold": None if scaffold is None else {
            "commit": scaffold.commit.sha, "template": scaffold.template,
            "committed_at": scaffold.commit.authored_iso, "subject": scaffold.commit.subject,
        },
    }


def team_block(repo) -> dict:
    """Who committed up to the audited commit, against the study numbers of Question 2."""
    numbers, line = repo.study_numbers
    history, team = repo.history, repo.team
    if team is None:
        reason = ("a plain folder without git history" if history is None
                  else history.error or "the repository has no commits")
        return {"available": False, "reason": reason, "study_numbers": numbers, "study_numbers_line": line}
    block = {
        "available": True,
        "reason": "shallow clone: the history is incomplete" if history.shallow else None,
        "study_numbers": numbers,
        "study_numbers_line": line,
        "commits": len(history.commits),
        "bot_commits": team.bot_commits,
        "members": [a.to_json(history.line_counts()) for a in team.authors],
        "members_without_commits": team.members_without_commits,
        "unmatched_study_numbers": team.unmatched_numbers,
        "missing_count": team.missing_count,
        "merge_commits": len(history.merges),
        "pull_requests": history.pull_requests,
        "branches": history.branches,
    }
    gap = history.line_count_gap()
    if gap is not None:   # only then: a complete history's block is as it always was
        block["line_counts"] = {"status": gap.status, "counted_commits": gap.counted_commits,
                                "commits": gap.commits, "reason": gap.reason}
    return block


def _questions(result: AuditResult) -> dict | None:
    """The report's questions: how many, which template, which are unanswered."""
    answers = result.report.answers
    if answers is None or not answers.questions:
        return None
    return {"count": len(answers.questions), "template": answers.template, "unanswered": answers.unanswered}


LONE_SURROGATE = LazyPattern("[\ud800-\udfff]")


def dumps(result: AuditResult) -> str:
    """The document as JSON text that is valid UTF-8: a file name that is not UTF-8 (kept by
    Python as lone surrogates) is written as its `\\udcXX` escape, which reads back the same."""
    text = dumps_indented(to_document(result), indent=2, ensure_ascii=False)
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def schema() -> dict:
    from importlib import resources  # only tests and validators ask for the schema

    return json.loads(resources.files("auditor.render").joinpath("report.schema.json").read_text("utf-8"))
