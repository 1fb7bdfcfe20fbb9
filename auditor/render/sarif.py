"""The findings that need attention as SARIF 2.1.0, for GitHub code scanning: one rule per
checklist item (its code, id and what counts as evidence), one result per finding, placed at
the report line that claims it, the evidence files as related locations."""

from __future__ import annotations

from urllib.parse import quote

from auditor import __version__
from auditor.report.links import github_slug
from auditor.audit import AuditResult
from auditor.catalog import RuleSpec, load_catalog
from auditor.render.attention import Attention, attention_items, skipped_items
from auditor.render.explain import evidence_lines
from auditor.render.json_text import dumps_indented

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"unsupported": "error", "contradicted": "error", "weak": "warning", "course": "note"}
SOURCE_ROOT = "SRCROOT"


def to_document(result: AuditResult, skip: dict[str, str] | None = None) -> dict:
    needed = attention_items(result, skip)
    skipped = skipped_items(result, skip or {})
    rules = [item_rule(spec) for spec in load_catalog()]
    rules += _other_rules([*needed, *skipped], {r["id"] for r in rules})
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run = {
        "tool": {"driver": {"name": "auditor", "version": __version__, "rules": rules}},
        "originalUriBaseIds": {SOURCE_ROOT: {"description": {"text": "the audited repository"}}},
        "results": [_result(a, index, result.report.path) for a in needed]
                   + [_suppressed(_result(a, index, result.report.path), (skip or {})[a.item_id]) for a in skipped],
    }
    git = result.repository.git
    owner, repo = github_slug(git.remote)
    if git.commit and owner and repo:
        run["versionControlProvenance"] = [{"repositoryUri": f"https://github.com/{owner}/{repo}",
                                            "revisionId": git.commit}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def dumps(result: AuditResult, skip: dict[str, str] | None = None) -> str:
    return dumps_indented(to_document(result, skip), indent=2, ensure_ascii=False)


def item_rule(spec: RuleSpec) -> dict:
    """A checklist item as a rule; its help says what `auditor explain` says."""
    return {
        "id": spec.code,
        "name": spec.id,
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": explanation(spec)},
        "help": {"text": explanation(spec)},
        "properties": {"module": spec.module or "", "week": spec.week},
    }


def explanation(spec: RuleSpec) -> str:
    heading = f"{spec.code} {spec.id}: {spec.title}"
    return "\n".join([heading, *(label + rest for label, rest in evidence_lines(spec))])


def _other_rules(needed: list[Attention], known: set[str]) -> list[dict]:
    """Rules for what is not a checklist item: an answer's claim, a course check."""
    rules: dict[str, dict] = {}
    for a in needed:
        if a.rule in known or a.rule in rules:
            continue
        what = "the course's report check" if a.source == "course" else "a claim of the report's answers"
        text = f"{a.rule}: {what} ({a.rule.split('-', 1)[1]})"
        rules[a.rule] = {"id": a.rule, "name": a.rule, "shortDescription": {"text": text}, "help": {"text": text}}
    return list(rules.values())


def _result(a: Attention, index: dict[str, int], report_path: str | None) -> dict:
    found = {
        "ruleId": a.rule,
        "ruleIndex": index[a.rule],
        "level": LEVEL[a.kind],
        "kind": "fail",
        "message": {"text": f"{a.kind}: {a.title}: {a.message}"},
        "locations": [_location(report_path or "reports/README.md", a.line)],
        "properties": {"category": a.kind, "source": a.source},
    }
    related = [_location(f.path, f.line, f.message, i) for i, f in enumerate(a.evidence)]
    if related:
        found["relatedLocations"] = related
    return found


def _suppressed(found: dict, reason: str) -> dict:
    """A result the group's [tool.auditor] skip explains: kept, but marked as suppressed."""
    return {**found, "suppressions": [{"kind": "external", "status": "accepted", "justification": reason}]}


def _location(path: str, line: int | None, message: str | None = None, number: int | None = None) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(path), "uriBaseId": SOURCE_ROOT}}
    if line:
        physical["region"] = {"startLine": line}
    location: dict = {"physicalLocation": physical}
    if number is not None:
        location["id"] = number
    if message:
        location["message"] = {"text": message}
    return location


def _uri(path: str) -> str:
    return quote(path)
