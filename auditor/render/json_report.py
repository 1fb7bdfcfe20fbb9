"""The versioned JSON document (schema: auditor/render/report.schema.json)."""

from __future__ import annotations

import json
from importlib import resources

from auditor import __version__
from auditor.audit import AuditResult

SCHEMA_VERSION = "1"


def to_document(result: AuditResult) -> dict:
    repo = result.repository
    report = result.report
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": __version__},
        "repository": {
            "path": str(repo.root),
            "commit": repo.git.commit,
            "committed_at": repo.git.committed_at,
            "remote": repo.git.remote,
            "is_git": repo.git.is_repo,
        },
        "report": {
            "path": report.path,
            "checklist_lines": len(report.checklist_lines),
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
                "evidence": item.evidence,
                "verdict": item.verdict,
                "findings": [f.to_json() for f in item.findings],
            }
            for item in result.items
        ],
        "unmatched": [{"line": l.line, "text": l.text, "mark": l.mark, "claimed": l.claimed} for l in result.unmatched],
        "problems": [{"path": p.path, "message": p.message} for p in result.problems],
    }


def dumps(result: AuditResult) -> str:
    return json.dumps(to_document(result), indent=2, ensure_ascii=False)


def schema() -> dict:
    return json.loads(resources.files("auditor.render").joinpath("report.schema.json").read_text("utf-8"))
